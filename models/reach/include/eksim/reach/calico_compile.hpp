// Calico tiers and policies (projectcalico.org/v3, as k8s::ManifestSet holds
// them) into the tiered form of policy_ir.hpp, in Felix's evaluation order.
//
// Tiers. Every Calico tier becomes a tier of the program, ranked by order
// (absent: after every ordered tier; ties by name) with its defaultAction as
// end-of-tier action. Calico's "default" tier is the program's default tier,
// where Kubernetes NetworkPolicies sit at order 1000 as Calico's knp.default.*
// policies do. The AdminNetworkPolicy tier stays first and the baseline tier
// last whatever the Calico orders (the engine's design; Calico itself fixes
// them at 1000 and 10,000,000, so a tier ordered outside that range gets a
// warning).
//
// Policies. Ordered by (order, name, namespace), absent order last. A
// namespaced policy selects pods of its namespace, a GlobalNetworkPolicy pods
// of every namespace its namespaceSelector matches. Selectors see Calico's
// endpoint labels: the pod's own plus projectcalico.org/namespace,
// projectcalico.org/orchestrator=k8s, projectcalico.org/serviceaccount and
// pcns.* / pcsa.* copies of the namespace's and service account's labels.
//
// Rules. The peer is the source of an ingress rule and the destination of an
// egress rule; the other entity constrains the policed pod itself (ingress
// `destination.selector`, egress `source.selector`). The IR has no per-rule
// subject, so such a policy is compiled into variants: one per combination
// of its distinct subject constraints (at most kMaxSubjectConstraints), each
// selecting the pods of that combination and holding the rules that apply
// to them. Rule numbers in explanations stay the written ones.
//
// What the TCP/UDP/SCTP connection model cannot hold is compiled to match no
// connection and reported (warnings returned): see docs/reachability.md,
// "Calico".
#pragma once

#include <cstddef>
#include <vector>

#include "eksim/k8s/manifest_set.hpp"
#include "eksim/reach/policy_ir.hpp"
#include "eksim/reach/policy_warnings.hpp"

namespace eksim::reach {

// More distinct subject-side constraints than this in one policy would need
// 2^n variants; the rules beyond it are compiled to match nothing (warned).
inline constexpr std::size_t kMaxSubjectConstraints = 4;

// Adds every Calico tier and policy of `set` to `program` (which
// compile_policies(set) has started with the Kubernetes kinds). Returns what
// is not modelled, in manifest order.
std::vector<PolicyWarning> add_calico_policies(const k8s::ManifestSet& set, PolicyProgram& program);

// The labels Calico's selectors see on a pod's workload endpoint.
k8s::Labels calico_endpoint_labels(const k8s::Labels& pod_labels, const std::string& namespace_name,
                                   const k8s::Labels& namespace_labels, const std::string& service_account,
                                   const k8s::Labels& service_account_labels);

}  // namespace eksim::reach
