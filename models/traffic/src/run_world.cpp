#include "run_world.hpp"

#include <algorithm>

namespace eksim::traffic {
namespace {

// Gbps -> bytes per second.
double bytes_per_second(double gbps) { return gbps * 1e9 / 8.0; }

// A VPC attachment of a Transit Gateway carries up to 50 Gbps (the 2023
// quota page; aws-eks-facts.md 2.3); a NAT gateway scales to 100 Gbps.
constexpr double kTgwAttachmentGbps = 50;
constexpr double kNatGatewayGbps = 100;
// Nodes whose type has no published baseline get the smallest common one.
constexpr double kUnknownBaselineGbps = 0.75;

bool has_hop(const reach::Verdict& v, std::string_view kind) {
  return std::any_of(v.path.begin(), v.path.end(), [&](const reach::Hop& h) { return h.kind == kind; });
}

}  // namespace

RunWorld::RunWorld(const scenario::Scenario& s, std::vector<double>& link_capacity)
    : s_(s), conn_(s), link_capacity_(link_capacity) {
  const aws::NetworkModel& net = s.network;
  for (const auto& az : net.availability_zones) az_names_.push_back(az.name);
  const std::size_t n = az_names_.size();
  az_latency_.assign(n * n, &s.hops.cross_az);
  for (std::size_t a = 0; a < n; ++a) az_latency_[a * n + a] = &s.hops.same_az;
  for (const auto& pair : s.hops.az_pairs) {
    const auto a = std::find(az_names_.begin(), az_names_.end(), pair.a) - az_names_.begin();
    const auto b = std::find(az_names_.begin(), az_names_.end(), pair.b) - az_names_.begin();
    if (static_cast<std::size_t>(a) == n || static_cast<std::size_t>(b) == n) continue;  // the loader checked the names
    az_latency_[static_cast<std::size_t>(a) * n + static_cast<std::size_t>(b)] = &pair.latency;
    az_latency_[static_cast<std::size_t>(b) * n + static_cast<std::size_t>(a)] = &pair.latency;
  }

  const reach::Layout& lay = conn_.layout();
  cluster_nodes_.resize(s.clusters.size());
  for (std::uint32_t i = 0; i < lay.nodes.size(); ++i) {
    const reach::LaidOutNode& ln = lay.nodes[i];
    cluster_nodes_[ln.cluster].push_back(i);
    NodeSite site;
    site.az = net.subnets[ln.subnet].az;
    site.vpc = net.subnets[ln.subnet].vpc;
    // The node group is the name's prefix ("general-0").
    double gbps = kUnknownBaselineGbps;
    for (const auto& g : s.clusters[ln.cluster].node_groups) {
      if (ln.name.size() > g.name.size() && ln.name.compare(0, g.name.size(), g.name) == 0 &&
          ln.name[g.name.size()] == '-' && g.instance_type.baseline_bandwidth_gbps) {
        gbps = *g.instance_type.baseline_bandwidth_gbps;
      }
    }
    // Published bandwidth applies to each direction separately (2.4).
    site.nic_out = static_cast<std::uint32_t>(link_capacity_.size());
    link_capacity_.push_back(bytes_per_second(gbps));
    site.nic_in = static_cast<std::uint32_t>(link_capacity_.size());
    link_capacity_.push_back(bytes_per_second(gbps));
    nodes_.push_back(site);
    owners_[ln.address.value()] = {AddressOwner::Kind::node, i, ln.cluster, site.az};
  }

  workload_pods_.resize(s.clusters.size());
  service_pods_.resize(s.clusters.size());
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    workload_pods_[c].resize(s.clusters[c].objects.workloads.size());
    service_pods_[c].resize(s.clusters[c].objects.services.size());
  }
  for (std::uint32_t p = 0; p < lay.pods.size(); ++p) {
    const reach::LaidOutPod& lp = lay.pods[p];
    const scenario::Cluster& cl = s.clusters[lp.cluster];
    const k8s::Workload& wl = cl.objects.workloads[lp.workload];
    PodSite site;
    site.cluster = lp.cluster;
    site.workload = lp.workload;
    site.node = lp.node;
    site.az = nodes_[lp.node].az;
    // Istio injects a sidecar into pods of namespaces labelled
    // istio-injection=enabled, and into pods labelled
    // sidecar.istio.io/inject=true; the pod label "false" opts out.
    const auto& ns = cl.objects.namespaces[wl.namespace_index].labels;
    const auto injection = ns.find("istio-injection");
    const auto pod_inject = wl.pod.labels.find("sidecar.istio.io/inject");
    site.sidecar = !wl.pod.host_network &&
                   ((injection != ns.end() && injection->second == "enabled") ||
                    (pod_inject != wl.pod.labels.end() && pod_inject->second == "true")) &&
                   !(pod_inject != wl.pod.labels.end() && pod_inject->second == "false");
    site.name = cl.name + "/" + lp.name;
    pods_.push_back(std::move(site));
    workload_pods_[lp.cluster][lp.workload].push_back(p);
    if (!wl.pod.host_network) owners_[lp.address.value()] = {AddressOwner::Kind::pod, p, lp.cluster, pods_[p].az};
  }
  cluster_ips_.resize(s.clusters.size());
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    const auto& services = s.clusters[c].objects.services;
    for (std::uint32_t i = 0; i < services.size(); ++i) {
      for (const std::uint32_t w : services[i].backends) {
        const auto& pods = workload_pods_[c][w];
        service_pods_[c][i].insert(service_pods_[c][i].end(), pods.begin(), pods.end());
      }
      std::sort(service_pods_[c][i].begin(), service_pods_[c][i].end());
      if (const auto& ip = lay.cluster_ips[c][i]) cluster_ips_[c][ip->value()] = i;
    }
  }
}

void RunWorld::add_load_balancer_address(net::Ipv4Address a, std::uint32_t cluster, std::uint32_t service) {
  std::uint32_t az = 0;
  for (const auto& subnet : s_.network.subnets) {
    if (subnet.cidr.contains(a)) az = subnet.az;
  }
  owners_[a.value()] = {AddressOwner::Kind::load_balancer, service, cluster, az};
}

const std::vector<std::uint32_t>& RunWorld::pods_of(const scenario::WorkloadRef& w) const {
  return workload_pods_[w.cluster][w.workload];
}

const std::vector<std::uint32_t>& RunWorld::endpoints(std::uint32_t cluster, std::uint32_t service) const {
  return service_pods_[cluster][service];
}

RunWorld::AddressOwner RunWorld::owner_of(std::uint32_t caller_cluster, net::Ipv4Address a) const {
  const auto& services = cluster_ips_[caller_cluster];
  if (const auto s = services.find(a.value()); s != services.end()) {
    return {AddressOwner::Kind::service, s->second, caller_cluster, 0};
  }
  const auto it = owners_.find(a.value());
  return it == owners_.end() ? AddressOwner{} : it->second;
}

void RunWorld::add_segment(Route& r, std::uint32_t az_a, std::uint32_t az_b) const {
  r.add(Stage::network, between(az_a, az_b));
  if (az_a != az_b) ++r.az_crossings;
}

std::uint32_t RunWorld::tgw_link(const std::string& attachment) {
  const auto [it, fresh] = tgw_links_.emplace(attachment, static_cast<std::uint32_t>(link_capacity_.size()));
  if (fresh) link_capacity_.push_back(bytes_per_second(kTgwAttachmentGbps));
  return it->second;
}

// One direction between two nodes (or a node and the VPC edge), from what
// the reachability verdict says the packet crosses.
void RunWorld::build_routes(PairPlan& plan, const reach::Verdict& v, std::uint32_t from_node, std::uint32_t to_node,
                            bool external) {
  const NodeSite& a = nodes_[from_node];
  for (int dir = 0; dir < 2; ++dir) {
    Route& r = dir == 0 ? plan.forward : plan.back;
    r.add(Stage::network, &s_.hops.same_node);  // the sender's veth
    if (external) {
      // Out through the NAT gateway of the node's AZ (or the internet gateway
      // from a public subnet) and across the internet.
      if (has_hop(v, "nat-gateway")) {
        r.add(Stage::network, &s_.hops.same_az);
        r.add(Stage::nat_gateway, &s_.hops.nat_gateway);
        r.nat_gateway = true;
        if (nat_link_ == kNone) {
          nat_link_ = static_cast<std::uint32_t>(link_capacity_.size());
          link_capacity_.push_back(bytes_per_second(kNatGatewayGbps));
        }
        r.add_link(nat_link_);
      }
      r.add(Stage::internet, &s_.hops.internet);
      r.add_link(dir == 0 ? a.nic_out : a.nic_in);
      continue;
    }
    const NodeSite& b = nodes_[to_node];
    if (from_node == to_node) continue;  // the packet stays on the host: one veth pair
    const NodeSite& src = dir == 0 ? a : b;
    const NodeSite& dst = dir == 0 ? b : a;
    r.add_link(src.nic_out);
    if (has_hop(v, "transit-gateway")) {
      // To the TGW's attachment ENI in the sender's AZ, through the TGW, out
      // of the destination VPC's attachment in that AZ, then to the node.
      r.add(Stage::network, between(src.az, src.az));
      r.add(Stage::transit_gateway, &s_.hops.transit_gateway);
      r.transit_gateway = true;
      r.add(Stage::network, between(src.az, dst.az));
      for (const reach::Hop& h : v.path) {
        if (h.kind == "transit-gateway-attachment") r.add_link(tgw_link(h.component));
      }
    } else {
      add_segment(r, src.az, dst.az);
    }
    r.add_link(dst.nic_in);
    r.add(Stage::network, &s_.hops.same_node);  // the receiver's veth
  }
}

namespace {
PairPlan verdict_plan(const reach::Verdict& v) {
  PairPlan plan;
  plan.allowed = v.allowed();
  if (v.blocked) plan.reason = v.blocked->reason;
  return plan;
}
}  // namespace

const PairPlan& RunWorld::pod_pair(std::uint32_t from, std::uint32_t to, std::uint16_t port) {
  return cached({0, from, to, port}, [&]() -> const PairPlan& {
    const reach::Verdict v = conn_.pod_to_pod(from, to, k8s::Protocol::Tcp, port);
    PairPlan& plan = plans_.emplace_back(verdict_plan(v));
    build_routes(plan, v, pods_[from].node, pods_[to].node, false);
    return plan;
  });
}

const PairPlan& RunWorld::external(std::uint32_t from, net::Ipv4Address to, std::uint16_t port) {
  return cached({1, from, to.value(), port}, [&]() -> const PairPlan& {
    const reach::Verdict v = conn_.pod_to_address(from, to, k8s::Protocol::Tcp, port);
    PairPlan& plan = plans_.emplace_back(verdict_plan(v));
    build_routes(plan, v, pods_[from].node, pods_[from].node, true);
    return plan;
  });
}

const PairPlan& RunWorld::load_balancer(std::uint32_t from, std::uint32_t cluster, std::uint32_t service,
                                        std::uint32_t service_port, std::uint32_t lb_az, std::uint32_t via_node,
                                        std::uint32_t to, std::uint16_t target_port) {
  return cached({2, from, to, target_port, cluster, service, service_port, lb_az, via_node}, [&]() -> const PairPlan& {
    const reach::Verdict v =
        conn_.pod_via_load_balancer(from, cluster, service, service_port, to, k8s::Protocol::Tcp, target_port);
    PairPlan& plan = plans_.emplace_back(verdict_plan(v));
    // The verdict decides at the balancer; the way there from another VPC
    // (peering, a Transit Gateway) is the routing toward its targets' VPC.
    if (nodes_[pods_[from].node].vpc != nodes_[pods_[to].node].vpc) {
      const reach::Verdict way = conn_.pod_to_address(from, conn_.layout().pods[to].address, k8s::Protocol::Tcp, target_port);
      balancer_routes(plan, from, lb_az, via_node, to, Stage::load_balancer, &s_.hops.nlb, &way);
    } else {
      balancer_routes(plan, from, lb_az, via_node, to, Stage::load_balancer, &s_.hops.nlb, &v);
    }
    return plan;
  });
}

const PairPlan& RunWorld::east_west(std::uint32_t from, std::uint32_t cluster, std::uint32_t gateway_service,
                                    std::uint32_t gateway_port, std::uint32_t gateway_pod,
                                    std::uint16_t gateway_target_port, std::uint32_t to, std::uint16_t target_port) {
  return cached({5, from, to, target_port, cluster, gateway_service, gateway_port, gateway_pod, gateway_target_port}, [&]() -> const PairPlan& {
    const std::uint32_t lb_az = pods_[gateway_pod].az;
    const PairPlan& in = load_balancer(from, cluster, gateway_service, gateway_port, lb_az, kNone, gateway_pod,
                                       gateway_target_port);
    const PairPlan& on = pod_pair(gateway_pod, to, target_port);
    PairPlan& plan = plans_.emplace_back();
    plan.allowed = in.allowed && on.allowed;
    plan.reason = in.allowed ? on.reason : in.reason;
    // Client -> gateway pod, its Envoy, gateway pod -> endpoint; and back.
    auto join = [&](Route& out, const Route& a, const Route& b) {
      for (std::uint8_t i = 0; i < a.hop_count; ++i) out.add(a.hops[i].stage, a.hops[i].latency);
      out.add(Stage::sidecar, &s_.mesh.sidecar);
      for (std::uint8_t i = 0; i < b.hop_count; ++i) out.add(b.hops[i].stage, b.hops[i].latency);
      for (std::uint8_t i = 0; i < a.link_count; ++i) out.add_link(a.links[i]);
      for (std::uint8_t i = 0; i < b.link_count; ++i) out.add_link(b.links[i]);
      out.az_crossings = static_cast<std::uint8_t>(a.az_crossings + b.az_crossings);
      out.transit_gateway = a.transit_gateway || b.transit_gateway;
    };
    join(plan.forward, in.forward, on.forward);
    join(plan.back, on.back, in.back);
    return plan;
  });
}

void RunWorld::balancer_routes(PairPlan& plan, std::uint32_t from, std::uint32_t lb_az, std::uint32_t via_node,
                               std::uint32_t to, Stage stage, const scenario::Distribution* hop,
                               const reach::Verdict* v) {
  // client node -> balancer in lb_az -> (instance targets: via_node's
  // NodePort, kube-proxy) -> endpoint pod's node. The balancer opens its own
  // connection, so it is a waypoint both ways.
  const NodeSite& client = nodes_[pods_[from].node];
  const std::uint32_t target_node = pods_[to].node;
  const NodeSite& server = nodes_[target_node];
  std::uint32_t points[4];
  std::size_t count = 0;
  points[count++] = client.az;
  points[count++] = lb_az;
  if (via_node != kNone && via_node != target_node) points[count++] = nodes_[via_node].az;
  points[count++] = server.az;
  for (int dir = 0; dir < 2; ++dir) {
    Route& r = dir == 0 ? plan.forward : plan.back;
    r.add(Stage::network, &s_.hops.same_node);
    r.add_link(dir == 0 ? client.nic_out : server.nic_out);
    const std::size_t lb = dir == 0 ? 1 : count - 2;
    if (dir == 1) std::reverse(points, points + count);
    for (std::size_t i = 0; i + 1 < count; ++i) {
      // Between the client's VPC and the balancer's across a Transit Gateway:
      // the TGW hop and its attachments on that segment.
      const bool client_side = dir == 0 ? i == 0 : i + 2 == count;
      if (client_side && v != nullptr && has_hop(*v, "transit-gateway")) {
        r.add(Stage::transit_gateway, &s_.hops.transit_gateway);
        r.transit_gateway = true;
        for (const reach::Hop& h : v->path) {
          if (h.kind == "transit-gateway-attachment") r.add_link(tgw_link(h.component));
        }
        r.add(Stage::network, between(points[i], points[i + 1]));
      } else {
        add_segment(r, points[i], points[i + 1]);
      }
      if (i + 1 == lb) r.add(stage, hop);
    }
    r.add_link(dir == 0 ? server.nic_in : client.nic_in);
    r.add(Stage::network, &s_.hops.same_node);
  }
}

const PairPlan& RunWorld::api_gateway(std::uint32_t from, std::uint32_t cluster, std::uint32_t service,
                                      std::uint32_t service_port, std::uint32_t lb_az, std::uint32_t via_node,
                                      std::uint32_t to, std::uint16_t target_port) {
  return cached({4, from, to, target_port, cluster, service, service_port, lb_az, via_node}, [&]() -> const PairPlan& {
    // The VPC link's ENI: an address of a node subnet of the NLB's VPC in lb_az.
    net::Ipv4Address link = conn_.layout().pods[to].address;
    for (const auto& n : conn_.layout().nodes) {
      if (n.cluster == cluster && s_.network.subnets[n.subnet].az == lb_az) {
        link = net::Ipv4Address(s_.network.subnets[n.subnet].cidr.last().value() - 2);
        break;
      }
    }
    const reach::Verdict v =
        conn_.address_via_load_balancer(link, cluster, service, service_port, to, k8s::Protocol::Tcp, target_port);
    PairPlan& plan = plans_.emplace_back(verdict_plan(v));
    // The client reaches the API through an interface endpoint in its own AZ;
    // the API calls the NLB through the VPC link in the NLB's AZ.
    const NodeSite& client = nodes_[pods_[from].node];
    balancer_routes(plan, from, lb_az, via_node, to, Stage::load_balancer, &s_.hops.nlb, &v);
    for (Route* r : {&plan.forward, &plan.back}) {
      // Splice the gateway in on the client's side: veth, to the endpoint, the API.
      Route spliced;
      const bool out = r == &plan.forward;
      if (out) {
        spliced.add(Stage::network, &s_.hops.same_node);
        add_segment(spliced, client.az, client.az);
        spliced.add(Stage::api_gateway, &s_.hops.api_gateway);
        for (std::uint8_t i = 1; i < r->hop_count; ++i) spliced.add(r->hops[i].stage, r->hops[i].latency);
      } else {
        for (std::uint8_t i = 0; i + 1 < r->hop_count; ++i) spliced.add(r->hops[i].stage, r->hops[i].latency);
        spliced.add(Stage::api_gateway, &s_.hops.api_gateway);
        add_segment(spliced, client.az, client.az);
        spliced.add(Stage::network, &s_.hops.same_node);
      }
      for (std::uint8_t i = 0; i < r->link_count; ++i) spliced.add_link(r->links[i]);
      spliced.az_crossings = r->az_crossings;
      *r = spliced;
    }
    plan.proxied = true;
    for (Route* r : {&plan.to_proxy, &plan.from_proxy}) {
      r->add(Stage::network, &s_.hops.same_node);
      add_segment(*r, client.az, client.az);
    }
    return plan;
  });
}

const PairPlan& RunWorld::alb(std::uint32_t from, std::uint32_t cluster, std::uint32_t ingress, std::uint32_t service,
                              std::uint32_t service_port, std::uint32_t alb_az, std::uint32_t via_node,
                              std::uint32_t to, std::uint16_t target_port) {
  return cached({3, from, to, target_port, cluster, ingress, service, service_port, alb_az, via_node}, [&]() -> const PairPlan& {
    const reach::Verdict v = conn_.pod_via_alb(from, cluster, ingress, service, service_port, to, target_port);
    PairPlan& plan = plans_.emplace_back(verdict_plan(v));
    balancer_routes(plan, from, alb_az, via_node, to, Stage::load_balancer, &s_.hops.alb, &v);
    // The client's connection ends at the ALB: veth, to the ALB's AZ, and back.
    const NodeSite& client = nodes_[pods_[from].node];
    plan.proxied = true;
    for (Route* r : {&plan.to_proxy, &plan.from_proxy}) {
      r->add(Stage::network, &s_.hops.same_node);
      add_segment(*r, client.az, alb_az);
    }
    return plan;
  });
}

}  // namespace eksim::traffic
