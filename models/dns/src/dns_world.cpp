#include "eksim/dns/dns_world.hpp"

#include <algorithm>

#include "eksim/util/closest_name.hpp"

namespace eksim::dns {

std::string_view to_string(RecordType type) {
  switch (type) {
    case RecordType::A:
      return "A";
    case RecordType::AAAA:
      return "AAAA";
    case RecordType::CNAME:
      return "CNAME";
  }
  return "?";
}

std::string DnsWorld::pod_name(std::uint32_t pod) const {
  const WorldPod& p = pods.at(pod);
  std::string name = p.namespace_name + "/" + p.name;
  return clusters.size() > 1 ? clusters[p.cluster].name + "/" + name : name;
}

std::optional<std::uint32_t> DnsWorld::find_pod(std::string_view ref, std::string* error) const {
  const auto slashes = std::count(ref.begin(), ref.end(), '/');
  std::vector<std::string> names;
  std::string example;  // a pod of the user's own, for the hint
  for (std::uint32_t i = 0; i < pods.size(); ++i) {
    const WorldPod& p = pods[i];
    const std::string short_name = p.namespace_name + "/" + p.name;
    const std::string full = clusters[p.cluster].name + "/" + short_name;
    if ((slashes == 2 && ref == full) || (slashes == 1 && ref == short_name && clusters.size() == 1)) return i;
    names.push_back(clusters.size() > 1 ? full : short_name);
    if (example.empty() && p.namespace_name != "kube-system") example = names.back();
  }
  if (example.empty() && !names.empty()) example = names.front();
  if (error != nullptr) {
    if (slashes == 1 && clusters.size() > 1) {
      *error = "pod '" + std::string(ref) + "': the scenario has " + std::to_string(clusters.size()) +
               " clusters, so name one: cluster/namespace/pod";
    } else {
      *error = "no running pod '" + std::string(ref) + "'" + util::did_you_mean(ref, names) +
               " (pods are named namespace/workload-i, e.g. " + (example.empty() ? "web/frontend-0" : example) + ")";
    }
  }
  return std::nullopt;
}

}  // namespace eksim::dns
