#include "eksim/reach/connectivity.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "eksim/aws/pod_security_groups.hpp"
#include "eksim/reach/aws_path.hpp"
#include "eksim/reach/layout.hpp"
#include "eksim/reach/policy_engine.hpp"
#include "eksim/reach/policy_warnings.hpp"
#include "eksim/util/closest_name.hpp"

namespace eksim::reach {
namespace {

k8s::Protocol protocol_of(const std::string& name) {
  if (name == "UDP") return k8s::Protocol::Udp;
  if (name == "SCTP") return k8s::Protocol::Sctp;
  return k8s::Protocol::Tcp;
}

// The key of a verdict for grouping explain cases: pod pairs that take the
// same kind of path and end the same way, at the same component and rule,
// are one case.
std::string verdict_key(const Verdict& v) {
  // The kinds of hops crossed tell a same-node pair from one through the VPC.
  std::string key;
  for (const Hop& h : v.path) key += h.kind + ">";
  if (!v.blocked) return key + "allowed";
  return key + std::string(to_string(v.blocked->reason)) + "|" + v.blocked->component + "|" + v.blocked->rule;
}

std::string range_name(std::uint32_t first, std::uint32_t last) {
  return net::Ipv4Address(first).to_string() + "-" + net::Ipv4Address(last).to_string() + "[External]";
}

}  // namespace

bool ConnectionAnswer::all_allowed() const {
  return !cases.empty() && std::all_of(cases.begin(), cases.end(), [](const Case& c) { return c.verdict.allowed(); });
}

bool ConnectionAnswer::none_allowed() const {
  return std::none_of(cases.begin(), cases.end(), [](const Case& c) { return c.verdict.allowed(); });
}

struct Connectivity::Impl {
  scenario::Scenario s;
  ReachOptions options;
  Layout layout;
  AwsPathEngine aws;
  std::vector<PolicyEngine> engines;               // per cluster
  std::vector<std::uint32_t> engine_pod;           // layout pod -> index in its cluster's engine
  std::vector<AwsEndpoint> pod_endpoint;           // layout pod -> its ENI
  std::vector<bool> pod_strict_branch;             // a branch-ENI pod in strict mode: no SNAT, no host shortcut
  std::vector<AwsEndpoint> node_endpoint;          // layout node -> its primary ENI
  // Layout pod -> the AWS location of its ENI, and of the ENI its traffic to
  // the outside leaves from (its node's, after source NAT); set with the AWS layers.
  std::vector<std::uint32_t> pod_loc;
  std::vector<std::uint32_t> pod_out_loc;
  std::vector<std::vector<std::vector<std::uint32_t>>> workload_pods;  // [cluster][workload] -> layout pods
  std::vector<std::vector<net::Cidr>> vpc_blocks;  // per cluster: its VPC's blocks (SNAT decision)
  std::vector<ReachWarning> warnings;

  Impl(scenario::Scenario scenario, ReachOptions o)
      : s(std::move(scenario)), options(o), layout(lay_out(s)), aws(s.network) {
    build_endpoints();
    build_engines();
    if (aws_layers()) {
      for (std::uint32_t p = 0; p < layout.pods.size(); ++p) {
        pod_loc.push_back(location_id(pod_endpoint[p]));
        pod_out_loc.push_back(pod_strict_branch[p] ? pod_loc.back() : location_id(node_endpoint[layout.pods[p].node]));
      }
    }
  }

  [[nodiscard]] bool aws_layers() const { return options.aws_layers; }

  // --- construction

  void build_endpoints() {
    for (const LaidOutNode& n : layout.nodes) {
      const scenario::Cluster& c = s.clusters[n.cluster];
      node_endpoint.push_back(AwsEndpoint::eni(s.network, n.subnet, n.address, n.security_groups,
                                               "node " + c.name + "/" + n.name));
    }
    workload_pods.resize(s.clusters.size());
    for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
      workload_pods[c].resize(s.clusters[c].objects.workloads.size());
      std::vector<net::Cidr> blocks = s.network.vpcs[s.clusters[c].vpc].cidrs;
      vpc_blocks.push_back(std::move(blocks));
    }
    for (std::uint32_t p = 0; p < layout.pods.size(); ++p) {
      const LaidOutPod& pod = layout.pods[p];
      const scenario::Cluster& c = s.clusters[pod.cluster];
      const LaidOutNode& node = layout.nodes[pod.node];
      const k8s::Workload& w = c.objects.workloads[pod.workload];
      workload_pods[pod.cluster][pod.workload].push_back(p);
      if (w.pod.host_network) {
        pod_endpoint.push_back(node_endpoint[pod.node]);
        pod_endpoint.back().name = c.name + "/" + pod.name;
        pod_strict_branch.push_back(false);
        continue;
      }
      const auto groups = pod_groups(pod, c, node);
      AwsEndpoint e = AwsEndpoint::eni(s.network, node.pod_subnet, pod.address, groups.first, c.name + "/" + pod.name);
      e.also_security_groups = groups.second;
      pod_strict_branch.push_back(groups.first != node.security_groups &&
                                  c.cni.pod_security_group_mode == aws::PodSecurityGroupMode::strict &&
                                  !groups.first.empty());
      pod_endpoint.push_back(std::move(e));
    }
  }

  // The security groups at a pod's ENI: a SecurityGroupPolicy's (security
  // groups for pods, when the cluster turns them on) or its node's.
  std::pair<std::vector<aws::EntityIndex>, std::vector<aws::EntityIndex>> pod_groups(const LaidOutPod& pod,
                                                                                    const scenario::Cluster& c,
                                                                                    const LaidOutNode& node) {
    const k8s::ManifestSet& objects = c.objects;
    const k8s::Workload& w = objects.workloads[pod.workload];
    std::vector<std::string> policy_groups;
    for (const k8s::SecurityGroupPolicy& sgp : objects.security_group_policies) {
      if (sgp.namespace_name != w.namespace_name || !selects(sgp, w, objects)) continue;
      if (!c.cni.security_groups_for_pods) {
        add_warning(sgp.where, "SecurityGroupPolicy " + sgp.id + " selects " + w.id +
                                   ", but cluster '" + c.name +
                                   "' does not enable security groups for pods (cni.securityGroupsForPods), "
                                   "so the VPC CNI ignores it");
        continue;
      }
      for (const std::string& id : sgp.security_group_ids) policy_groups.push_back(resolve_group(c, sgp, id));
    }
    std::vector<std::string> node_groups;
    for (const aws::EntityIndex g : node.security_groups) node_groups.push_back(s.network.security_groups[g].name);
    const aws::PodSecurityGroups chosen =
        aws::pod_security_groups(c.cni.pod_security_group_mode, std::move(policy_groups), std::move(node_groups));
    auto indices = [&](const std::vector<std::string>& names) {
      std::vector<aws::EntityIndex> out;
      for (const std::string& n : names) out.push_back(*s.network.find_security_group(c.vpc, n));
      std::sort(out.begin(), out.end());
      return out;
    };
    return {indices(chosen.eni), indices(chosen.also)};
  }

  static bool selects(const k8s::SecurityGroupPolicy& sgp, const k8s::Workload& w, const k8s::ManifestSet& objects) {
    if (sgp.pod_selector && sgp.pod_selector->matches(w.pod.labels)) return true;
    const std::string& account = w.pod.service_account;
    if (std::find(sgp.service_account_names.begin(), sgp.service_account_names.end(), account) !=
        sgp.service_account_names.end()) {
      return true;
    }
    if (sgp.service_account_selector) {
      k8s::Labels labels;
      if (const auto sa = objects.find_service_account(w.namespace_name, account)) {
        labels = objects.service_accounts[*sa].labels;
      }
      return sgp.service_account_selector->matches(labels);
    }
    return false;
  }

  // SecurityGroupPolicy groupIds name groups of the cluster's VPC.
  std::string resolve_group(const scenario::Cluster& c, const k8s::SecurityGroupPolicy& sgp, const std::string& id) {
    if (s.network.find_security_group(c.vpc, id)) return id;
    std::vector<std::string> names;
    for (const aws::SecurityGroup& g : s.network.security_groups) {
      if (g.vpc == c.vpc) names.push_back(g.name);
    }
    throw scenario::LoadError(sgp.where, "SecurityGroupPolicy " + sgp.id + ": security group '" + id +
                                             "' is not a group of VPC '" + s.network.vpcs[c.vpc].name + "'" +
                                             util::did_you_mean(id, names));
  }

  void add_warning(const scenario::SourceLocation& where, std::string message) {
    const std::string at = where.str();
    for (const ReachWarning& w : warnings) {
      if (w.where == at && w.message == message) return;
    }
    warnings.push_back({at, std::move(message)});
  }

  void build_engines() {
    PolicySettings settings;
    settings.ip_block_matches_pods = options.ip_block_matches_pods.value_or(s.policy.ip_block_matches_pods);
    engine_pod.assign(layout.pods.size(), 0);
    for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
      const k8s::ManifestSet& objects = s.clusters[c].objects;
      ClusterPods pods;
      std::vector<std::uint32_t> node_map(layout.nodes.size(), 0);
      for (std::uint32_t n = 0; n < layout.nodes.size(); ++n) {
        if (layout.nodes[n].cluster != c) continue;
        node_map[n] = static_cast<std::uint32_t>(pods.nodes.size());
        pods.nodes.push_back({layout.nodes[n].name, layout.nodes[n].address});
      }
      std::vector<std::uint32_t> profile(objects.workloads.size(), UINT32_MAX);
      for (std::uint32_t p = 0; p < layout.pods.size(); ++p) {
        const LaidOutPod& pod = layout.pods[p];
        if (pod.cluster != c) continue;
        const k8s::Workload& w = objects.workloads[pod.workload];
        if (profile[pod.workload] == UINT32_MAX) {
          profile[pod.workload] = static_cast<std::uint32_t>(pods.profiles.size());
          pods.profiles.push_back(profile_of(w.pod, w.namespace_index));
        }
        engine_pod[p] = static_cast<std::uint32_t>(pods.pods.size());
        pods.pods.push_back(
            {cluster_prefix(c) + pod.name, profile[pod.workload], pod.address, node_map[pod.node], pod.workload});
      }
      engines.emplace_back(objects, std::move(pods), settings);
      for (const PolicyWarning& w : policy_warnings(objects)) add_warning(w.where, w.message);
    }
  }

  // --- one connection between two pods (or a pod and an address)

  // The address a pod's packets carry when they reach `destination`: the VPC
  // CNI translates a pod's source address to its node's primary address for
  // destinations outside the VPC's blocks (AWS_VPC_K8S_CNI_EXTERNALSNAT=false,
  // the default); a branch-ENI pod in strict mode is never translated.
  [[nodiscard]] bool snat(std::uint32_t pod, net::Ipv4Address destination) const {
    if (pod_strict_branch[pod]) return false;
    const auto& blocks = vpc_blocks[layout.pods[pod].cluster];
    return std::none_of(blocks.begin(), blocks.end(), [&](const net::Cidr& b) { return b.contains(destination); });
  }

  [[nodiscard]] const AwsEndpoint& egress_endpoint(std::uint32_t pod, net::Ipv4Address destination) const {
    return snat(pod, destination) ? node_endpoint[layout.pods[pod].node] : pod_endpoint[pod];
  }

  // location_id(egress_endpoint(pod, destination)), from the per-pod table.
  [[nodiscard]] std::uint32_t egress_loc(std::uint32_t pod, net::Ipv4Address destination) const {
    return snat(pod, destination) ? pod_out_loc[pod] : pod_loc[pod];
  }

  // Whether two pods talk without leaving the node, so no VPC component sees it.
  [[nodiscard]] bool on_host(std::uint32_t a, std::uint32_t b) const {
    return layout.pods[a].cluster == layout.pods[b].cluster && layout.pods[a].node == layout.pods[b].node &&
           !pod_strict_branch[a] && !pod_strict_branch[b];
  }

  static Verdict without_address_hops(Verdict v, net::Ipv4Address address) {
    const std::string text = address.to_string();
    std::erase_if(v.path, [&](const Hop& h) { return h.component == text; });
    return v;
  }

  static void append(Verdict& into, const Verdict& from) {
    into.path.insert(into.path.end(), from.path.begin(), from.path.end());
    if (!into.blocked && from.blocked) into.blocked = from.blocked;
  }

  [[nodiscard]] Verdict pod_to_pod(std::uint32_t a, std::uint32_t b, k8s::Protocol protocol,
                                   std::uint16_t port) const {
    Verdict v;
    const LaidOutPod& pa = layout.pods[a];
    const LaidOutPod& pb = layout.pods[b];
    if (aws_layers()) {
      if (on_host(a, b)) {
        v.path.push_back({"node", s.clusters[pa.cluster].name + "/" + layout.nodes[pa.node].name,
                          "both pods on this node: the packet stays on the host"});
      } else {
        append(v, aws.trace(egress_endpoint(a, pb.address), pod_endpoint[b], protocol, port));
        if (v.blocked) return v;
      }
    }
    if (pa.cluster == pb.cluster) {
      append(v, engines[pa.cluster].decide(Endpoint::of_pod(engine_pod[a]), Endpoint::of_pod(engine_pod[b]),
                                           protocol, port));
      return v;
    }
    // Across clusters each side's policies see the other as an address; the
    // hops where a cluster says it has no policy for an address are noise.
    const net::Ipv4Address seen = egress_endpoint(a, pb.address).address;
    append(v, without_address_hops(engines[pa.cluster].decide(Endpoint::of_pod(engine_pod[a]),
                                                              Endpoint::of_address(pb.address), protocol, port),
                                   pb.address));
    if (v.blocked) return v;
    append(v, without_address_hops(engines[pb.cluster].decide(Endpoint::of_address(seen),
                                                              Endpoint::of_pod(engine_pod[b]), protocol, port),
                                   seen));
    return v;
  }

  [[nodiscard]] Verdict pod_to_address(std::uint32_t a, net::Ipv4Address to, k8s::Protocol protocol,
                                       std::uint16_t port) const {
    Verdict v;
    if (aws_layers()) {
      append(v, aws.trace(egress_endpoint(a, to), AwsEndpoint::external(to, to.to_string()), protocol, port));
      if (v.blocked) return v;
    }
    append(v, engines[layout.pods[a].cluster].decide(Endpoint::of_pod(engine_pod[a]), Endpoint::of_address(to),
                                                     protocol, port));
    return v;
  }

  [[nodiscard]] Verdict address_to_pod(net::Ipv4Address from, std::uint32_t b, k8s::Protocol protocol,
                                       std::uint16_t port) const {
    Verdict v;
    if (aws_layers()) {
      append(v, aws.trace(AwsEndpoint::external(from, from.to_string()), pod_endpoint[b], protocol, port));
      if (v.blocked) return v;
    }
    append(v, engines[layout.pods[b].cluster].decide(Endpoint::of_address(from), Endpoint::of_pod(engine_pod[b]),
                                                     protocol, port));
    return v;
  }

  // A node's own traffic: kubelet probes and host-network processes. Policies
  // always let a node reach its own pods (policy-semantics.md item 13) and do
  // not police the node's sending.
  [[nodiscard]] Verdict node_to_pod(std::uint32_t n, std::uint32_t b, k8s::Protocol protocol,
                                    std::uint16_t port) const {
    Verdict v;
    const LaidOutPod& pb = layout.pods[b];
    if (aws_layers() && !(pb.node == n && !pod_strict_branch[b])) {
      append(v, aws.trace(node_endpoint[n], pod_endpoint[b], protocol, port));
      if (v.blocked) return v;
    }
    if (layout.nodes[n].cluster == pb.cluster && pb.node == n) {
      v.path.push_back({"node", s.clusters[pb.cluster].name + "/" + layout.nodes[n].name,
                        "a node may always reach its own pods (NetworkPolicy does not apply)"});
      return v;
    }
    append(v, engines[pb.cluster].decide(Endpoint::of_address(layout.nodes[n].address),
                                         Endpoint::of_pod(engine_pod[b]), protocol, port));
    return v;
  }

  // --- endpoints by name

  struct Resolved {
    std::string display;
    std::vector<std::uint32_t> pods;             // layout pods
    std::optional<std::uint32_t> node;           // a node
    std::optional<net::Ipv4Address> external;    // an address outside every cluster
    std::optional<std::uint32_t> service_cluster;
    std::optional<std::uint32_t> service;        // a Service (destination only)
    bool load_balancer = false;
  };

  [[nodiscard]] std::uint32_t cluster_of(const scenario::EndpointRef& ref) const {
    if (ref.cluster.empty()) {
      if (s.clusters.size() != 1) {
        throw std::invalid_argument("endpoint '" + ref.text + "': the scenario has " +
                                    std::to_string(s.clusters.size()) +
                                    " clusters, so name one: cluster/namespace/name");
      }
      return 0;
    }
    std::vector<std::string> names;
    for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
      if (s.clusters[c].name == ref.cluster) return c;
      names.push_back(s.clusters[c].name);
    }
    throw std::invalid_argument("endpoint '" + ref.text + "': unknown cluster '" + ref.cluster + "'" +
                                util::did_you_mean(ref.cluster, names));
  }

  [[nodiscard]] std::string cluster_prefix(std::uint32_t c) const {
    return s.clusters.size() > 1 ? s.clusters[c].name + "/" : std::string();
  }

  [[nodiscard]] Resolved resolve(const scenario::EndpointRef& ref) const {
    Resolved r;
    r.display = ref.text;
    if (ref.is_address()) {
      const net::Ipv4Address a = *ref.address;
      for (std::uint32_t p = 0; p < layout.pods.size(); ++p) {
        if (layout.pods[p].address == a && !s.clusters[layout.pods[p].cluster]
                                                 .objects.workloads[layout.pods[p].workload]
                                                 .pod.host_network) {
          r.pods.push_back(p);
          return r;
        }
      }
      for (std::uint32_t n = 0; n < layout.nodes.size(); ++n) {
        if (layout.nodes[n].address == a) {
          r.node = n;
          return r;
        }
      }
      for (std::uint32_t c = 0; c < layout.cluster_ips.size(); ++c) {
        for (std::uint32_t i = 0; i < layout.cluster_ips[c].size(); ++i) {
          if (layout.cluster_ips[c][i] == a) {
            r.service_cluster = c;
            r.service = i;
            return r;
          }
        }
      }
      r.external = a;
      return r;
    }
    const std::uint32_t c = cluster_of(ref);
    const k8s::ManifestSet& objects = s.clusters[c].objects;
    if (ref.kind == "Node") {
      for (std::uint32_t n = 0; n < layout.nodes.size(); ++n) {
        if (layout.nodes[n].cluster == c && layout.nodes[n].name == ref.name) {
          r.node = n;
          return r;
        }
      }
      throw std::invalid_argument("endpoint '" + ref.text + "': no node '" + ref.name + "' in cluster '" +
                                  s.clusters[c].name + "'");
    }
    if (ref.kind == "Service" || ref.kind == "LoadBalancer") {
      const auto i = objects.find_service(ref.namespace_name, ref.name);
      if (!i) {
        std::vector<std::string> names;
        for (const auto& svc : objects.services) names.push_back(svc.id);
        throw std::invalid_argument("endpoint '" + ref.text + "': no Service " + ref.namespace_name + "/" +
                                    ref.name + util::did_you_mean(ref.namespace_name + "/" + ref.name, names));
      }
      if (ref.kind == "LoadBalancer" && !objects.services[*i].load_balancer) {
        throw std::invalid_argument("endpoint '" + ref.text + "': Service " + objects.services[*i].id + " is of type " +
                                    std::string(k8s::to_string(objects.services[*i].type)) +
                                    ", so it has no load balancer; name it " + ref.namespace_name + "/" + ref.name +
                                    "[Service]");
      }
      r.service_cluster = c;
      r.service = *i;
      r.load_balancer = ref.kind == "LoadBalancer";
      return r;
    }
    std::vector<std::string> names;
    for (std::uint32_t w = 0; w < objects.workloads.size(); ++w) {
      const k8s::Workload& wl = objects.workloads[w];
      if (wl.namespace_name == ref.namespace_name && wl.name == ref.name &&
          (ref.kind.empty() || wl.kind_name == ref.kind)) {
        r.pods = workload_pods[c][w];
        r.display = cluster_prefix(c) + wl.id;
        return r;
      }
      names.push_back(wl.namespace_name + "/" + wl.name);
    }
    throw std::invalid_argument("endpoint '" + ref.text + "': no workload " + ref.namespace_name + "/" + ref.name +
                                util::did_you_mean(ref.namespace_name + "/" + ref.name, names));
  }

  // --- Service translation: the Service port to each endpoint pod's port.

  struct Target {
    std::uint32_t pod = 0;
    std::optional<std::uint16_t> port;  // empty: the named targetPort is not on this pod
  };

  [[nodiscard]] std::vector<Target> service_targets(std::uint32_t c, const k8s::Service& svc,
                                                    const k8s::ServicePort& sp) const {
    std::vector<Target> out;
    for (const std::uint32_t w : svc.backends) {
      const k8s::Workload& wl = s.clusters[c].objects.workloads[w];
      std::optional<std::uint16_t> port;
      if (!sp.target_port.is_named()) {
        port = sp.target_port.number;
      } else {
        for (const k8s::Container& container : wl.pod.containers) {
          for (const k8s::ContainerPort& cp : container.ports) {
            if (!port && cp.name == sp.target_port.name && cp.protocol == sp.protocol) port = cp.container_port;
          }
        }
      }
      for (const std::uint32_t p : workload_pods[c][w]) out.push_back({p, port});
    }
    return out;
  }

  // A connection to node:port where port is a NodePort: kube-proxy on that
  // node forwards it to an endpoint pod. With externalTrafficPolicy Cluster it
  // may go to a pod on another node and is masqueraded to the node's address
  // (so policies see the node); with Local only the node's own endpoints
  // serve and the client's address is kept.
  template <typename Destination>
  [[nodiscard]] std::vector<Destination> node_port_destinations(std::uint32_t n, k8s::Protocol protocol,
                                                                std::uint16_t port) const {
    const std::uint32_t c = layout.nodes[n].cluster;
    const auto& services = s.clusters[c].objects.services;
    std::vector<Destination> out;
    const std::string node = node_display(n);
    for (std::uint32_t i = 0; i < services.size(); ++i) {
      for (std::uint32_t p = 0; p < services[i].ports.size(); ++p) {
        const k8s::ServicePort& sp = services[i].ports[p];
        if (layout.node_ports[c][i][p] != port || sp.protocol != protocol) continue;
        const bool local = services[i].external_traffic_policy == k8s::TrafficPolicy::Local;
        for (const Target& t : service_targets(c, services[i], sp)) {
          if (local && layout.pods[t.pod].node != n) continue;
          Destination d;
          d.name = pod_display(t.pod);
          d.pod = t.pod;
          d.port = t.port.value_or(0);
          d.node_port_node = n;
          d.node_port = port;
          d.keeps_source = local;
          if (!t.port) {
            d.blocked = Blocked{Reason::TARGET_PORT_NOT_FOUND, "Service " + services[i].id, "port " + (sp.name.empty() ? std::to_string(sp.port) : sp.name),
                                "targetPort '" + sp.target_port.name + "' names no container port of " + d.name};
          } else {
            d.before.push_back({"node-port", node + ":" + std::to_string(port),
                                "Service " + services[i].id + " -> " + d.name + " " +
                                    layout.pods[t.pod].address.to_string() + ":" + std::to_string(*t.port) +
                                    (local ? " (externalTrafficPolicy Local: client address kept)"
                                           : " (masqueraded to the node's address)")});
          }
          out.push_back(std::move(d));
        }
        if (out.empty()) {
          Destination d;
          d.name = node;
          d.blocked = Blocked{Reason::NO_ENDPOINTS, "Service " + services[i].id, "",
                              "no running endpoint of Service " + services[i].id +
                                  (local ? " on node " + node + " (externalTrafficPolicy Local)" : std::string())};
          out.push_back(std::move(d));
        }
        return out;
      }
    }
    Destination d;
    d.name = node;
    d.blocked = Blocked{Reason::SERVICE_PORT_NOT_FOUND, "node " + node, "",
                        "no NodePort Service listens on " + std::to_string(port) + "/" +
                            std::string(k8s::to_string(protocol)) + " of node " + node};
    out.push_back(std::move(d));
    return out;
  }

  [[nodiscard]] Verdict via_node_port(std::optional<std::uint32_t> src_pod, std::optional<std::uint32_t> src_node,
                                      std::optional<net::Ipv4Address> src_address, std::uint32_t n,
                                      std::uint16_t node_port, std::uint32_t b, k8s::Protocol protocol,
                                      std::uint16_t port, bool keeps_source) const {
    Verdict v;
    const net::Ipv4Address node_address = layout.nodes[n].address;
    // To the node, at the NodePort.
    if (src_pod) {
      if (aws_layers() && !(layout.pods[*src_pod].node == n && !pod_strict_branch[*src_pod])) {
        append(v, aws.trace(egress_endpoint(*src_pod, node_address), node_endpoint[n], protocol, node_port));
        if (v.blocked) return v;
      }
      append(v, without_address_hops(engines[layout.pods[*src_pod].cluster].decide(
                                         Endpoint::of_pod(engine_pod[*src_pod]), Endpoint::of_address(node_address),
                                         protocol, node_port),
                                     node_address));
    } else if (aws_layers()) {
      const AwsEndpoint from = src_node ? node_endpoint[*src_node]
                                        : AwsEndpoint::external(*src_address, src_address->to_string());
      if (!(src_node && *src_node == n)) append(v, aws.trace(from, node_endpoint[n], protocol, node_port));
    }
    if (v.blocked) return v;
    // From the node to the endpoint pod.
    if (!keeps_source) {
      append(v, node_to_pod(n, b, protocol, port));
      return v;
    }
    const std::uint32_t cb = layout.pods[b].cluster;
    if (src_pod && layout.pods[*src_pod].cluster == cb) {
      Verdict ingress = engines[cb].decide(Endpoint::of_pod(engine_pod[*src_pod]), Endpoint::of_pod(engine_pod[b]),
                                           protocol, port, /*check_egress=*/false);
      ingress.path.erase(ingress.path.begin());  // the source pod, already on the path
      append(v, ingress);
    } else {
      const net::Ipv4Address seen = src_pod     ? egress_endpoint(*src_pod, node_address).address
                                    : src_node  ? layout.nodes[*src_node].address
                                                : *src_address;
      if (src_node && *src_node == n) return node_to_pod(n, b, protocol, port);
      append(v, without_address_hops(engines[cb].decide(Endpoint::of_address(seen), Endpoint::of_pod(engine_pod[b]),
                                                        protocol, port),
                                     seen));
    }
    return v;
  }

  // The AWS load balancer of a LoadBalancer Service, reduced to what decides
  // reachability: an internet-facing one needs an internet gateway and a
  // public subnet to live in, an internal one answers only inside its VPC,
  // loadBalancerSourceRanges filter clients; then it opens its own connection
  // from an address in its subnet (no client IP preservation, the NLB default
  // for ip targets) to the pod (ip targets) or to the NodePort of the pod's
  // node (instance targets; kube-proxy forwards from there). Listeners,
  // health checks and the load balancer's own security groups are not modelled.
  // What decides reachability through an AWS load balancer, whichever
  // object made it (a LoadBalancer Service's NLB, an Ingress's ALB).
  struct BalancerView {
    std::string id;         // the Service or Ingress, "namespace/name"
    std::string component;  // "load balancer of web/shop", "ALB of web/shop"
    bool internet = false;
    bool ip_targets = false;
    const std::vector<k8s::IpCidr>* source_ranges = nullptr;
    std::string source_ranges_name;  // the setting that lists them
    bool source_in_vpc = false;      // an address source inside the VPC (an API gateway's VPC link ENI)
  };

  [[nodiscard]] Verdict via_load_balancer(std::optional<std::uint32_t> src_pod,
                                          std::optional<net::Ipv4Address> src_address, const k8s::Service& svc,
                                          std::uint16_t node_port, std::uint32_t b, k8s::Protocol protocol,
                                          std::uint16_t port) const {
    return via_balancer(src_pod, src_address, nlb_view(svc, false), node_port, b, protocol, port);
  }

  // A LoadBalancer Service's NLB as via_balancer sees it.
  static BalancerView nlb_view(const k8s::Service& svc, bool source_in_vpc) {
    const k8s::AwsLoadBalancer& lb = *svc.load_balancer;
    return {svc.id,
            "load balancer of " + svc.id,
            lb.scheme == k8s::LoadBalancerScheme::InternetFacing,
            lb.target_type == k8s::NlbTargetType::Ip,
            &lb.source_ranges,
            "loadBalancerSourceRanges",
            source_in_vpc};
  }

  [[nodiscard]] Verdict via_balancer(std::optional<std::uint32_t> src_pod, std::optional<net::Ipv4Address> src_address,
                                     const BalancerView& lb, std::uint16_t node_port, std::uint32_t b,
                                     k8s::Protocol protocol, std::uint16_t port) const {
    Verdict v;
    const std::uint32_t c = layout.pods[b].cluster;
    const aws::EntityIndex vpc = s.clusters[c].vpc;
    const std::string& component = lb.component;
    const bool internet = lb.internet;
    const net::Ipv4Address client = src_pod ? egress_endpoint(*src_pod, net::Ipv4Address(0)).address : *src_address;
    if (lb.source_ranges != nullptr && !lb.source_ranges->empty() &&
        std::none_of(lb.source_ranges->begin(), lb.source_ranges->end(),
                     [&](const k8s::IpCidr& r) { return !r.ipv6 && r.ipv4.contains(client); })) {
      v.blocked = Blocked{Reason::SG_INGRESS_DENY, component, lb.source_ranges_name,
                          client.to_string() + " is outside the " + lb.source_ranges_name + " of " + lb.id};
      return v;
    }
    // Where the load balancer's address lives.
    std::optional<aws::EntityIndex> subnet;
    for (aws::EntityIndex i = 0; i < s.network.subnets.size() && !subnet; ++i) {
      const aws::Subnet& sn = s.network.subnets[i];
      if (sn.vpc != vpc) continue;
      if (!internet) {
        subnet = layout.nodes[layout.pods[b].node].subnet;
        break;
      }
      for (const aws::Route& r : s.network.route_tables[sn.route_table].routes) {
        if (r.target == aws::RouteTargetKind::internet_gateway && r.destination.kind == aws::RouteDestination::Kind::cidr &&
            r.destination.cidr.prefix_length() == 0) {
          subnet = i;
        }
      }
    }
    if (!subnet) {
      v.blocked = Blocked{Reason::NO_INTERNET_ROUTE, component, "",
                          "an internet-facing load balancer needs a public subnet (a route 0.0.0.0/0 to an internet "
                          "gateway) in VPC " + s.network.vpcs[vpc].name + ", and it has none"};
      return v;
    }
    if (!internet && !src_pod && !lb.source_in_vpc) {
      v.blocked = Blocked{Reason::NO_ROUTE, component, "",
                          "the load balancer is internal (scheme internal): " + client.to_string() +
                              " outside the VPC cannot reach it"};
      return v;
    }
    const aws::Subnet& sn = s.network.subnets[*subnet];
    const net::Ipv4Address address(sn.cidr.last().value() - 1);
    std::vector<aws::EntityIndex> groups;
    if (const auto g = s.network.find_security_group(vpc, "default")) groups.push_back(*g);
    const AwsEndpoint from = AwsEndpoint::eni(s.network, *subnet, address, groups, component);
    const bool ip_targets = lb.ip_targets;
    v.path.push_back({"load-balancer", lb.id,
                      std::string(internet ? "internet-facing" : "internal") + ", " +
                          (ip_targets ? "ip" : "instance") + " targets, in subnet " + sn.name + " (" +
                          address.to_string() + ")"});
    if (ip_targets) {
      if (aws_layers()) {
        append(v, aws.trace(from, pod_endpoint[b], protocol, port));
        if (v.blocked) return v;
      }
      append(v, without_address_hops(engines[c].decide(Endpoint::of_address(address), Endpoint::of_pod(engine_pod[b]),
                                                       protocol, port),
                                     address));
      return v;
    }
    const std::uint32_t n = layout.pods[b].node;
    if (aws_layers()) {
      append(v, aws.trace(from, node_endpoint[n], protocol, node_port));
      if (v.blocked) return v;
    }
    v.path.push_back({"node-port", node_display(n) + ":" + std::to_string(node_port),
                      "kube-proxy -> " + pod_display(b) + " " + layout.pods[b].address.to_string() + ":" +
                          std::to_string(port)});
    append(v, node_to_pod(n, b, protocol, port));
    return v;
  }

  [[nodiscard]] ConnectionAnswer explain(const scenario::EndpointRef& from_ref, const scenario::EndpointRef& to_ref,
                                         const scenario::PortRefText& port_text) const {
    const Resolved from = resolve(from_ref);
    const Resolved to = resolve(to_ref);
    const k8s::Protocol protocol = protocol_of(port_text.protocol);
    ConnectionAnswer answer;
    answer.from = from.display;
    answer.to = to.display;
    answer.port = std::to_string(port_text.port) + "/" + port_text.protocol;
    if (from.service) throw std::invalid_argument("endpoint '" + from_ref.text + "': a Service cannot send; name its workload");
    if (from.pods.empty() && !from.node && !from.external) {
      throw std::invalid_argument("endpoint '" + from_ref.text + "': no running pod (see eksim capacity)");
    }

    // Sources: (display name, how to evaluate).
    struct Source {
      std::string name;
      std::optional<std::uint32_t> pod;
      std::optional<std::uint32_t> node;
      std::optional<net::Ipv4Address> address;
    };
    std::vector<Source> sources;
    for (const std::uint32_t p : from.pods) sources.push_back({pod_display(p), p, {}, {}});
    if (from.node) sources.push_back({"node " + node_display(*from.node), {}, from.node, {}});
    if (from.external) sources.push_back({from.external->to_string(), {}, {}, from.external});

    // Destinations with the port each is reached on and the hops before it.
    struct Destination {
      std::string name;
      std::optional<std::uint32_t> pod;
      std::optional<net::Ipv4Address> address;
      std::uint16_t port = 0;
      std::vector<Hop> before;
      std::optional<Blocked> blocked;  // translation failed
      // Reached through a NodePort of this node: the port there, and whether
      // the client's address survives (externalTrafficPolicy: Local).
      std::optional<std::uint32_t> node_port_node;
      std::uint16_t node_port = 0;
      bool keeps_source = false;
      const k8s::Service* load_balancer = nullptr;  // reached through this Service's AWS load balancer
    };
    std::vector<Destination> destinations;
    if (to.service) {
      const std::uint32_t c = *to.service_cluster;
      const k8s::Service& svc = s.clusters[c].objects.services[*to.service];
      answer.to = cluster_prefix(c) + svc.id + (to.load_balancer ? "[LoadBalancer]" : "[Service]");
      const k8s::ServicePort* sp = nullptr;
      for (const k8s::ServicePort& p : svc.ports) {
        if (p.port == port_text.port && p.protocol == protocol) sp = &p;
      }
      const auto ip = layout.cluster_ips[c][*to.service];
      const std::string front = to.load_balancer ? "load balancer of " + svc.id
                                                 : svc.id + (ip ? " " + ip->to_string() : std::string(" (headless)"));
      if (sp == nullptr) {
        std::string ports;
        for (const k8s::ServicePort& p : svc.ports) {
          ports += (ports.empty() ? "" : ", ") + std::to_string(p.port) + "/" + std::string(k8s::to_string(p.protocol));
        }
        Destination d{answer.to, {}, {}, port_text.port, {}, Blocked{}, {}, 0, false, nullptr};
        d.blocked->reason = Reason::SERVICE_PORT_NOT_FOUND;
        d.blocked->component = "Service " + svc.id;
        d.blocked->message = "Service " + svc.id + " exposes " + (ports.empty() ? "no ports" : ports) + ", not " +
                             answer.port;
        destinations.push_back(std::move(d));
      } else {
        for (const Target& t : service_targets(c, svc, *sp)) {
          Destination d{pod_display(t.pod), t.pod, {}, t.port.value_or(0), {}, {}, {}, 0, false, nullptr};
          if (to.load_balancer) {
            d.load_balancer = &svc;
            d.node_port = layout.node_ports[c][*to.service][static_cast<std::size_t>(sp - svc.ports.data())];
          }
          if (!t.port) {
            d.blocked = Blocked{Reason::TARGET_PORT_NOT_FOUND, "Service " + svc.id, "port " + (sp->name.empty() ? std::to_string(sp->port) : sp->name),
                                "targetPort '" + sp->target_port.name + "' names no " +
                                    std::string(k8s::to_string(sp->protocol)) + " container port of " +
                                    pod_display(t.pod)};
          } else {
            d.before.push_back({to.load_balancer ? "load-balancer" : "service", front,
                                answer.port + " -> " + pod_display(t.pod) + " " +
                                    layout.pods[t.pod].address.to_string() + ":" + std::to_string(*t.port) +
                                    (sp->target_port.is_named() ? " (targetPort " + sp->target_port.name + ")" : "")});
          }
          destinations.push_back(std::move(d));
        }
        if (destinations.empty()) {
          Destination d{answer.to, {}, {}, port_text.port, {}, Blocked{}, {}, 0, false, nullptr};
          d.blocked->reason = Reason::NO_ENDPOINTS;
          d.blocked->component = "Service " + svc.id;
          d.blocked->message = "no running pod matches the selector of Service " + svc.id;
          destinations.push_back(std::move(d));
        }
      }
    } else {
      if (to.node) destinations = node_port_destinations<Destination>(*to.node, protocol, port_text.port);
      for (const std::uint32_t p : to.pods) destinations.push_back({pod_display(p), p, {}, port_text.port, {}, {}, {}, 0, false, nullptr});
      if (to.external) destinations.push_back({to.external->to_string(), {}, to.external, port_text.port, {}, {}, {}, 0, false, nullptr});
      if (destinations.empty()) {
        throw std::invalid_argument("endpoint '" + to_ref.text + "': no running pod (see eksim capacity)");
      }
    }

    std::map<std::string, std::size_t> case_of;  // verdict key -> index into answer.cases
    for (const Source& src : sources) {
      for (const Destination& dst : destinations) {
        if (src.pod && dst.pod && *src.pod == *dst.pod) continue;  // item 14: a pod and itself
        Verdict v;
        v.path = dst.before;
        if (dst.blocked) {
          v.blocked = dst.blocked;
        } else if (dst.load_balancer) {
          append(v, via_load_balancer(src.pod, src.address, *dst.load_balancer, dst.node_port, *dst.pod, protocol,
                                      dst.port));
        } else if (dst.node_port_node) {
          append(v, via_node_port(src.pod, src.node, src.address, *dst.node_port_node, dst.node_port, *dst.pod,
                                  protocol, dst.port, dst.keeps_source));
        } else if (src.pod && dst.pod) {
          append(v, pod_to_pod(*src.pod, *dst.pod, protocol, dst.port));
        } else if (src.pod) {
          append(v, pod_to_address(*src.pod, *dst.address, protocol, dst.port));
        } else if (src.node && dst.pod) {
          append(v, node_to_pod(*src.node, *dst.pod, protocol, dst.port));
        } else if (src.address && dst.pod) {
          append(v, address_to_pod(*src.address, *dst.pod, protocol, dst.port));
        } else {
          throw std::invalid_argument("a connection between two addresses outside every cluster is not eksim's to answer");
        }
        const std::string key = verdict_key(v);
        const auto it = case_of.find(key);
        if (it != case_of.end()) {
          ++answer.cases[it->second].pairs;
          continue;
        }
        case_of.emplace(key, answer.cases.size());
        answer.cases.push_back({src.name, dst.name, 1, std::move(v)});
      }
    }
    std::stable_partition(answer.cases.begin(), answer.cases.end(),
                          [](const ConnectionAnswer::Case& c) { return c.verdict.allowed(); });
    return answer;
  }

  [[nodiscard]] std::string pod_display(std::uint32_t p) const {
    return cluster_prefix(layout.pods[p].cluster) + layout.pods[p].name;
  }
  [[nodiscard]] std::string node_display(std::uint32_t n) const {
    return s.clusters[layout.nodes[n].cluster].name + "/" + layout.nodes[n].name;
  }

  // --- the matrix

  std::vector<LocationKey> location_keys;
  std::uint32_t location_id(const AwsEndpoint& e) {
    LocationKey k = aws.location_key(e);
    for (std::uint32_t i = 0; i < location_keys.size(); ++i) {
      if (location_keys[i] == k) return i;
    }
    location_keys.push_back(std::move(k));
    return static_cast<std::uint32_t>(location_keys.size() - 1);
  }

  // A workload's running pods grouped by what the matrix can tell apart: the
  // policy class, the ENI's location (subnet, groups, address class), the
  // location its traffic leaves from towards the outside (its node's, after
  // source NAT), and whether it bypasses the host (strict branch ENI). Nodes
  // are kept with their pod counts, because two pods on one node never cross
  // the VPC.
  struct Shape {
    std::uint32_t cls = 0;
    std::uint32_t loc = 0;
    std::uint32_t out_loc = 0;
    bool strict = false;
    std::uint32_t representative = 0;  // a layout pod of this shape
    std::vector<std::pair<std::uint32_t, std::uint32_t>> nodes;  // (node, pods), sorted by node
  };

  struct Peer {
    std::string name;
    std::uint32_t cluster = 0;
    bool host_network = false;
    std::vector<std::uint32_t> pods;
    std::vector<Shape> shapes;
  };

  std::vector<Peer> make_peers() {
    std::vector<Peer> peers;
    for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
      const PolicyEngine& e = engines[c];
      for (std::uint32_t w = 0; w < workload_pods[c].size(); ++w) {
        if (workload_pods[c][w].empty()) continue;
        const k8s::Workload& wl = s.clusters[c].objects.workloads[w];
        Peer peer{cluster_prefix(c) + wl.id, c, wl.pod.host_network, workload_pods[c][w], {}};
        std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, bool>, std::size_t> index;
        for (const std::uint32_t p : peer.pods) {
          const std::uint32_t loc = aws_layers() ? pod_loc[p] : 0;
          const std::uint32_t out_loc = aws_layers() ? pod_out_loc[p] : 0;
          const auto key = std::tuple(e.class_of_pod(engine_pod[p]), loc, out_loc, bool(pod_strict_branch[p]));
          auto [it, fresh] = index.emplace(key, peer.shapes.size());
          if (fresh) peer.shapes.push_back({std::get<0>(key), loc, out_loc, std::get<3>(key), p, {}});
          auto& nodes = peer.shapes[it->second].nodes;
          const std::uint32_t n = layout.pods[p].node;
          auto at = std::lower_bound(nodes.begin(), nodes.end(), std::pair(n, 0U));
          if (at != nodes.end() && at->first == n) {
            ++at->second;
          } else {
            nodes.insert(at, {n, 1});
          }
        }
        peers.push_back(std::move(peer));
      }
    }
    return peers;
  }

  std::unordered_map<std::uint64_t, ConnectionSet> aws_memo;
  // What the AWS layers allow between two ENI locations.
  const ConnectionSet& aws_between(std::uint32_t a_pod, std::uint32_t b_pod, std::uint32_t a_loc,
                                   std::uint32_t b_loc) {
    const std::uint64_t key = (std::uint64_t{a_loc} << 32) | b_loc;
    auto it = aws_memo.find(key);
    if (it == aws_memo.end()) it = aws_memo.emplace(key, aws.allowed(pod_endpoint[a_pod], pod_endpoint[b_pod])).first;
    return it->second;
  }

  // Every and some of the connections between two workloads of one cluster,
  // shape pair by shape pair. Pairs on one node skip the VPC; a host-network
  // source on the destination's node is always allowed (item 13); a pod and
  // itself is no pair (item 14).
  void same_cluster(const Peer& from, const Peer& to, std::optional<ConnectionSet>& every, ConnectionSet& some) {
    const PolicyEngine& e = engines[from.cluster];
    for (const Shape& sa : from.shapes) {
      for (const Shape& sb : to.shapes) {
        bool host = false;
        bool cross = false;
        if (&from == &to && &sa == &sb) {
          for (const auto& [n, count] : sa.nodes) host = host || count >= 2;
          cross = sa.nodes.size() >= 2;
        } else {
          std::size_t i = 0;
          std::size_t j = 0;
          while (i < sa.nodes.size() && j < sb.nodes.size()) {
            if (sa.nodes[i].first == sb.nodes[j].first) {
              host = true;
              break;
            }
            sa.nodes[i].first < sb.nodes[j].first ? ++i : ++j;
          }
          cross = !(sa.nodes.size() == 1 && sb.nodes.size() == 1 && sa.nodes[0].first == sb.nodes[0].first);
        }
        if (sa.strict || sb.strict) {  // a strict branch ENI sends even to its own node through the VPC
          cross = cross || host;
          host = false;
        }
        const ConnectionSet& policy = e.allowed(sa.cls, sb.cls);
        auto take = [&](const ConnectionSet& c) {
          every = every ? (*every & c) : c;
          some |= c;
        };
        if (host) take(from.host_network ? ConnectionSet::all() : policy);
        if (cross) {
          take(aws_layers() ? policy & aws_between(sa.representative, sb.representative, sa.loc, sb.loc) : policy);
        }
      }
    }
  }

  // Across clusters each pod pair is read on its own (addresses, source NAT
  // and the other cluster's ipBlocks all matter), memoized on what decides it.
  void across_clusters(const Peer& from, const Peer& to, std::optional<ConnectionSet>& every, ConnectionSet& some,
                       std::map<std::vector<std::uint32_t>, ConnectionSet>& memo) {
    const PolicyEngine& ea = engines[from.cluster];
    const PolicyEngine& eb = engines[to.cluster];
    for (const std::uint32_t a : from.pods) {
      for (const std::uint32_t b : to.pods) {
        const net::Ipv4Address seen = egress_endpoint(a, layout.pods[b].address).address;
        const std::vector<std::uint32_t> key{from.cluster,
                                             to.cluster,
                                             ea.class_of_pod(engine_pod[a]),
                                             ea.class_of_address(layout.pods[b].address),
                                             eb.class_of_address(seen),
                                             eb.class_of_pod(engine_pod[b]),
                                             aws_layers() ? egress_loc(a, layout.pods[b].address) : 0,
                                             aws_layers() ? pod_loc[b] : 0,
                                             aws_layers() ? aws.address_class(seen) : 0,
                                             aws_layers() ? aws.address_class(layout.pods[b].address) : 0};
        auto it = memo.find(key);
        if (it == memo.end()) {
          ConnectionSet c = ea.allowed(key[2], key[3]) & eb.allowed(key[4], key[5]);
          if (aws_layers() && !c.empty()) {
            c &= aws.allowed(egress_endpoint(a, layout.pods[b].address), pod_endpoint[b]);
          }
          it = memo.emplace(key, std::move(c)).first;
        }
        every = every ? (*every & it->second) : it->second;
        some |= it->second;
      }
    }
  }

  [[nodiscard]] std::vector<ReachPair> matrix() {
    const std::vector<Peer> peers = make_peers();
    std::vector<ReachPair> out;
    auto emit_pair = [&](const Peer& from, const Peer& to, const std::optional<ConnectionSet>& every,
                         const ConnectionSet& some) {
      if (some.empty()) return;
      ReachPair pair{from.name, to.name, every.value_or(ConnectionSet()), {}};
      pair.partial = some - pair.allowed;
      out.push_back(std::move(pair));
    };
    // Within a cluster, only workload pairs whose classes the policy engine
    // lets something through (or a host-network source, item 13) can have a
    // line, so the engine's non-empty cells pick the candidates: the cost
    // follows the answer, not the number of workloads squared.
    std::vector<std::uint32_t> first_peer(s.clusters.size() + 1, 0);
    for (std::uint32_t c = 0, i = 0; c < s.clusters.size(); ++c) {
      first_peer[c] = i;
      while (i < peers.size() && peers[i].cluster == c) ++i;
      first_peer[c + 1] = i;
    }
    for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
      std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> by_class;  // class -> peers
      std::vector<std::uint32_t> host_network;
      for (std::uint32_t i = first_peer[c]; i < first_peer[c + 1]; ++i) {
        for (const Shape& sh : peers[i].shapes) {
          auto& list = by_class[sh.cls];
          if (list.empty() || list.back() != i) list.push_back(i);
        }
        if (peers[i].host_network) host_network.push_back(i);
      }
      std::set<std::pair<std::uint32_t, std::uint32_t>> candidates;
      engines[c].for_each_allowed([&](std::uint32_t a, std::uint32_t b, ConnectionPool::Id) {
        const auto fa = by_class.find(a);
        const auto fb = by_class.find(b);
        if (fa == by_class.end() || fb == by_class.end()) return;
        for (const std::uint32_t x : fa->second) {
          for (const std::uint32_t y : fb->second) candidates.emplace(x, y);
        }
      });
      for (const std::uint32_t h : host_network) {
        for (std::uint32_t i = first_peer[c]; i < first_peer[c + 1]; ++i) candidates.emplace(h, i);
      }
      for (const auto& [x, y] : candidates) {
        if (x == y) continue;  // DESIGN.md: no self-pairs (replicas of one workload: see `explain`)
        std::optional<ConnectionSet> every;
        ConnectionSet some;
        same_cluster(peers[x], peers[y], every, some);
        emit_pair(peers[x], peers[y], every, some);
      }
    }
    std::map<std::vector<std::uint32_t>, ConnectionSet> memo;
    for (const Peer& from : peers) {
      for (const Peer& to : peers) {
        if (from.cluster == to.cluster) continue;
        std::optional<ConnectionSet> every;
        ConnectionSet some;
        across_clusters(from, to, every, some, memo);
        emit_pair(from, to, every, some);
      }
    }
    add_external_pairs(peers, out);
    std::sort(out.begin(), out.end(),
              [](const ReachPair& x, const ReachPair& y) { return std::tie(x.from, x.to) < std::tie(y.from, y.to); });
    return out;
  }

  // External ranges: the IPv4 space outside every VPC, cut wherever a policy
  // or an AWS component could tell two addresses apart, with adjacent ranges
  // that a workload treats alike merged back together.
  void add_external_pairs(const std::vector<Peer>& peers, std::vector<ReachPair>& out) {
    std::set<std::uint64_t> cuts{0, std::uint64_t{1} << 32};
    for (const PolicyEngine& e : engines) {
      for (std::uint32_t c = static_cast<std::uint32_t>(e.pod_class_count()); c < e.class_count(); ++c) {
        cuts.insert(e.endpoint_class(c).first.value());
        cuts.insert(std::uint64_t{e.endpoint_class(c).last.value()} + 1);
      }
    }
    if (aws_layers()) {
      for (const std::uint32_t b : aws.address_class_starts()) cuts.insert(b);
    }
    // With the AWS layers, addresses inside a VPC belong to its ENIs, not to
    // the outside world. A folder of manifests has a made-up VPC, which must
    // not carve a hole into the external ranges.
    const std::vector<aws::Vpc> no_vpcs;
    const std::vector<aws::Vpc>& vpcs = aws_layers() ? s.network.vpcs : no_vpcs;
    for (const aws::Vpc& vpc : vpcs) {
      for (const net::Cidr& b : vpc.cidrs) {
        cuts.insert(b.first().value());
        cuts.insert(std::uint64_t{b.last().value()} + 1);
      }
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
    for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
      const auto first = static_cast<std::uint32_t>(*it);
      const auto last = static_cast<std::uint32_t>(*std::next(it) - 1);
      const bool in_vpc = std::any_of(vpcs.begin(), vpcs.end(), [&](const aws::Vpc& v) {
        return std::any_of(v.cidrs.begin(), v.cidrs.end(),
                           [&](const net::Cidr& b) { return b.contains(net::Ipv4Address(first)); });
      });
      if (!in_vpc) ranges.emplace_back(first, last);
    }
    std::unordered_map<std::uint64_t, ConnectionSet> memo;
    for (const Peer& peer : peers) {
      // One direction at a time: ranges in order, merging neighbours with equal answers.
      for (const bool outward : {true, false}) {
        std::optional<std::pair<std::uint32_t, std::uint32_t>> run;
        ConnectionSet run_every;
        ConnectionSet run_some;
        auto flush = [&] {
          if (!run || run_some.empty()) return;
          const std::string name = range_name(run->first, run->second);
          ReachPair pair{outward ? peer.name : name, outward ? name : peer.name, run_every, run_some - run_every};
          out.push_back(std::move(pair));
        };
        for (const auto& [first, last] : ranges) {
          const net::Ipv4Address a(first);
          std::optional<ConnectionSet> every;
          ConnectionSet some;
          for (const Shape& sh : peer.shapes) {
            const std::uint32_t p = sh.representative;
            const ConnectionSet c = outward ? pod_external(p, a, memo) : external_pod(a, p, memo);
            every = every ? (*every & c) : c;
            some |= c;
          }
          const ConnectionSet all = every.value_or(ConnectionSet());
          if (run && run->second + 1 == first && all == run_every && some == run_some) {
            run->second = last;
            continue;
          }
          flush();
          run = std::pair(first, last);
          run_every = all;
          run_some = some;
        }
        flush();
      }
    }
  }

  ConnectionSet pod_external(std::uint32_t p, net::Ipv4Address to, std::unordered_map<std::uint64_t, ConnectionSet>& memo) {
    const PolicyEngine& e = engines[layout.pods[p].cluster];
    ConnectionSet out = e.allowed(e.class_of_pod(engine_pod[p]), e.class_of_address(to));
    if (out.empty() || !aws_layers()) return out;
    const AwsEndpoint dst = AwsEndpoint::external(to, to.to_string());
    const AwsEndpoint& src = egress_endpoint(p, to);
    const std::uint64_t key = (std::uint64_t{egress_loc(p, to)} << 32) | (0x80000000U | aws.address_class(to));
    auto it = memo.find(key);
    if (it == memo.end()) it = memo.emplace(key, aws.allowed(src, dst)).first;
    return out & it->second;
  }

  ConnectionSet external_pod(net::Ipv4Address from, std::uint32_t p,
                             std::unordered_map<std::uint64_t, ConnectionSet>& memo) {
    const PolicyEngine& e = engines[layout.pods[p].cluster];
    ConnectionSet out = e.allowed(e.class_of_address(from), e.class_of_pod(engine_pod[p]));
    if (out.empty() || !aws_layers()) return out;
    const AwsEndpoint src = AwsEndpoint::external(from, from.to_string());
    const std::uint64_t key = (std::uint64_t{0x80000000U | aws.address_class(from)} << 32) | pod_loc[p];
    auto it = memo.find(key);
    if (it == memo.end()) it = memo.emplace(key, aws.allowed(src, pod_endpoint[p])).first;
    return out & it->second;
  }
};

Connectivity::Connectivity(const scenario::Scenario& s, const ReachOptions& options)
    : impl_(std::make_unique<Impl>(s, options)) {}
Connectivity::~Connectivity() = default;
Connectivity::Connectivity(Connectivity&&) noexcept = default;
Connectivity& Connectivity::operator=(Connectivity&&) noexcept = default;

std::vector<ReachPair> Connectivity::matrix() const { return impl_->matrix(); }

ConnectionAnswer Connectivity::explain(const scenario::EndpointRef& from, const scenario::EndpointRef& to,
                                       const scenario::PortRefText& port) const {
  return impl_->explain(from, to, port);
}

const std::vector<ReachWarning>& Connectivity::warnings() const { return impl_->warnings; }

const Layout& Connectivity::layout() const { return impl_->layout; }

Verdict Connectivity::pod_to_pod(std::uint32_t from, std::uint32_t to, k8s::Protocol protocol,
                                 std::uint16_t port) const {
  return impl_->pod_to_pod(from, to, protocol, port);
}

Verdict Connectivity::pod_to_address(std::uint32_t from, net::Ipv4Address to, k8s::Protocol protocol,
                                     std::uint16_t port) const {
  return impl_->pod_to_address(from, to, protocol, port);
}

Verdict Connectivity::address_via_load_balancer(net::Ipv4Address from, std::uint32_t cluster, std::uint32_t service,
                                                std::uint32_t service_port, std::uint32_t to, k8s::Protocol protocol,
                                                std::uint16_t target_port) const {
  // The source is an API gateway's VPC link ENI, inside the NLB's VPC.
  const k8s::Service& svc = impl_->s.clusters[cluster].objects.services[service];
  return impl_->via_balancer(std::nullopt, from, Impl::nlb_view(svc, true),
                             impl_->layout.node_ports[cluster][service][service_port], to, protocol, target_port);
}

Verdict Connectivity::pod_via_alb(std::uint32_t from, std::uint32_t cluster, std::uint32_t ingress,
                                  std::uint32_t service, std::uint32_t service_port, std::uint32_t to,
                                  std::uint16_t target_port) const {
  const k8s::Ingress& ing = impl_->s.clusters[cluster].objects.ingresses[ingress];
  const bool ip_targets = ing.target_type_of(service) == k8s::NlbTargetType::Ip;
  const std::uint16_t node_port = impl_->layout.node_ports[cluster][service][service_port];
  if (!ip_targets && node_port == 0) {
    Verdict v;
    v.blocked = Blocked{Reason::SERVICE_PORT_NOT_FOUND, "ALB of " + ing.id, "",
                        "instance targets need a NodePort: Service " +
                            impl_->s.clusters[cluster].objects.services[service].id +
                            " has none (make it type NodePort, or use alb.ingress.kubernetes.io/target-type: ip)"};
    return v;
  }
  return impl_->via_balancer(from, std::nullopt,
                             {ing.id, "ALB of " + ing.id, ing.alb.scheme == k8s::LoadBalancerScheme::InternetFacing,
                              ip_targets, &ing.alb.inbound_cidrs, "alb.ingress.kubernetes.io/inbound-cidrs"},
                             node_port, to, k8s::Protocol::Tcp, target_port);
}

Verdict Connectivity::pod_via_load_balancer(std::uint32_t from, std::uint32_t cluster, std::uint32_t service,
                                            std::uint32_t service_port, std::uint32_t to, k8s::Protocol protocol,
                                            std::uint16_t target_port) const {
  return impl_->via_load_balancer(from, std::nullopt, impl_->s.clusters[cluster].objects.services[service],
                                  impl_->layout.node_ports[cluster][service][service_port], to, protocol,
                                  target_port);
}

}  // namespace eksim::reach
