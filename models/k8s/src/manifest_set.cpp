#include "eksim/k8s/manifest_set.hpp"

#include <algorithm>

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

std::optional<std::uint32_t> ManifestSet::find_service_account(std::string_view namespace_name,
                                                               std::string_view name) const {
  return find_index(service_accounts,
                    [&](const ServiceAccount& a) { return a.namespace_name == namespace_name && a.name == name; });
}

std::optional<std::uint32_t> ManifestSet::find_calico_tier(std::string_view name) const {
  return find_index(calico_tiers, [&](const CalicoTier& t) { return t.name == name; });
}

std::optional<std::uint32_t> ManifestSet::find_calico_policy(std::string_view namespace_name,
                                                             std::string_view name) const {
  return find_index(calico_policies, [&](const CalicoPolicy& p) {
    return p.global == namespace_name.empty() && p.namespace_name == namespace_name && p.name == name;
  });
}

std::optional<std::uint32_t> ManifestSet::find_security_group_policy(std::string_view namespace_name,
                                                                     std::string_view name) const {
  return find_index(security_group_policies,
                    [&](const SecurityGroupPolicy& p) { return p.namespace_name == namespace_name && p.name == name; });
}

std::optional<std::uint32_t> ManifestSet::find_ingress(std::string_view namespace_name, std::string_view name) const {
  return find_index(ingresses, [&](const Ingress& i) { return i.namespace_name == namespace_name && i.name == name; });
}

std::optional<std::uint32_t> ManifestSet::find_ingress_class(std::string_view name) const {
  return find_index(ingress_classes, [&](const IngressClass& c) { return c.name == name; });
}

std::vector<std::uint32_t> ManifestSet::calico_tier_order() const {
  std::vector<std::uint32_t> order(calico_tiers.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return calico_tier_before(calico_tiers[a], calico_tiers[b]);
  });
  return order;
}

std::vector<std::uint32_t> ManifestSet::calico_policies_in_tier(std::uint32_t tier_index) const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < calico_policies.size(); ++i) {
    if (calico_policies[i].tier_index == tier_index) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
    return calico_policy_before(calico_policies[a], calico_policies[b]);
  });
  return out;
}

const SkippedKind* ManifestSet::find_skipped(std::string_view api_version, std::string_view kind) const {
  for (const SkippedKind& s : skipped) {
    if (s.api_version == api_version && s.kind == kind) return &s;
  }
  return nullptr;
}

}  // namespace eksim::k8s
