// Everything imported from a set of Kubernetes manifests: plain structs with
// stable string ids, held in vectors whose positions are the dense indices
// that relations use (Workload::namespace_index, Pod::workload, ...).
// Vectors keep import order: files sorted by path, documents and List items
// in file order; synthesized workloads where their first pod appeared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/admin_network_policy.hpp"
#include "eksim/k8s/calico_policy.hpp"
#include "eksim/k8s/ingress.hpp"
#include "eksim/k8s/namespace.hpp"
#include "eksim/k8s/network_policy.hpp"
#include "eksim/k8s/pod.hpp"
#include "eksim/k8s/security_group_policy.hpp"
#include "eksim/k8s/service.hpp"
#include "eksim/k8s/service_account.hpp"
#include "eksim/k8s/workload.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

// Objects of an (apiVersion, kind) the simulator does not model: ConfigMaps,
// Secrets, custom resources and their definitions, Ingresses at removed
// apiVersions.
struct SkippedKind {
  std::string api_version;
  std::string kind;
  std::size_t count = 0;
  scenario::SourceLocation first_seen;
};

// Something imported that a user may want to know about but that is not an
// error: a field the importer does not know, a value Kubernetes rewrites.
struct ManifestWarning {
  scenario::SourceLocation where;
  std::string message;
};

struct ManifestSet {
  std::vector<std::string> files;  // in the order read
  std::vector<Namespace> namespaces;
  std::vector<Workload> workloads;
  std::vector<Pod> pods;  // imported Pod manifests
  std::vector<Service> services;
  // Declared ServiceAccounts. A pod naming one that is not declared (the
  // `default` account, usually) runs as an account with no labels.
  std::vector<ServiceAccount> service_accounts;
  std::vector<NetworkPolicy> network_policies;
  std::vector<AdminNetworkPolicy> admin_network_policies;
  std::optional<BaselineAdminNetworkPolicy> baseline_admin_network_policy;
  // Calico tiers: [0] is always `default` (declared by a Tier manifest or
  // not), then the other Tier manifests in import order.
  std::vector<CalicoTier> calico_tiers;
  // Calico NetworkPolicies and GlobalNetworkPolicies, in import order; each
  // names its tier by index.
  std::vector<CalicoPolicy> calico_policies;
  std::vector<SecurityGroupPolicy> security_group_policies;
  // networking.k8s.io/v1 Ingresses and IngressClasses, in import order. Each
  // Ingress's class, controller and backend Services are resolved against the
  // whole set.
  std::vector<Ingress> ingresses;
  std::vector<IngressClass> ingress_classes;
  std::vector<SkippedKind> skipped;  // in order of first appearance
  std::vector<ManifestWarning> warnings;

  [[nodiscard]] std::optional<std::uint32_t> find_namespace(std::string_view name) const;
  // By namespace, name and kind ("Deployment", or an Other owner's kind).
  [[nodiscard]] std::optional<std::uint32_t> find_workload(std::string_view namespace_name, std::string_view name,
                                                           std::string_view kind_name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_pod(std::string_view namespace_name, std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_service(std::string_view namespace_name, std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_network_policy(std::string_view namespace_name,
                                                                 std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_admin_network_policy(std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_service_account(std::string_view namespace_name,
                                                                  std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_calico_tier(std::string_view name) const;
  // A namespaced Calico NetworkPolicy; namespace_name "" finds a GlobalNetworkPolicy.
  [[nodiscard]] std::optional<std::uint32_t> find_calico_policy(std::string_view namespace_name,
                                                                std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_security_group_policy(std::string_view namespace_name,
                                                                        std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_ingress(std::string_view namespace_name, std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> find_ingress_class(std::string_view name) const;
  // Tier indices in evaluation order (calico_tier_before).
  [[nodiscard]] std::vector<std::uint32_t> calico_tier_order() const;
  // The policies of one tier, both kinds, in evaluation order (calico_policy_before).
  [[nodiscard]] std::vector<std::uint32_t> calico_policies_in_tier(std::uint32_t tier_index) const;
  [[nodiscard]] const SkippedKind* find_skipped(std::string_view api_version, std::string_view kind) const;
};

}  // namespace eksim::k8s
