// Which security groups filter a pod's traffic under the VPC CNI, with and
// without security groups for pods (SecurityGroupPolicy, branch ENIs).
//
// POD_SECURITY_GROUP_ENFORCING_MODE (VPC CNI >= 1.11, default strict):
//   strict    only the branch ENI's groups (the SecurityGroupPolicy's) apply;
//             source NAT is off and all of the pod's traffic, even to pods or
//             the kubelet on its own node, goes out through the VPC.
//   standard  the branch ENI's groups and the node's primary-ENI groups both
//             apply: traffic must be allowed by each set (AWS EKS best
//             practices, "Security Groups Per Pod": "the security groups
//             associated with both the primary ENI and branch ENI are
//             applied"). Traffic between the pod and its own node (kubelet
//             probes, NodeLocal DNSCache) stays on the host and no security
//             group sees it.
// A pod no SecurityGroupPolicy selects shares its node's ENIs and so its
// groups, whatever the mode. Sources and reading: docs/reachability.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace eksim::aws {

enum class PodSecurityGroupMode { strict, standard };
std::string_view to_string(PodSecurityGroupMode mode);  // "strict" or "standard"

struct PodSecurityGroups {
  // The groups of the ENI holding the pod's address: the branch ENI's
  // (policy groups) or, without a policy, the node's.
  std::vector<std::string> eni;
  // A second set that must also allow the traffic: the node's groups for a
  // branch-ENI pod in standard mode; empty otherwise.
  std::vector<std::string> also;
  // Whether a security group sees traffic between the pod and its own node:
  // true only for a branch-ENI pod in strict mode.
  bool same_node_traffic_filtered = false;
  bool branch_eni = false;  // the pod has its own branch ENI
};

// `policy_groups`: the groups of every SecurityGroupPolicy selecting the pod
// (empty: none selects it). `node_groups`: its node's groups (primary ENI,
// or the ENIConfig's for pod ENIs under custom networking). Each list comes
// back sorted and without duplicates.
PodSecurityGroups pod_security_groups(PodSecurityGroupMode mode, std::vector<std::string> policy_groups,
                                      std::vector<std::string> node_groups);

}  // namespace eksim::aws
