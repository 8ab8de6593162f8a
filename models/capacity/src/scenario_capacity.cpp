#include "eksim/capacity/scenario_capacity.hpp"

#include <set>

namespace eksim::capacity {

CapacityInput capacity_input(const scenario::Scenario& s) {
  CapacityInput in;
  // Only the subnets that nodes or pods can use appear in the plan.
  std::set<std::uint32_t> used;
  for (const auto& c : s.clusters) {
    for (const auto& g : c.node_groups) used.insert(g.subnets.begin(), g.subnets.end());
    for (const auto& [az, subnet] : c.eni_configs) used.insert(subnet);
  }
  std::map<std::uint32_t, std::uint32_t> index;  // network subnet -> planner subnet
  for (const std::uint32_t n : used) {
    const aws::Subnet& subnet = s.network.subnets[n];
    index[n] = static_cast<std::uint32_t>(in.subnets.size());
    in.subnets.push_back({subnet.name, s.network.availability_zones[subnet.az].name, subnet.cidr});
  }
  for (std::uint32_t ci = 0; ci < s.clusters.size(); ++ci) {
    const scenario::Cluster& c = s.clusters[ci];
    ClusterSpec spec;
    spec.name = c.name;
    spec.cni = c.cni;
    for (const auto& [az, subnet] : c.eni_configs) spec.eni_configs[az] = index.at(subnet);
    for (const auto& g : c.node_groups) {
      NodeGroupSpec group{g.name, g.instance_type, g.count, {}, g.max_pods, g.managed};
      for (const std::uint32_t n : g.subnets) group.subnets.push_back(index.at(n));
      spec.node_groups.push_back(std::move(group));
    }
    in.clusters.push_back(std::move(spec));
    for (std::size_t i = 0; i < c.objects.workloads.size(); ++i) {
      const auto& w = c.objects.workloads[i];
      in.workloads.push_back({ci, w.namespace_name + "/" + w.name, w.kind_name, w.replicas, w.per_node,
                              w.pod.host_network, static_cast<std::int32_t>(i),
                              s.ignore_node_selectors ? decltype(w.pod.node_selector){} : w.pod.node_selector});
    }
  }
  return in;
}

}  // namespace eksim::capacity
