#include "eksim/reach/policy_input.hpp"

#include <algorithm>

namespace eksim::reach {

std::string_view service_account_of(const k8s::PodTemplate& pod) { return pod.service_account; }

PodProfile profile_of(const k8s::PodTemplate& pod, std::uint32_t namespace_index) {
  PodProfile p;
  p.namespace_index = namespace_index;
  p.labels = pod.labels;
  p.ports = pod.all_ports();
  p.service_account = std::string(service_account_of(pod));
  p.host_network = pod.host_network;
  return p;
}

ClusterPods lay_out_pods(const k8s::ManifestSet& set, net::Ipv4Address first_address, std::vector<NodeInstance> nodes) {
  ClusterPods out;
  if (nodes.empty()) nodes.push_back({"node-0", net::Ipv4Address::from_octets(192, 168, 0, 1)});
  out.nodes = std::move(nodes);
  std::uint32_t next = first_address.value();
  std::uint32_t node = 0;
  for (std::uint32_t w = 0; w < set.workloads.size(); ++w) {
    const k8s::Workload& wl = set.workloads[w];
    const auto profile = static_cast<std::uint32_t>(out.profiles.size());
    out.profiles.push_back(profile_of(wl.pod, wl.namespace_index));
    const std::int32_t replicas = wl.per_node ? static_cast<std::int32_t>(out.nodes.size()) : wl.replicas;
    for (std::int32_t i = 0; i < replicas; ++i) {
      PodInstance pod;
      pod.name = wl.namespace_name + "/" + wl.name + "-" + std::to_string(i);
      pod.profile = profile;
      pod.node = wl.per_node ? static_cast<std::uint32_t>(i) : node;
      pod.workload = w;
      if (wl.pod.host_network) {
        pod.address = out.nodes[pod.node].address;
      } else {
        pod.address = net::Ipv4Address(next++);
      }
      if (!wl.per_node) node = (node + 1) % static_cast<std::uint32_t>(out.nodes.size());
      out.pods.push_back(std::move(pod));
    }
  }
  return out;
}

}  // namespace eksim::reach
