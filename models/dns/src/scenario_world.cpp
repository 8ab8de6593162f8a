#include "eksim/dns/scenario_world.hpp"

#include <map>

#include "eksim/capacity/scenario_capacity.hpp"
#include "eksim/dns/name_expansion.hpp"

namespace eksim::dns {
namespace {

// Addresses handed out in turn per subnet, after the four AWS reserves.
class AddressBook {
 public:
  net::Ipv4Address next(const net::Cidr& subnet) {
    std::uint32_t& used = used_[subnet.network().value()];
    const std::uint64_t offset = 4 + used++;
    // A subnet too small for the stand-in wraps; real addresses come from the layout.
    return net::Ipv4Address(subnet.network().value() +
                            static_cast<std::uint32_t>(offset % std::max<std::uint64_t>(subnet.size(), 8)));
  }

 private:
  std::map<std::uint32_t, std::uint32_t> used_;
};

net::Cidr service_range(const net::Cidr& vpc) {
  const auto ten = *net::Cidr::make(net::Ipv4Address::from_octets(10, 0, 0, 0), 8);
  return ten.contains(vpc) ? *net::Cidr::make(net::Ipv4Address::from_octets(172, 20, 0, 0), 16)
                           : *net::Cidr::make(net::Ipv4Address::from_octets(10, 100, 0, 0), 16);
}

}  // namespace

DnsTuning dns_tuning(const scenario::Scenario& s) {
  DnsTuning t;
  t.parallel_aaaa = s.dns.behaviour.parallel_aaaa;
  t.coredns_qps = s.dns.behaviour.coredns_qps;
  t.resolver_round_trip = s.dns.behaviour.resolver_round_trip;
  t.resolver_burst = s.dns.behaviour.resolver_burst;
  t.same_node = s.hops.same_node;
  t.same_az = s.hops.same_az;
  t.cross_az = s.hops.cross_az;
  return t;
}

DnsWorld dns_world(const scenario::Scenario& s) {
  DnsWorld w;
  const aws::NetworkModel& net = s.network;
  for (const aws::Vpc& v : net.vpcs) w.vpcs.push_back({v.name, net.regions[v.region].name, v.primary_cidr()});

  const capacity::CapacityInput input = capacity::capacity_input(s);
  capacity::PlanOptions options;
  options.headroom = false;
  const capacity::CapacityReport plan = capacity::plan_capacity(input, options);

  AddressBook book;
  auto subnet_cidr = [&](const std::string& name) { return net.subnets[*net.find_subnet(name)].cidr; };
  std::map<std::string, std::uint32_t> cluster_of;
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    const scenario::Cluster& cl = s.clusters[c];
    WorldCluster wc;
    wc.name = cl.name;
    wc.vpc = cl.vpc;
    wc.node_local_cache = cl.dns.node_local_cache;
    wc.dns_service_ip = net::Ipv4Address(service_range(w.vpcs[cl.vpc].primary_cidr).network().value() + 10);
    w.clusters.push_back(wc);
    cluster_of[cl.name] = c;
  }
  std::vector<const scenario::NodeGroup*> group_of_node;
  for (const capacity::NodeReport& n : plan.nodes) {
    const std::uint32_t c = cluster_of.at(n.name.substr(0, n.name.find('/')));
    WorldNode node;
    node.cluster = c;
    node.name = n.name;
    node.az = n.az;
    node.ip = book.next(subnet_cidr(n.subnet));
    node.primary_eni = n.name + "/eni-0";
    w.nodes.push_back(node);
    const scenario::NodeGroup* group = nullptr;
    for (const auto& g : s.clusters[c].node_groups) {
      if (g.name == n.node_group) group = &g;
    }
    group_of_node.push_back(group);
  }

  // Pods, and per workload its running pods, for Services and Cloud Map.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::uint32_t>> pods_of;  // (cluster, workload)
  std::vector<int> pod_slots_used(w.nodes.size(), 0);
  for (const capacity::PlacedPod& placed : plan.pods) {
    if (!placed.running) continue;
    const capacity::WorkloadSpec& spec = input.workloads[placed.workload];
    if (spec.source < 0) continue;
    const scenario::Cluster& cl = s.clusters[spec.cluster];
    const k8s::Workload& wl = cl.objects.workloads[static_cast<std::size_t>(spec.source)];
    WorldPod p;
    p.cluster = spec.cluster;
    p.namespace_name = wl.namespace_name;
    p.name = wl.name + "-" + std::to_string(placed.replica);
    p.workload = wl.namespace_name + "/" + wl.name;
    p.node = placed.node;
    p.host_network = wl.pod.host_network;
    p.dns_policy = wl.pod.dns_policy;
    p.dns_config = wl.pod.dns_config;
    const WorldNode& node = w.nodes[placed.node];
    if (p.host_network) {
      p.ip = node.ip;
      p.eni = node.primary_eni;
    } else {
      p.ip = book.next(subnet_cidr(plan.nodes[placed.node].pod_subnet));
      const scenario::NodeGroup* g = group_of_node[placed.node];
      const int per_eni_ips = g != nullptr ? std::max(1, g->instance_type.ipv4_per_eni - 1) : 1;
      const int per_eni = cl.cni.mode == aws::IpMode::prefix_delegation ? per_eni_ips * 16 : per_eni_ips;
      const int first = cl.cni.custom_networking ? 1 : 0;
      p.eni = node.name + "/eni-" + std::to_string(first + pod_slots_used[placed.node]++ / per_eni);
    }
    if (wl.kind == k8s::WorkloadKind::StatefulSet && !wl.service_name.empty()) {
      p.hostname = p.name;
      p.subdomain = wl.service_name;
    }
    const auto index = static_cast<std::uint32_t>(w.pods.size());
    pods_of[{spec.cluster, static_cast<std::uint32_t>(spec.source)}].push_back(index);
    if (wl.namespace_name == "kube-system" && wl.name == "coredns")
      w.clusters[spec.cluster].coredns_pods.push_back(index);
    w.pods.push_back(std::move(p));
  }

  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<net::Ipv4Address>> lb_ips;  // (cluster, service)
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    const scenario::Cluster& cl = s.clusters[c];
    std::uint32_t next_ip = 11;
    const net::Cidr range = service_range(w.vpcs[cl.vpc].primary_cidr);
    for (std::uint32_t i = 0; i < cl.objects.services.size(); ++i) {
      const k8s::Service& svc = cl.objects.services[i];
      WorldService ws;
      ws.cluster = c;
      ws.namespace_name = svc.namespace_name;
      ws.name = svc.name;
      ws.type = svc.type;
      ws.headless = svc.headless;
      ws.external_name = svc.external_name;
      if (svc.type != k8s::ServiceType::ExternalName && !svc.headless) {
        if (svc.id == "kube-system/kube-dns") {
          ws.cluster_ip = w.clusters[c].dns_service_ip;
        } else if (const auto written = net::parse_ipv4(svc.cluster_ip)) {
          ws.cluster_ip = *written;
        } else {
          ws.cluster_ip = net::Ipv4Address(range.network().value() + next_ip++);
        }
      }
      for (std::uint32_t b : svc.backends) {
        for (std::uint32_t p : pods_of[{c, b}]) ws.endpoints.push_back(p);
      }
      if (svc.load_balancer) {
        std::vector<std::string> azs;
        for (std::size_t n = 0; n < w.nodes.size(); ++n) {
          if (w.nodes[n].cluster != c || std::find(azs.begin(), azs.end(), w.nodes[n].az) != azs.end()) continue;
          azs.push_back(w.nodes[n].az);
          ws.load_balancer_ips.push_back(book.next(subnet_cidr(plan.nodes[n].subnet)));
        }
        lb_ips[{c, i}] = ws.load_balancer_ips;
      }
      w.services.push_back(std::move(ws));
    }
  }

  for (const auto& z : s.dns.private_zones) {
    PrivateZone zone{z.name, "private hosted zone " + z.name, z.vpcs, {}};
    for (const auto& r : z.records) {
      zone.records.push_back(
          {r.name, r.cname ? RecordType::CNAME : RecordType::A, r.addresses, r.target, r.ttl_seconds});
    }
    w.zones.push_back(std::move(zone));
  }
  for (const auto& ns : s.dns.cloud_map) {
    PrivateZone zone{ns.name, "Cloud Map namespace " + ns.name + " (its private hosted zone)", ns.vpcs, {}};
    for (const auto& sv : ns.services) {
      ZoneRecord rec{sv.name + "." + ns.name, RecordType::A, {}, {}, sv.ttl_seconds};
      if (sv.workload) {
        for (std::uint32_t p : pods_of[{sv.cluster, *sv.workload}]) rec.addresses.push_back(w.pods[p].ip);
      } else {
        rec.addresses = lb_ips[{sv.cluster, *sv.load_balancer}];
      }
      zone.records.push_back(std::move(rec));
    }
    w.zones.push_back(std::move(zone));
  }
  return w;
}

}  // namespace eksim::dns
