// An imported Pod manifest. Each belongs to exactly one workload: its own
// (a bare pod), its controller's, or a workload synthesized from its
// ownerReference when the owner was not imported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "eksim/k8s/pod_template.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

// The ownerReference a pod or controller is grouped by.
struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  bool controller = false;
};

struct Pod {
  std::string id;  // "namespace/name"
  std::string namespace_name;
  std::uint32_t namespace_index = 0;
  std::string name;
  PodTemplate spec;  // this pod's own labels, containers and settings
  std::optional<OwnerReference> owner;
  std::uint32_t workload = 0;  // index into ManifestSet::workloads
  scenario::SourceLocation where;
};

}  // namespace eksim::k8s
