#include "eksim/reach/policy_ir.hpp"

#include <algorithm>
#include <limits>

namespace eksim::reach {

std::string_view to_string(Direction direction) { return direction == Direction::Ingress ? "ingress" : "egress"; }

std::string_view to_string(RuleAction action) {
  switch (action) {
    case RuleAction::Allow: return "Allow";
    case RuleAction::Deny: return "Deny";
    case RuleAction::Pass: return "Pass";
    case RuleAction::Log: return "Log";
  }
  return "?";
}

std::string_view to_string(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::AdminNetworkPolicy: return "AdminNetworkPolicy";
    case PolicyKind::NetworkPolicy: return "NetworkPolicy";
    case PolicyKind::BaselineAdminNetworkPolicy: return "BaselineAdminNetworkPolicy";
    case PolicyKind::CalicoNetworkPolicy: return "Calico NetworkPolicy";
    case PolicyKind::CalicoGlobalNetworkPolicy: return "Calico GlobalNetworkPolicy";
  }
  return "?";
}

bool PodPredicate::matches(const EndpointFacts& facts) const {
  if (namespace_index && *namespace_index != facts.namespace_index) return false;
  if (namespace_selector && !namespace_selector->matches(*facts.namespace_labels)) return false;
  if (pod_selector && !pod_selector->matches(*facts.pod_labels)) return false;
  if (custom && !custom->matches(facts)) return false;
  return true;
}

std::string PodPredicate::key() const {
  std::string k;
  if (namespace_index) k += "n=" + std::to_string(*namespace_index) + ';';
  // Selectors are written with a marker so that "absent" and "{}" differ.
  if (namespace_selector) k += "ns{" + namespace_selector->to_string() + "};";
  if (pod_selector) k += "ps{" + pod_selector->to_string() + "};";
  if (custom) k += "c{" + custom->key + "};";
  return k;
}

bool AddressBlock::contains(net::Ipv4Address address) const {
  if (!cidr.contains(address)) return false;
  return std::none_of(except.begin(), except.end(), [&](const net::Cidr& e) { return e.contains(address); });
}

void AddressBlock::add_cut_points(std::vector<std::uint64_t>& cuts) const {
  auto cut_at = [&](const net::Cidr& c) {
    cuts.push_back(c.first().value());
    cuts.push_back(std::uint64_t{c.last().value()} + 1);
  };
  cut_at(cidr);
  for (const net::Cidr& e : except) cut_at(e);
}

std::string AddressBlock::key() const {
  std::string k = cidr.to_string();
  for (const net::Cidr& e : except) k += '-' + e.to_string();
  return k;
}

std::string Peer::key() const {
  if (nothing) return "none";
  std::string k;
  if (pods) k += "P{" + pods->key() + "}";
  if (not_pods) k += "!P{" + not_pods->key() + "}";
  auto add_blocks = [&](const char* tag, const std::vector<AddressBlock>& blocks) {
    k += tag;
    for (const AddressBlock& b : blocks) k += b.key() + ';';
    k += '}';
  };
  if (blocks) add_blocks("A{", *blocks);
  if (not_blocks) add_blocks("!A{", *not_blocks);
  return k;
}

namespace {

// Calico orders are floats; most are written as integers and read best so.
std::string order_text(double order) {
  if (order == static_cast<double>(static_cast<long long>(order))) return std::to_string(static_cast<long long>(order));
  std::string s = std::to_string(order);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

}  // namespace

std::string RuleOrigin::policy_label() const {
  if (kind == PolicyKind::CalicoNetworkPolicy || kind == PolicyKind::CalicoGlobalNetworkPolicy) {
    // Calico's own kind names, with the tier first: that is what a reader
    // looks for in calicoctl output.
    const char* kind_name = kind == PolicyKind::CalicoGlobalNetworkPolicy ? "GlobalNetworkPolicy " : "NetworkPolicy ";
    std::string s = "Calico tier " + tier + ", " + kind_name + policy;
    if (order) s += " (order " + order_text(*order) + ')';
    return s;
  }
  std::string s = std::string(to_string(kind)) + ' ' + policy;
  if (priority) s += " (priority " + std::to_string(*priority) + ')';
  return s;
}

std::string RuleOrigin::rule_label() const {
  std::string s = std::string(to_string(direction)) + " rule ";
  if (!rule_name.empty()) return s + '\'' + rule_name + '\'';
  return s + std::to_string(rule_index + 1);
}

std::string RuleOrigin::describe() const { return policy_label() + ", " + rule_label(); }

PolicyProgram::PolicyProgram() {
  tiers_.push_back(Tier{std::string(kAdminTier), TierKind::Admin, -std::numeric_limits<double>::infinity(),
                        RuleAction::Pass});
  tiers_.push_back(Tier{std::string(kDefaultTier), TierKind::Calico, std::numeric_limits<double>::infinity(),
                        RuleAction::Deny});
  tiers_.push_back(Tier{std::string(kBaselineTier), TierKind::Baseline, std::numeric_limits<double>::infinity(),
                        RuleAction::Pass});
  rank_tiers();
}

void PolicyProgram::rank_tiers() {
  tier_order_.clear();
  tier_order_.push_back(admin_tier());
  std::vector<std::uint32_t> calico;
  for (std::uint32_t t = 0; t < tiers_.size(); ++t) {
    if (tiers_[t].kind == TierKind::Calico) calico.push_back(t);
  }
  // Calico: lower order first, ties by name; "default" (order +inf) last.
  std::stable_sort(calico.begin(), calico.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (tiers_[a].order != tiers_[b].order) return tiers_[a].order < tiers_[b].order;
    return tiers_[a].name < tiers_[b].name;
  });
  tier_order_.insert(tier_order_.end(), calico.begin(), calico.end());
  tier_order_.push_back(baseline_tier());
  tier_rank_.assign(tiers_.size(), 0);
  for (std::uint32_t r = 0; r < tier_order_.size(); ++r) tier_rank_[tier_order_[r]] = r;
}

std::uint32_t PolicyProgram::add_tier(Tier tier) {
  tier.kind = TierKind::Calico;
  tiers_.push_back(std::move(tier));
  rank_tiers();
  return static_cast<std::uint32_t>(tiers_.size() - 1);
}

void PolicyProgram::configure_tier(std::uint32_t tier, double order, RuleAction end_of_tier) {
  tiers_.at(tier).order = order;
  tiers_[tier].end_of_tier = end_of_tier;
  rank_tiers();
}

std::optional<std::uint32_t> PolicyProgram::find_tier(std::string_view name) const {
  for (std::uint32_t t = 0; t < tiers_.size(); ++t) {
    if (tiers_[t].name == name) return t;
  }
  return std::nullopt;
}

std::uint32_t PolicyProgram::add_policy(CompiledPolicy policy) {
  policies_.push_back(std::move(policy));
  retired_.push_back(false);
  return static_cast<std::uint32_t>(policies_.size() - 1);
}

bool PolicyProgram::precedes(std::uint32_t a, std::uint32_t b) const {
  const CompiledPolicy& pa = policies_[a];
  const CompiledPolicy& pb = policies_[b];
  if (pa.tier != pb.tier) return tier_rank_[pa.tier] < tier_rank_[pb.tier];
  if (pa.order != pb.order) return pa.order < pb.order;
  const std::string& na = pa.sort_name.empty() ? pa.name : pa.sort_name;
  const std::string& nb = pb.sort_name.empty() ? pb.name : pb.sort_name;
  if (na != nb) return na < nb;
  return a < b;
}

}  // namespace eksim::reach
