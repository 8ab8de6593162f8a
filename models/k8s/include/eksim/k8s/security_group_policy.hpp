// vpcresources.k8s.aws/v1beta1 SecurityGroupPolicy: the VPC CNI's "security
// groups for pods". Pods it selects get a branch ENI carrying its security
// groups instead of the node's (in the CNI's `strict` enforcing mode; in
// `standard` mode the node's groups apply too), see policy-semantics.md "AWS
// layers".
//
// Which pods (amazon-vpc-resource-controller-k8s): the pods of the policy's
// namespace that match podSelector and whose service account matches
// serviceAccountSelector (the service account's labels), each selector only
// counting when written. An empty selector `{}` matches every pod of the
// namespace; a policy with neither selector selects no pod. When several
// policies select a pod, it gets the union of their groups.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eksim/k8s/label_selector.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

struct SecurityGroupPolicy {
  std::string id;  // "namespace/name"
  std::string namespace_name;
  std::uint32_t namespace_index = 0;
  std::string name;

  std::optional<LabelSelector> pod_selector;
  // Matches the labels of the pod's ServiceAccount object.
  std::optional<LabelSelector> service_account_selector;
  // The older v1beta1 schema's serviceAccountSelector.matchNames: service
  // account names, ANDed with the selector's labels. Empty when not written.
  std::vector<std::string> service_account_names;
  // spec.securityGroups.groupIds as written (1 to 5): in a scenario either
  // sg- ids or names of security groups of the cluster's VPC; the scenario
  // layer resolves them.
  std::vector<std::string> security_group_ids;
  scenario::SourceLocation where;

  // False when neither selector is written: such a policy selects no pod.
  [[nodiscard]] bool selects_pods() const { return pod_selector || service_account_selector; }
};

}  // namespace eksim::k8s
