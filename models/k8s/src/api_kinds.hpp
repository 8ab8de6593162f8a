// Which (apiVersion, kind) pairs the importer models, and what to do with the rest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "object_reader.hpp"

namespace eksim::k8s::detail {

enum class ModelledKind : std::uint8_t {
  Namespace,
  Pod,
  Service,
  Deployment,
  StatefulSet,
  DaemonSet,
  ReplicaSet,
  Job,
  CronJob,
  NetworkPolicy,
  AdminNetworkPolicy,
  BaselineAdminNetworkPolicy,
  CalicoNetworkPolicy,
  CalicoGlobalNetworkPolicy,
  CalicoTier,
  SecurityGroupPolicy,
  ServiceAccount,
  Ingress,
  IngressClass,
};

// The modelled kind for this pair, or nullopt for a pair to skip (a kind not
// modelled, or a custom resource that happens to share a modelled kind's
// name). Fails for a modelled kind at a wrong or removed apiVersion of its
// built-in group, and for a misspelling of a modelled kind in a built-in group.
// A removed version that older manifests still commonly carry (Ingress at
// extensions/v1beta1) is skipped with a warning instead.
std::optional<ModelledKind> classify_kind(const Reader& r, const Field& api_version_field,
                                          const std::string& api_version, const Field& kind_field,
                                          const std::string& kind);

}  // namespace eksim::k8s::detail
