#include "eksim/k8s/pod_template.hpp"

#include <charconv>

namespace eksim::k8s {

std::string_view to_string(DnsPolicy policy) {
  switch (policy) {
    case DnsPolicy::ClusterFirst:
      return "ClusterFirst";
    case DnsPolicy::ClusterFirstWithHostNet:
      return "ClusterFirstWithHostNet";
    case DnsPolicy::Default:
      return "Default";
    case DnsPolicy::None:
      return "None";
  }
  return "ClusterFirst";
}

std::optional<int> DnsConfig::ndots() const {
  std::optional<int> result;
  for (const DnsOption& option : options) {
    if (option.name != "ndots" || !option.value) continue;
    int n = 0;
    const std::string& v = *option.value;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc() && ptr == v.data() + v.size()) result = n;
  }
  return result;
}

std::optional<ContainerPort> PodTemplate::find_port(std::string_view name, Protocol protocol) const {
  for (const Container& c : containers) {
    for (const ContainerPort& p : c.ports) {
      if (p.name == name && p.protocol == protocol) return p;
    }
  }
  return std::nullopt;
}

std::vector<ContainerPort> PodTemplate::all_ports() const {
  std::vector<ContainerPort> out;
  for (const Container& c : containers) out.insert(out.end(), c.ports.begin(), c.ports.end());
  return out;
}

DnsPolicy effective_dns_policy(const PodTemplate& pod) {
  if (pod.host_network && pod.dns_policy == DnsPolicy::ClusterFirst) return DnsPolicy::Default;
  if (!pod.host_network && pod.dns_policy == DnsPolicy::ClusterFirstWithHostNet) return DnsPolicy::ClusterFirst;
  return pod.dns_policy;
}

}  // namespace eksim::k8s
