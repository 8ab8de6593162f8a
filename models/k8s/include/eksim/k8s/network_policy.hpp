// networking.k8s.io/v1 NetworkPolicy, kept close to the manifest so that the
// distinctions that change what is allowed survive import
// (../shared/reference/policy-semantics.md):
//   - policyTypes as written, and the defaulted set (item 3);
//   - a rule's `from`/`to` missing versus empty versus listed (item 5);
//   - one peer holding both selectors (AND) versus two peers (OR) (item 6);
//   - ports by number, range or name, protocol defaulted to TCP (items 9, 10);
//   - ipBlock with its `except` list (item 12).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/ip_cidr.hpp"
#include "eksim/k8s/label_selector.hpp"
#include "eksim/k8s/protocol.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

enum class PolicyType : std::uint8_t { Ingress, Egress };
std::string_view to_string(PolicyType type);

// How a list field was written. For `from`, `to` and `ports` Kubernetes gives
// Missing and Empty the same meaning (no restriction); for `ingress` and
// `egress`, both mean "no rules" (nothing allowed in an isolated direction).
// The loader keeps the difference so reports can show the manifest as written.
enum class ListPresence : std::uint8_t { Missing, Empty, Items };

struct IpBlock {
  IpCidr cidr;
  std::vector<IpCidr> except;  // each strictly inside cidr
};

// Which pods or addresses a peer stands for.
enum class PeerScope : std::uint8_t {
  // podSelector only: matching pods of the policy's own namespace.
  PodsInPolicyNamespace,
  // namespaceSelector only: every pod of the matching namespaces (`{}`: of all
  // namespaces, but no external addresses).
  AllPodsInNamespaces,
  // Both selectors in one peer: matching pods in matching namespaces (an AND).
  PodsInNamespaces,
  // ipBlock: addresses in cidr but not in except.
  IpBlock,
};

struct NetworkPolicyPeer {
  std::optional<LabelSelector> pod_selector;
  std::optional<LabelSelector> namespace_selector;
  std::optional<IpBlock> ip_block;
  scenario::SourceLocation where;

  [[nodiscard]] PeerScope scope() const;
};

struct NetworkPolicyPort {
  Protocol protocol = Protocol::Tcp;
  // Unset: every port of `protocol`.
  std::optional<PortRef> port;
  // Inclusive upper end of a range starting at a numeric `port`; >= port.
  std::optional<std::uint16_t> end_port;
};

// An ingress rule (peers are `from`) or an egress rule (peers are `to`).
struct NetworkPolicyRule {
  ListPresence peers_presence = ListPresence::Missing;
  std::vector<NetworkPolicyPeer> peers;  // OR of the peers
  ListPresence ports_presence = ListPresence::Missing;
  std::vector<NetworkPolicyPort> ports;  // OR of the ports
  scenario::SourceLocation where;

  // Missing or empty `from`/`to`: every source or destination, external
  // addresses included (item 5).
  [[nodiscard]] bool allows_all_peers() const { return peers.empty(); }
  // Missing or empty `ports`: every protocol and port (item 9).
  [[nodiscard]] bool allows_all_ports() const { return ports.empty(); }
};

struct NetworkPolicy {
  std::string id;  // "namespace/name"
  std::string namespace_name;
  std::uint32_t namespace_index = 0;
  std::string name;

  LabelSelector pod_selector;  // `{}` selects every pod of the namespace
  // spec.policyTypes as written, in order; empty when omitted (or `[]`, which
  // the API server treats the same).
  std::vector<PolicyType> policy_types_written;
  // True when policyTypes were omitted and the rule of item 3 filled them in:
  // Ingress always, Egress only when the policy has at least one egress rule.
  bool policy_types_defaulted = false;
  // The directions this policy isolates the selected pods in, after defaulting.
  bool isolates_ingress = false;
  bool isolates_egress = false;

  ListPresence ingress_presence = ListPresence::Missing;
  std::vector<NetworkPolicyRule> ingress;
  ListPresence egress_presence = ListPresence::Missing;
  std::vector<NetworkPolicyRule> egress;
  scenario::SourceLocation where;
};

}  // namespace eksim::k8s
