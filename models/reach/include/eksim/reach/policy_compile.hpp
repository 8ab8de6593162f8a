// Kubernetes policies into the tiered form (policy_ir.hpp).
//
// NetworkPolicy goes into the "default" tier as allow rules, selecting its
// pods only in the directions it isolates (policy-semantics.md items 1-3), so
// that the tier's end-of-tier deny is NetworkPolicy isolation. ANPs go into
// the admin tier ordered by priority, the BANP into the baseline tier.
#pragma once

#include "eksim/k8s/admin_network_policy.hpp"
#include "eksim/k8s/manifest_set.hpp"
#include "eksim/k8s/network_policy.hpp"
#include "eksim/reach/policy_ir.hpp"

namespace eksim::reach {

CompiledPolicy compile_network_policy(const k8s::NetworkPolicy& policy, const PolicyProgram& program);
CompiledPolicy compile_admin_network_policy(const k8s::AdminNetworkPolicy& policy, const PolicyProgram& program);
CompiledPolicy compile_baseline_admin_network_policy(const k8s::BaselineAdminNetworkPolicy& policy,
                                                     const PolicyProgram& program);

// Every NetworkPolicy, ANP and the BANP of `set`, and every Calico tier and
// policy (calico_compile.hpp), so that every PolicyEngine sees them.
PolicyProgram compile_policies(const k8s::ManifestSet& set);

}  // namespace eksim::reach
