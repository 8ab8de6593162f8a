// Where EKS would not enforce what the manifests say (policy-semantics.md
// item 15, and the cases of items 12-13 a reader would not expect). The
// engine evaluates every policy as written; these warnings say where the VPC
// CNI network policy agent would differ.
#pragma once

#include <string>
#include <vector>

#include "eksim/k8s/manifest_set.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::reach {

enum class PolicyWarningCode : std::uint8_t {
  TooManyPortProtocols,     // more than 24 unique port/protocol combinations in one policy's ingress or egress
  StandalonePod,            // a Pod without ownerReferences
  UnsupportedNode,          // a workload pinned to Windows or Fargate, where policies are not enforced
  HostNetworkSelected,      // a policy selects a hostNetwork pod, which the agent does not police
  AdminPolicyNotEnforced,   // ANP/BANP: not implemented by the EKS agent
  Ipv6BlockIgnored,         // an IPv6 ipBlock in an IPv4 cluster
  NodesPeerIgnored,         // an ANP nodes peer: node labels are not modelled
  ServicePortMismatch,      // a Service port differs from the container port of a policed backend (item 11)
  CalicoNotModelled,        // a Calico policy, rule or tier field the engine cannot evaluate (calico_compile.hpp)
};

std::string_view to_string(PolicyWarningCode code);

struct PolicyWarning {
  PolicyWarningCode code = PolicyWarningCode::StandalonePod;
  scenario::SourceLocation where;
  std::string message;
};

// The EKS VPC CNI agent's limit on unique port/protocol combinations per
// ingress or egress section of a policy (EKS user guide, cni-network-policy).
inline constexpr std::size_t kEksMaxPortProtocols = 24;

// In manifest order: policies first (NetworkPolicies, then admin, then Calico), then workloads.
std::vector<PolicyWarning> policy_warnings(const k8s::ManifestSet& set);

}  // namespace eksim::reach
