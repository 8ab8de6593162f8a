#include "eksim/reach/layout.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "eksim/capacity/scenario_capacity.hpp"
#include "eksim/sim/random.hpp"

namespace eksim::reach {
namespace {

// kube-dns gets the tenth address of the range on EKS (10.100.0.10 or 172.20.0.10),
// which is also what the kubelet writes into every pod's resolv.conf.
constexpr std::uint32_t kDnsOffset = 10;

std::vector<std::optional<net::Ipv4Address>> assign_cluster_ips(const scenario::Cluster& c, net::Cidr range) {
  const auto& services = c.objects.services;
  std::vector<std::optional<net::Ipv4Address>> ips(services.size());
  std::set<std::uint32_t> taken;
  auto wants_ip = [](const k8s::Service& svc) {
    return !svc.headless && svc.type != k8s::ServiceType::ExternalName;
  };
  // Addresses written in the manifests first: they are the user's choice.
  for (std::size_t i = 0; i < services.size(); ++i) {
    const k8s::Service& svc = services[i];
    if (!wants_ip(svc) || svc.cluster_ip.empty()) continue;
    std::string error;
    const auto ip = net::parse_ipv4(svc.cluster_ip, &error);
    if (!ip) throw scenario::LoadError(svc.where, "Service " + svc.id + ": clusterIP '" + svc.cluster_ip + "': " + error);
    if (!range.contains(*ip)) {
      throw scenario::LoadError(svc.where, "Service " + svc.id + ": clusterIP " + svc.cluster_ip +
                                               " is outside the cluster's Service range " + range.to_string() +
                                               " (the API server rejects it)");
    }
    if (!taken.insert(ip->value()).second) {
      throw scenario::LoadError(svc.where, "Service " + svc.id + ": clusterIP " + svc.cluster_ip + " is already taken");
    }
    ips[i] = ip;
  }
  auto place = [&](std::size_t i, std::uint32_t offset) {
    // Probe upwards from the wanted offset; the network and broadcast
    // addresses of the range are never handed out.
    const std::uint32_t usable = static_cast<std::uint32_t>(range.size() - 2);
    for (std::uint32_t step = 0; step < usable; ++step) {
      const std::uint32_t value = range.first().value() + 1 + (offset - 1 + step) % usable;
      if (taken.insert(value).second) {
        ips[i] = net::Ipv4Address(value);
        return;
      }
    }
    throw scenario::LoadError(services[i].where, "Service " + services[i].id + ": the Service range " +
                                                     range.to_string() + " is full");
  };
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (services[i].namespace_name == "kube-system" && services[i].name == "kube-dns" && !ips[i] &&
        wants_ip(services[i])) {
      place(i, kDnsOffset);
    }
  }
  // The API server picks at random; a hash of the Service's name gives each
  // one an address that stays put when other Services come and go.
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (ips[i] || !wants_ip(services[i])) continue;
    const std::uint32_t usable = static_cast<std::uint32_t>(range.size() - 2);
    place(i, 1 + static_cast<std::uint32_t>(sim::stable_hash(services[i].id, 0x5e41ceULL) % usable));
  }
  return ips;
}

// The default --service-node-port-range of the API server.
constexpr std::uint16_t kNodePortFirst = 30000;
constexpr std::uint16_t kNodePortLast = 32767;

// NodePorts as written, then the others from a hash of "service/port" (the
// API server picks at random), so that they stay put as Services come and go.
std::vector<std::vector<std::uint16_t>> assign_node_ports(const scenario::Cluster& c) {
  const auto& services = c.objects.services;
  std::vector<std::vector<std::uint16_t>> ports(services.size());
  std::set<std::pair<std::uint16_t, k8s::Protocol>> taken;
  auto wants = [](const k8s::Service& svc) {
    return svc.type == k8s::ServiceType::NodePort || svc.type == k8s::ServiceType::LoadBalancer;
  };
  for (std::size_t i = 0; i < services.size(); ++i) {
    ports[i].assign(services[i].ports.size(), 0);
    if (!wants(services[i])) continue;
    for (std::size_t p = 0; p < services[i].ports.size(); ++p) {
      const k8s::ServicePort& sp = services[i].ports[p];
      if (sp.node_port == 0) continue;
      if (sp.node_port < kNodePortFirst || sp.node_port > kNodePortLast) {
        throw scenario::LoadError(services[i].where, "Service " + services[i].id + ": nodePort " +
                                                         std::to_string(sp.node_port) +
                                                         " is outside the node port range 30000-32767");
      }
      if (!taken.emplace(sp.node_port, sp.protocol).second) {
        throw scenario::LoadError(services[i].where, "Service " + services[i].id + ": nodePort " +
                                                         std::to_string(sp.node_port) + " is already allocated");
      }
      ports[i][p] = sp.node_port;
    }
  }
  constexpr std::uint32_t kRange = kNodePortLast - kNodePortFirst + 1;
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (!wants(services[i])) continue;
    for (std::size_t p = 0; p < services[i].ports.size(); ++p) {
      if (ports[i][p] != 0) continue;
      const k8s::ServicePort& sp = services[i].ports[p];
      const std::uint64_t h = sim::stable_hash(services[i].id + "/" + std::to_string(sp.port), 0x40de9047ULL);
      for (std::uint32_t step = 0; step < kRange; ++step) {
        const auto port = static_cast<std::uint16_t>(kNodePortFirst + (h + step) % kRange);
        if (taken.emplace(port, sp.protocol).second) {
          ports[i][p] = port;
          break;
        }
      }
      if (ports[i][p] == 0) {
        throw scenario::LoadError(services[i].where, "Service " + services[i].id + ": the node port range is full");
      }
    }
  }
  return ports;
}

}  // namespace

net::Cidr default_service_cidr(const scenario::Scenario& s, std::uint32_t cluster) {
  const auto ten = *net::Cidr::make(net::Ipv4Address::from_octets(10, 0, 0, 0), 8);
  const aws::Vpc& vpc = s.network.vpcs[s.clusters[cluster].vpc];
  const bool in_ten = std::any_of(vpc.cidrs.begin(), vpc.cidrs.end(), [&](const net::Cidr& b) { return ten.contains(b); });
  return in_ten ? *net::Cidr::make(net::Ipv4Address::from_octets(172, 20, 0, 0), 16)
                : *net::Cidr::make(net::Ipv4Address::from_octets(10, 100, 0, 0), 16);
}

Layout lay_out(const scenario::Scenario& s) {
  Layout out;
  const capacity::CapacityInput input = capacity::capacity_input(s);
  capacity::PlanOptions options;
  options.headroom = false;
  const capacity::CapacityReport plan = capacity::plan_capacity(input, options);

  std::map<std::string, std::uint32_t> node_index;  // report name "cluster/group-i" -> Layout::nodes
  for (std::size_t n = 0; n < plan.nodes.size(); ++n) {
    const capacity::NodeReport& report = plan.nodes[n];
    LaidOutNode node;
    const auto slash = report.name.find('/');
    node.name = report.name.substr(slash + 1);
    for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
      if (s.clusters[c].name == report.name.substr(0, slash)) node.cluster = c;
    }
    for (const scenario::NodeGroup& g : s.clusters[node.cluster].node_groups) {
      if (g.name == report.node_group) node.security_groups.assign(g.security_groups.begin(), g.security_groups.end());
    }
    node.address = report.address;
    node.subnet = *s.network.find_subnet(report.subnet);
    node.pod_subnet = *s.network.find_subnet(report.pod_subnet);
    out.nodes.push_back(std::move(node));
  }
  for (const capacity::PlacedPod& placed : plan.pods) {
    if (!placed.running) continue;
    const capacity::WorkloadSpec& spec = input.workloads[placed.workload];
    LaidOutPod pod;
    pod.cluster = spec.cluster;
    pod.workload = static_cast<std::uint32_t>(spec.source);
    pod.replica = placed.replica;
    pod.node = placed.node;
    pod.address = *placed.address;
    pod.name = spec.name + "-" + std::to_string(placed.replica);
    out.pods.push_back(std::move(pod));
  }
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    out.service_cidrs.push_back(default_service_cidr(s, c));
    out.cluster_ips.push_back(assign_cluster_ips(s.clusters[c], out.service_cidrs.back()));
    out.node_ports.push_back(assign_node_ports(s.clusters[c]));
  }
  return out;
}

}  // namespace eksim::reach
