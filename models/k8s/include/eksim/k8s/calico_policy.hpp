// Calico policy (projectcalico.org/v3, also read at crd.projectcalico.org/v1):
// Tier, NetworkPolicy and GlobalNetworkPolicy, kept as written plus Calico's
// defaults, so a policy engine can evaluate them the way Felix does. What each
// field means when evaluated (Calico docs: "Get started with policy tiers",
// "Network policy", "Global network policy", "Selectors"):
//
// Evaluation order. For one endpoint and direction, tiers are visited in
// ascending `order` (absent: after every ordered tier; ties by name). A tier
// is only visited when at least one of its policies selects the endpoint and
// applies to the direction (`applies_to_ingress` / `applies_to_egress`).
// Within a tier, policies run in ascending `order` (absent: after every
// ordered policy; ties by name), and within a policy the rules run in written
// order. The first rule that matches decides:
//   Allow - accepted, evaluation stops (the reply direction is allowed too:
//           Calico is stateful);
//   Deny  - dropped, evaluation stops;
//   Pass  - skip the rest of this tier, go to the next tier that applies;
//   Log   - record and continue with the next rule.
// When no rule of any selecting policy in a tier matches, the tier's
// `default_action` applies: Deny (the documented default, "end-of-tier
// deny") or Pass. An endpoint selected by no policy in any tier falls through
// to its profile, which for Kubernetes pods allows everything.
// Kubernetes NetworkPolicies live in the "default" tier (order 1,000,000) as
// policies of order 1000; AdminNetworkPolicy and BaselineAdminNetworkPolicy
// sit in tiers of their own before and after it.
//
// Endpoint labels. Selectors match a pod's labels plus the labels Calico adds
// to its workload endpoint:
//   projectcalico.org/namespace=<namespace>
//   projectcalico.org/orchestrator=k8s
//   projectcalico.org/serviceaccount=<service account name>
//   pcns.<key>=<value>  for every label of the pod's namespace (so a
//                       top-level selector can say pcns.env == 'prod')
//   pcsa.<key>=<value>  for every label of the pod's service account.
// A namespaceSelector is written over the namespace's own labels (no prefix);
// the namespace's name is also its label projectcalico.org/name. A
// serviceAccounts selector is written over the service account's labels, its
// name also being projectcalico.org/name.
//
// Scope. A NetworkPolicy's `selector` only ever selects endpoints of the
// policy's namespace. A GlobalNetworkPolicy's selects endpoints in every
// namespace (and host endpoints), further restricted by its
// `namespace_selector` when set. In an EntityRule (source / destination):
//   - when any of selector, notSelector, serviceAccounts or namespaceSelector
//     is set, the entity is limited to endpoints of the namespaces matched by
//     namespaceSelector, or, when that is unset in a NetworkPolicy, to the
//     policy's own namespace (in a GlobalNetworkPolicy: no namespace limit,
//     so host endpoints and global network sets match too).
//     namespaceSelector all() means every namespace; global() means no
//     namespace: only non-namespaced endpoints and global network sets;
//   - nets / notNets match packet addresses, pod IPs included: a rule with
//     only `nets` matches pods and external hosts alike, in any namespace;
//   - every field set must match (AND); an empty EntityRule matches anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/calico_selector.hpp"
#include "eksim/k8s/ip_cidr.hpp"
#include "eksim/k8s/labels.hpp"
#include "eksim/k8s/network_policy.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

// The tier every policy without spec.tier belongs to. It exists even when no
// Tier manifest declares it, as Calico creates it itself.
inline constexpr std::string_view kCalicoDefaultTier = "default";
inline constexpr double kCalicoDefaultTierOrder = 1000000.0;

enum class CalicoAction : std::uint8_t { Allow, Deny, Log, Pass };
// "Allow", "Deny", "Log", "Pass".
std::string_view to_string(CalicoAction action);

struct CalicoTier {
  std::string name;
  // Unset: after every tier with an order. The default tier's is 1,000,000.
  std::optional<double> order;
  // What happens to traffic of an endpoint some policy of this tier selects
  // when no rule in the tier matched it: Deny or Pass.
  CalicoAction default_action = CalicoAction::Deny;
  // False for the implicit default tier when no Tier manifest names it.
  bool declared = false;
  scenario::SourceLocation where;
};

// An IP protocol as a rule names it: TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or
// a number 1-255.
struct CalicoProtocol {
  std::uint8_t number = 6;  // the IANA number: TCP 6, UDP 17, ICMP 1, ICMPv6 58, SCTP 132, UDPLite 136
  std::string text;         // as written ("TCP", "17")

  // Ports only mean something for TCP, UDP and SCTP; Calico rejects them otherwise.
  [[nodiscard]] bool supports_ports() const { return number == 6 || number == 17 || number == 132; }
};

// One item of `ports` / `notPorts`: a number, an inclusive range "a:b", or
// the name of a container port (resolved on the endpoint it applies to: the
// destination pod in `destination`, the source pod in `source`).
struct CalicoPort {
  std::uint16_t first = 0;
  std::uint16_t last = 0;  // == first for a single port
  std::string name;        // set for a named port; first and last are then 0

  [[nodiscard]] bool is_named() const { return !name.empty(); }
};

// spec.ingress[].source.serviceAccounts / ...destination.serviceAccounts:
// pods running as one of `names` (when any) whose service account also
// matches `selector` (when set).
struct CalicoServiceAccountMatch {
  std::vector<std::string> names;
  std::optional<CalicoSelector> selector;
};

// `services`: the endpoints backing a Kubernetes Service (and in a
// destination, only their service ports). Allowed in ingress sources and
// egress destinations only, never with selectors, nets or service accounts.
struct CalicoServiceMatch {
  std::string name;
  std::string namespace_name;  // "" means the policy's own namespace (required in a GlobalNetworkPolicy)
};

// The source or the destination of a rule; everything set must match.
struct CalicoEntityRule {
  std::vector<IpCidr> nets;      // any of these blocks (plain IPs read as /32 or /128)
  std::vector<IpCidr> not_nets;  // none of these
  std::optional<CalicoSelector> selector;
  std::optional<CalicoSelector> not_selector;  // matched against any endpoint, not namespace-limited
  std::optional<CalicoSelector> namespace_selector;
  std::vector<CalicoPort> ports;      // any of these (needs protocol TCP, UDP or SCTP)
  std::vector<CalicoPort> not_ports;  // none of these
  std::optional<CalicoServiceAccountMatch> service_accounts;
  std::optional<CalicoServiceMatch> services;
  scenario::SourceLocation where;  // the mapping; the rule's place when not written

  // True when the entity restricts nothing (unset or `{}`).
  [[nodiscard]] bool matches_anything() const;
  // True when the entity is limited to endpoints (and so to namespaces, see
  // the header comment): a selector, notSelector, serviceAccounts or
  // namespaceSelector is set.
  [[nodiscard]] bool restricts_endpoints() const;
};

// icmp / notICMP: a type (0-254) and optionally a code (0-255, needs a type).
struct CalicoIcmpMatch {
  std::optional<std::uint8_t> type;
  std::optional<std::uint8_t> code;
};

// Application-layer match (HTTP methods and paths). Needs Calico's
// application layer policy (Envoy); kept for reports, not simulated.
struct CalicoHttpPath {
  bool prefix = false;  // false: `exact`
  std::string path;
};
struct CalicoHttpMatch {
  std::vector<std::string> methods;
  std::vector<CalicoHttpPath> paths;
};

struct CalicoRule {
  CalicoAction action = CalicoAction::Allow;
  std::optional<std::uint8_t> ip_version;  // 4 or 6: only packets of that version match
  std::optional<CalicoProtocol> protocol;
  std::optional<CalicoProtocol> not_protocol;
  std::optional<CalicoIcmpMatch> icmp;
  std::optional<CalicoIcmpMatch> not_icmp;
  CalicoEntityRule source;
  CalicoEntityRule destination;
  std::optional<CalicoHttpMatch> http;
  Labels annotations;  // metadata.annotations, for reports
  // Place in the policy, for explanations ("ingress rule 2"): 0-based index
  // in `ingress` or `egress`.
  std::size_t index = 0;
  scenario::SourceLocation where;
};

struct CalicoPolicy {
  // A GlobalNetworkPolicy (cluster-scoped) or a namespaced NetworkPolicy.
  bool global = false;
  std::string id;  // "namespace/name", or "name" for a global policy
  std::string name;
  std::string namespace_name;         // "" for a global policy
  std::uint32_t namespace_index = 0;  // into ManifestSet::namespaces; unused when global

  std::string tier = std::string(kCalicoDefaultTier);
  std::uint32_t tier_index = 0;  // into ManifestSet::calico_tiers
  // Unset: after every policy of the tier with an order (ties by name).
  std::optional<double> order;

  // Which endpoints the policy applies to (see Scope above); `all()` when omitted.
  CalicoSelector selector;
  // Further limits the selected pods to those whose service account matches (pcsa. labels).
  std::optional<CalicoSelector> service_account_selector;
  // GlobalNetworkPolicy only: limits selected endpoints to matching namespaces.
  std::optional<CalicoSelector> namespace_selector;

  // spec.types as written; empty when omitted.
  std::vector<PolicyType> types_written;
  // True when types were omitted and Calico's default applied: Ingress when
  // there are ingress rules or no egress rules, Egress when there are egress
  // rules (so, unlike Kubernetes, an egress-only policy does not touch ingress).
  bool types_defaulted = false;
  bool applies_to_ingress = false;
  bool applies_to_egress = false;

  std::vector<CalicoRule> ingress;  // in written order
  std::vector<CalicoRule> egress;

  // GlobalNetworkPolicy host-endpoint options, kept as written: they concern
  // host endpoints, which the simulator does not model.
  bool do_not_track = false;
  bool pre_dnat = false;
  bool apply_on_forward = false;

  scenario::SourceLocation where;

  // "GlobalNetworkPolicy" or "NetworkPolicy".
  [[nodiscard]] std::string_view kind() const { return global ? "GlobalNetworkPolicy" : "NetworkPolicy"; }
};

// Calico's sort within one tier (and of tiers): present orders ascending,
// then absent ones; ties by name, then (for policies) namespace.
bool calico_policy_before(const CalicoPolicy& a, const CalicoPolicy& b);
bool calico_tier_before(const CalicoTier& a, const CalicoTier& b);

}  // namespace eksim::k8s
