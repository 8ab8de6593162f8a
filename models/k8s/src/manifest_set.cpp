#include "eksim/k8s/manifest_set.hpp"

namespace eksim::k8s {
namespace {

template <typename T, typename Match>
std::optional<std::uint32_t> find_index(const std::vector<T>& items, Match match) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (match(items[i])) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint32_t> ManifestSet::find_namespace(std::string_view name) const {
  return find_index(namespaces, [&](const Namespace& n) { return n.name == name; });
}

std::optional<std::uint32_t> ManifestSet::find_workload(std::string_view namespace_name, std::string_view name,
                                                        std::string_view kind_name) const {
  return find_index(workloads, [&](const Workload& w) {
    return w.namespace_name == namespace_name && w.name == name && w.kind_name == kind_name;
  });
}

std::optional<std::uint32_t> ManifestSet::find_pod(std::string_view namespace_name, std::string_view name) const {
  return find_index(pods, [&](const Pod& p) { return p.namespace_name == namespace_name && p.name == name; });
}

std::optional<std::uint32_t> ManifestSet::find_service(std::string_view namespace_name, std::string_view name) const {
  return find_index(services, [&](const Service& s) { return s.namespace_name == namespace_name && s.name == name; });
}

std::optional<std::uint32_t> ManifestSet::find_network_policy(std::string_view namespace_name,
                                                              std::string_view name) const {
  return find_index(network_policies,
                    [&](const NetworkPolicy& p) { return p.namespace_name == namespace_name && p.name == name; });
}

std::optional<std::uint32_t> ManifestSet::find_admin_network_policy(std::string_view name) const {
  return find_index(admin_network_policies, [&](const AdminNetworkPolicy& p) { return p.name == name; });
}

const SkippedKind* ManifestSet::find_skipped(std::string_view api_version, std::string_view kind) const {
  for (const SkippedKind& s : skipped) {
    if (s.api_version == api_version && s.kind == kind) return &s;
  }
  return nullptr;
}

}  // namespace eksim::k8s
