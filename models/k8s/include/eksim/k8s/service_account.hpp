// A v1 ServiceAccount, for its labels: Calico's serviceAccounts.selector and
// serviceAccountSelector, and a SecurityGroupPolicy's serviceAccountSelector,
// match the labels of the ServiceAccount a pod runs as
// (PodTemplate::service_account), not the pod's.
#pragma once

#include <cstdint>
#include <string>

#include "eksim/k8s/labels.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

struct ServiceAccount {
  std::string id;  // "namespace/name"
  std::string namespace_name;
  std::uint32_t namespace_index = 0;
  std::string name;
  Labels labels;
  scenario::SourceLocation where;
};

}  // namespace eksim::k8s
