#include "eksim/observe/node_view.hpp"

#include <algorithm>
#include <stdexcept>

#include "eksim/capacity/scenario_capacity.hpp"
#include "eksim/observe/kube_proxy_nat.hpp"
#include "eksim/reach/layout.hpp"
#include "eksim/report/json_writer.hpp"
#include "eksim/report/table.hpp"
#include "eksim/util/closest_name.hpp"
#include "eksim/util/digest.hpp"

namespace eksim::observe {
namespace {

std::uint32_t find_node(const scenario::Scenario& s, const capacity::CapacityReport& plan, std::string_view wanted) {
  std::vector<std::string> names;
  for (std::uint32_t n = 0; n < plan.nodes.size(); ++n) {
    const std::string& name = plan.nodes[n].name;
    names.push_back(name);
    // With one cluster its name may be left out, as in the reach notation.
    if (name == wanted || (s.clusters.size() == 1 && name == s.clusters[0].name + "/" + std::string(wanted))) return n;
  }
  throw std::invalid_argument("no node '" + std::string(wanted) + "'" + util::did_you_mean(std::string(wanted), names) +
                              " (nodes are named cluster/nodegroup-i, from 1)");
}

// The pods of a Service port's endpoints with the port each serves: a named
// targetPort resolves per pod, and a pod without that port is not an
// endpoint (the EndpointSlice controller leaves it out).
std::vector<NatEndpoint> endpoints_of(const scenario::Scenario& s, const reach::Layout& layout, std::uint32_t c,
                                      const k8s::Service& svc, const k8s::ServicePort& sp, std::uint32_t node) {
  std::vector<NatEndpoint> out;
  for (const std::uint32_t w : svc.backends) {
    const k8s::Workload& wl = s.clusters[c].objects.workloads[w];
    std::uint16_t port = sp.target_port.is_named() ? 0 : sp.target_port.number;
    if (sp.target_port.is_named()) {
      if (const auto cp = wl.pod.find_port(sp.target_port.name, sp.protocol)) port = cp->container_port;
    }
    if (port == 0) continue;
    for (std::uint32_t p = 0; p < layout.pods.size(); ++p) {
      const reach::LaidOutPod& pod = layout.pods[p];
      if (pod.cluster == c && pod.workload == w) out.push_back({pod.address, port, pod.node == node});
    }
  }
  return out;
}

std::vector<NatServicePort> nat_ports(const scenario::Scenario& s, const reach::Layout& layout, std::uint32_t c,
                                      std::uint32_t node) {
  std::vector<NatServicePort> out;
  const auto& services = s.clusters[c].objects.services;
  // Sorted by name: kube-proxy walks a map, so its order carries no meaning.
  std::vector<std::uint32_t> order(services.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return services[a].id < services[b].id; });
  for (const std::uint32_t i : order) {
    const k8s::Service& svc = services[i];
    if (!layout.cluster_ips[c][i]) continue;  // headless or ExternalName: nothing to translate
    for (std::size_t p = 0; p < svc.ports.size(); ++p) {
      const k8s::ServicePort& sp = svc.ports[p];
      NatServicePort n;
      n.service = svc.id;
      n.port_name = sp.name;
      n.protocol = sp.protocol;
      n.cluster_ip = *layout.cluster_ips[c][i];
      n.port = sp.port;
      n.node_port = layout.node_ports[c][i][p];
      n.external_policy_local = svc.external_traffic_policy == k8s::TrafficPolicy::Local;
      n.internal_policy_local = svc.internal_traffic_policy == k8s::TrafficPolicy::Local;
      n.client_ip_affinity = svc.session_affinity == k8s::SessionAffinity::ClientIP;
      if (svc.has_selector()) n.endpoints = endpoints_of(s, layout, c, svc, sp, node);
      out.push_back(std::move(n));
    }
  }
  return out;
}

net::Ipv4Address router_of(const net::Cidr& subnet) { return net::Ipv4Address(subnet.first().value() + 1); }

void add_routes(NodeView& v, const std::vector<net::Cidr>& vpc_cidrs) {
  const NodeViewEni& eth0 = v.enis.front();
  v.main_routes.push_back("default via " + eth0.gateway.to_string() + " dev eth0");
  v.main_routes.push_back(eth0.subnet_cidr.to_string() + " dev eth0 proto kernel scope link src " +
                          eth0.primary.to_string());
  std::vector<const NodeViewPod*> routed;
  for (const auto& pod : v.pods) {
    if (!pod.host_network) routed.push_back(&pod);
  }
  std::sort(routed.begin(), routed.end(),
            [](const NodeViewPod* a, const NodeViewPod* b) { return a->address < b->address; });
  for (const NodeViewPod* pod : routed) v.main_routes.push_back(pod->address.to_string() + " dev " + pod->veth + " scope link");

  v.ip_rules.push_back("0:\tfrom all lookup local");
  for (const NodeViewPod* pod : routed) v.ip_rules.push_back("512:\tfrom all to " + pod->address.to_string() + " lookup main");
  v.ip_rules.push_back("1024:\tfrom all fwmark 0x80/0x80 lookup main");
  for (const NodeViewPod* pod : routed) {
    if (pod->device_index == 0) continue;
    for (const auto& cidr : vpc_cidrs) {
      v.ip_rules.push_back("1536:\tfrom " + pod->address.to_string() + " to " + cidr.to_string() + " lookup " +
                           std::to_string(pod->device_index + 1));
    }
  }
  v.ip_rules.push_back("32766:\tfrom all lookup main");
  v.ip_rules.push_back("32767:\tfrom all lookup default");
  for (std::size_t e = 1; e < v.enis.size(); ++e) {
    const NodeViewEni& eni = v.enis[e];
    v.eni_tables.push_back({eni.device_index + 1,
                            {"default via " + eni.gateway.to_string() + " dev " + eni.interface,
                             eni.gateway.to_string() + " dev " + eni.interface + " scope link"}});
  }
}

}  // namespace

std::string host_veth_name(std::string_view namespace_name, std::string_view pod) {
  std::string text(namespace_name);
  text += '.';
  text += pod;
  return "eni" + util::hex(util::sha1(text)).substr(0, 11);
}

NodeView node_view(const scenario::Scenario& s, std::string_view wanted) {
  const capacity::CapacityInput input = capacity::capacity_input(s);
  capacity::PlanOptions options;
  options.headroom = false;
  const capacity::CapacityReport plan = capacity::plan_capacity(input, options);
  const std::uint32_t n = find_node(s, plan, wanted);
  const capacity::NodeReport& report = plan.nodes[n];
  const reach::Layout layout = reach::lay_out(s);
  const std::uint32_t c = layout.nodes[n].cluster;
  const scenario::Cluster& cluster = s.clusters[c];

  NodeView v;
  v.name = report.name;
  v.cluster = cluster.name;
  v.node_group = report.node_group;
  v.az = report.az;
  v.address = report.address;
  v.prefix_delegation = report.prefixes > 0;
  std::vector<std::string> groups;
  for (const scenario::NodeGroup& g : cluster.node_groups) {
    if (g.name != report.node_group) continue;
    v.instance_type = g.instance_type.name;
    for (const std::uint32_t sg : g.security_groups) groups.push_back(s.network.security_groups[sg].name);
  }
  for (const capacity::NodeEni& eni : report.eni_list) {
    NodeViewEni e;
    e.device_index = eni.device_index;
    e.interface = "eth" + std::to_string(eni.device_index);
    e.subnet = eni.subnet;
    e.subnet_cidr = s.network.subnets[*s.network.find_subnet(eni.subnet)].cidr;
    e.gateway = router_of(e.subnet_cidr);
    e.security_groups = groups;
    e.primary = eni.primary;
    e.carries_pods = eni.carries_pods;
    for (const net::Cidr& block : eni.held) e.slots.push_back({block, {}});
    v.enis.push_back(std::move(e));
  }
  for (const capacity::PlacedPod& placed : plan.pods) {
    if (placed.node != n || !placed.running) continue;
    const capacity::WorkloadSpec& spec = input.workloads[placed.workload];
    const k8s::Workload& wl = cluster.objects.workloads[static_cast<std::size_t>(spec.source)];
    NodeViewPod pod;
    pod.namespace_name = wl.namespace_name;
    pod.name = wl.name + "-" + std::to_string(placed.replica);
    pod.workload = spec.name;
    pod.address = *placed.address;
    pod.host_network = spec.host_network;
    const auto index = static_cast<std::uint32_t>(v.pods.size());
    if (!pod.host_network) {
      pod.veth = host_veth_name(pod.namespace_name, pod.name);
      for (auto& eni : v.enis) {
        for (auto& slot : eni.slots) {
          if (!slot.block.contains(pod.address)) continue;
          pod.device_index = eni.device_index;
          slot.pods.push_back(index);
        }
      }
    }
    v.pods.push_back(std::move(pod));
  }
  const aws::Vpc& vpc = s.network.vpcs[cluster.vpc];
  add_routes(v, vpc.cidrs);
  CniSnat snat;
  snat.vpc_cidrs = vpc.cidrs;
  snat.node_address = report.address;
  v.nat = iptables_save_nat(nat_ports(s, layout, c, n), snat);
  return v;
}

std::string node_view_text(const NodeView& v) {
  std::string out = "node " + v.name + "  " + v.instance_type + "  " + v.az + "  " + v.address.to_string() + "  (" +
                    (v.prefix_delegation ? "prefix delegation" : "secondary IPs") + ")\n\nENIs\n";
  auto pod_list = [&](const std::vector<std::uint32_t>& pods) {
    std::string text;
    for (const std::uint32_t p : pods) {
      text += (text.empty() ? "" : ", ") + v.pods[p].namespace_name + "/" + v.pods[p].name + " " +
              v.pods[p].address.to_string();
    }
    return text.empty() ? std::string("-") : text;
  };
  for (const NodeViewEni& e : v.enis) {
    out += "  " + e.interface + "  device " + std::to_string(e.device_index) + "  subnet " + e.subnet + " " +
           e.subnet_cidr.to_string() + "  primary " + e.primary.to_string() + "  security groups ";
    for (std::size_t i = 0; i < e.security_groups.size(); ++i) out += (i ? "," : "") + e.security_groups[i];
    if (!e.carries_pods) out += "  (no pods: custom networking)";
    out += "\n";
    std::vector<std::uint32_t> host;
    for (std::uint32_t p = 0; p < v.pods.size(); ++p) {
      if (v.pods[p].host_network && e.device_index == 0) host.push_back(p);
    }
    if (!host.empty()) out += "    " + e.primary.to_string() + "/32 (primary)  " + pod_list(host) + " (host network)\n";
    for (const NodeViewSlot& slot : e.slots) out += "    " + slot.block.to_string() + "  " + pod_list(slot.pods) + "\n";
  }
  out += "\n$ ip rule\n";
  for (const auto& r : v.ip_rules) out += r + "\n";
  out += "\n$ ip route\n";
  for (const auto& r : v.main_routes) out += r + "\n";
  for (const auto& t : v.eni_tables) {
    out += "\n$ ip route show table " + std::to_string(t.id) + "\n";
    for (const auto& r : t.routes) out += r + "\n";
  }
  out += "\n$ iptables-save -t nat\n" + v.nat;
  return out;
}

std::string node_view_json(const NodeView& v) {
  report::JsonWriter w;
  w.begin_object();
  w.key("name").value(v.name);
  w.key("cluster").value(v.cluster);
  w.key("node_group").value(v.node_group);
  w.key("instance_type").value(v.instance_type);
  w.key("az").value(v.az);
  w.key("address").value(v.address.to_string());
  w.key("prefix_delegation").value(v.prefix_delegation);
  w.key("enis").begin_array();
  for (const NodeViewEni& e : v.enis) {
    w.begin_object();
    w.key("device_index").value(e.device_index);
    w.key("interface").value(e.interface);
    w.key("subnet").value(e.subnet);
    w.key("subnet_cidr").value(e.subnet_cidr.to_string());
    w.key("primary_ip").value(e.primary.to_string());
    w.key("security_groups").begin_inline_array();
    for (const auto& g : e.security_groups) w.value(g);
    w.end_array();
    w.key("carries_pods").value(e.carries_pods);
    w.key(v.prefix_delegation ? "prefixes" : "secondary_ips").begin_array();
    for (const NodeViewSlot& slot : e.slots) {
      w.begin_object();
      w.key("block").value(slot.block.to_string());
      w.key("pods").begin_inline_array();
      for (const std::uint32_t p : slot.pods) w.value(v.pods[p].namespace_name + "/" + v.pods[p].name);
      w.end_array();
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("pods").begin_array();
  for (const NodeViewPod& p : v.pods) {
    w.begin_object();
    w.key("namespace").value(p.namespace_name);
    w.key("name").value(p.name);
    w.key("workload").value(p.workload);
    w.key("ip").value(p.address.to_string());
    w.key("host_network").value(p.host_network);
    if (p.host_network) {
      w.key("veth").null();
      w.key("device_index").value(0);
    } else {
      w.key("veth").value(p.veth);
      w.key("device_index").value(p.device_index);
    }
    w.end_object();
  }
  w.end_array();
  auto lines = [&](const char* key, const std::vector<std::string>& v_lines) {
    w.key(key).begin_array();
    for (const auto& l : v_lines) w.value(l);
    w.end_array();
  };
  lines("ip_rules", v.ip_rules);
  lines("routes", v.main_routes);
  w.key("eni_tables").begin_array();
  for (const auto& t : v.eni_tables) {
    w.begin_object();
    w.key("table").value(t.id);
    lines("routes", t.routes);
    w.end_object();
  }
  w.end_array();
  w.key("iptables_nat").value(v.nat);
  w.end_object();
  return w.str() + "\n";
}

}  // namespace eksim::observe
