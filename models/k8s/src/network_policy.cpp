#include "eksim/k8s/network_policy.hpp"

namespace eksim::k8s {

std::string_view to_string(PolicyType type) { return type == PolicyType::Egress ? "Egress" : "Ingress"; }

PeerScope NetworkPolicyPeer::scope() const {
  if (ip_block) return PeerScope::IpBlock;
  if (pod_selector && namespace_selector) return PeerScope::PodsInNamespaces;
  if (namespace_selector) return PeerScope::AllPodsInNamespaces;
  return PeerScope::PodsInPolicyNamespace;
}

}  // namespace eksim::k8s
