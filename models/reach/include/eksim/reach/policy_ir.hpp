// The tiered intermediate form every policy kind compiles into.
//
// Kubernetes NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy
// and Calico's tiered policies differ in syntax but share one evaluation
// model, Calico's: tiers in order; within a tier, the policies that select
// the endpoint in a direction, in order, and their rules in order; the first
// rule whose peer and port match decides (Allow, Deny), hands over to the
// next tier (Pass) or only logs (Log, evaluation goes on). A tier whose
// policies selected the endpoint but matched nothing ends in its end-of-tier
// action (Deny for a Calico tier, which is exactly NetworkPolicy isolation;
// Pass for a tier whose defaultAction is Pass). The admin tier (ANP) and the
// baseline tier (BANP) have no end-of-tier action: no match goes on, and
// after the last tier what is still undecided is allowed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/label_selector.hpp"
#include "eksim/k8s/labels.hpp"
#include "eksim/k8s/protocol.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::reach {

enum class Direction : std::uint8_t { Ingress, Egress };
std::string_view to_string(Direction direction);  // "ingress", "egress"

enum class RuleAction : std::uint8_t { Allow, Deny, Pass, Log };
std::string_view to_string(RuleAction action);

enum class PolicyKind : std::uint8_t {
  AdminNetworkPolicy,
  NetworkPolicy,
  BaselineAdminNetworkPolicy,
  CalicoNetworkPolicy,
  CalicoGlobalNetworkPolicy,
};
std::string_view to_string(PolicyKind kind);  // "NetworkPolicy", ...

enum class TierKind : std::uint8_t {
  Admin,     // no match: next tier
  Calico,    // no match on a selected endpoint: the tier's end-of-tier action
  Baseline,  // no match: next tier, and after the last one, allowed
};

// What a predicate over pods may look at.
struct EndpointFacts {
  std::uint32_t namespace_index = 0;
  const k8s::Labels* namespace_labels = nullptr;
  const k8s::Labels* pod_labels = nullptr;
  std::string_view service_account;
};

// A Calico selector expression or any other rule over a pod's facts. `key`
// identifies it for caching: two matchers with one key must agree.
struct CustomMatcher {
  std::string key;
  std::function<bool(const EndpointFacts&)> matches;
};

// A set of pods: every present part must hold (an AND). Covers NetworkPolicy's
// three peer scopes (pod selector in the policy's namespace; namespace
// selector; both), ANP subjects and peers, and Calico selectors (custom).
struct PodPredicate {
  std::optional<std::uint32_t> namespace_index;  // only pods of this namespace
  std::optional<k8s::LabelSelector> namespace_selector;
  std::optional<k8s::LabelSelector> pod_selector;
  std::optional<CustomMatcher> custom;

  [[nodiscard]] bool matches(const EndpointFacts& facts) const;
  // Equal keys mean equal predicates; the engine caches matches by key.
  [[nodiscard]] std::string key() const;
};

// A CIDR minus its except blocks (NetworkPolicy ipBlock, ANP networks, Calico nets).
struct AddressBlock {
  net::Cidr cidr;
  std::vector<net::Cidr> except;
  [[nodiscard]] bool contains(net::Ipv4Address address) const;
  // Where being inside can change: the first address of the cidr and of each
  // except, and the one after the last (2^32 past the end of the space).
  void add_cut_points(std::vector<std::uint64_t>& cuts) const;
  // "10.0.0.0/8-10.1.0.0/16": equal keys, equal blocks (excepts sorted).
  [[nodiscard]] std::string key() const;
};

// Which endpoints a rule's peer stands for: the conjunction of every
// constraint present, as a Calico rule's selector, notSelector, nets and
// notNets combine; no constraint at all matches every pod and address.
// NetworkPolicy and ANP peers use `pods` alone or `blocks` alone.
struct Peer {
  std::optional<PodPredicate> pods;      // a pod matching it (never an external address)
  std::optional<PodPredicate> not_pods;  // not a pod matching it (external addresses pass)
  std::optional<std::vector<AddressBlock>> blocks;      // an address inside one of them
  std::optional<std::vector<AddressBlock>> not_blocks;  // an address inside none of them
  bool nothing = false;  // matches no endpoint (an IPv6-only block in an IPv4 cluster, an ANP nodes peer)
  std::string note;      // why nothing, for explanations

  static Peer of_pods(PodPredicate p) {
    Peer peer;
    peer.pods = std::move(p);
    return peer;
  }
  static Peer of_blocks(std::vector<AddressBlock> b) {
    Peer peer;
    peer.blocks = std::move(b);
    return peer;
  }
  [[nodiscard]] std::string key() const;
};

// One entry of a rule's ports: a range of one protocol, or a container port
// name resolved against the destination pod (for ANP's namedPort, of any protocol).
struct PortMatch {
  enum class Kind : std::uint8_t { Range, Named };
  Kind kind = Kind::Range;
  k8s::Protocol protocol = k8s::Protocol::Tcp;
  bool any_protocol = false;  // Named only
  std::uint16_t first = 1;
  std::uint16_t last = 65535;
  std::string name;
};

// Where a compiled rule came from, for explanations.
struct RuleOrigin {
  PolicyKind kind = PolicyKind::NetworkPolicy;
  std::string policy;  // "y/allow-from-x" for namespaced kinds, the name otherwise
  std::string tier;
  std::optional<std::int32_t> priority;  // ANP
  Direction direction = Direction::Ingress;
  std::uint32_t rule_index = 0;  // 0-based position in its policy's list for the direction
  std::string rule_name;         // ANP/BANP rule name, when written
  scenario::SourceLocation where;
  std::optional<double> order;  // Calico policies with an order (last: aggregate initializers stay valid)

  // "NetworkPolicy y/allow-from-x" / "AdminNetworkPolicy deny-z (priority 10)" /
  // "Calico tier security, GlobalNetworkPolicy security.block-z (order 10)".
  [[nodiscard]] std::string policy_label() const;
  // "ingress rule 1" (1-based) or "egress rule 'deny-to-z'".
  [[nodiscard]] std::string rule_label() const;
  // policy_label() + ", " + rule_label().
  [[nodiscard]] std::string describe() const;
};

struct CompiledRule {
  RuleAction action = RuleAction::Allow;
  bool all_peers = false;   // NetworkPolicy `from`/`to` missing or empty: every pod and address
  std::vector<Peer> peers;  // OR
  bool all_ports = true;    // no `ports`: every protocol and port
  std::vector<PortMatch> ports;      // OR
  std::vector<PortMatch> not_ports;  // taken out of the ports above (Calico notPorts)
  RuleOrigin origin;
};

struct CompiledPolicy {
  PolicyKind kind = PolicyKind::NetworkPolicy;
  std::string name;                 // as RuleOrigin::policy
  std::uint32_t tier = 0;           // index into PolicyProgram::tiers
  double order = 0;                 // within its tier, lower first (ANP priority, Calico order)
  // Ties of `order` are broken by this, then by index; empty: by `name`.
  // Calico breaks ties by policy name, then namespace, which "ns/name" ids do not sort as.
  std::string sort_name;
  std::optional<std::uint32_t> namespace_index;  // namespaced kinds
  PodPredicate subject;
  bool selects_ingress = false;  // takes part in ingress decisions of its subjects
  bool selects_egress = false;
  std::vector<CompiledRule> ingress;
  std::vector<CompiledRule> egress;
  scenario::SourceLocation where;

  [[nodiscard]] const std::vector<CompiledRule>& rules(Direction d) const {
    return d == Direction::Ingress ? ingress : egress;
  }
  [[nodiscard]] bool selects(Direction d) const { return d == Direction::Ingress ? selects_ingress : selects_egress; }
};

struct Tier {
  std::string name;
  TierKind kind = TierKind::Calico;
  double order = 0;
  // Calico tiers: what a selected endpoint gets when no rule decided (Deny, or Pass).
  RuleAction end_of_tier = RuleAction::Deny;
};

// Tiers in evaluation order and every policy version ever added. A policy
// that is changed or removed is marked `retired` rather than erased, so the
// indices held by the engine's behaviour groups keep their meaning.
class PolicyProgram {
 public:
  static constexpr std::string_view kAdminTier = "adminnetworkpolicy";
  static constexpr std::string_view kDefaultTier = "default";
  static constexpr std::string_view kBaselineTier = "baselineadminnetworkpolicy";

  // The admin tier, the Calico "default" tier (holding NetworkPolicies, order
  // +infinity as in Calico) and the baseline tier.
  PolicyProgram();

  // A Calico tier, placed by order among the Calico tiers (before "default").
  std::uint32_t add_tier(Tier tier);
  // Sets a Calico tier's order and end-of-tier action (the "default" tier
  // when a Tier manifest declares it) and ranks the tiers again.
  void configure_tier(std::uint32_t tier, double order, RuleAction end_of_tier);
  [[nodiscard]] std::optional<std::uint32_t> find_tier(std::string_view name) const;
  // Returns the policy's index. `policy.tier` must be a tier of this program.
  std::uint32_t add_policy(CompiledPolicy policy);
  void retire(std::uint32_t policy) { retired_[policy] = true; }

  [[nodiscard]] const std::vector<Tier>& tiers() const { return tiers_; }
  // Tier indices in evaluation order.
  [[nodiscard]] const std::vector<std::uint32_t>& tier_order() const { return tier_order_; }
  [[nodiscard]] std::uint32_t tier_rank(std::uint32_t tier) const { return tier_rank_[tier]; }
  [[nodiscard]] const std::vector<CompiledPolicy>& policies() const { return policies_; }
  [[nodiscard]] bool retired(std::uint32_t policy) const { return retired_[policy]; }
  [[nodiscard]] std::uint32_t admin_tier() const { return 0; }
  [[nodiscard]] std::uint32_t default_tier() const { return 1; }
  [[nodiscard]] std::uint32_t baseline_tier() const { return 2; }
  // Evaluation precedence: tier rank, then order, then name.
  [[nodiscard]] bool precedes(std::uint32_t a, std::uint32_t b) const;

 private:
  void rank_tiers();
  std::vector<Tier> tiers_;
  std::vector<std::uint32_t> tier_order_;
  std::vector<std::uint32_t> tier_rank_;
  std::vector<CompiledPolicy> policies_;
  std::vector<bool> retired_;
};

}  // namespace eksim::reach
