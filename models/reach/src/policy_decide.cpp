// One connection, decided the way the matrix decides it (same peer sets,
// same tier order), but for a single protocol and port, keeping the rule
// that decided so the verdict can name it.
#include <algorithm>
#include <cmath>

#include "eksim/reach/policy_engine.hpp"

namespace eksim::reach {
namespace {

std::string port_text(k8s::Protocol protocol, std::uint16_t port) {
  return std::string(k8s::to_string(protocol)) + ' ' + std::to_string(port);
}

Reason deny_reason(PolicyKind kind, Direction d, bool end_of_tier) {
  switch (kind) {
    case PolicyKind::AdminNetworkPolicy: return Reason::ANP_DENY;
    case PolicyKind::BaselineAdminNetworkPolicy: return Reason::BANP_DENY;
    case PolicyKind::NetworkPolicy:
      return d == Direction::Ingress ? Reason::NETPOL_INGRESS_DENY : Reason::NETPOL_EGRESS_DENY;
    case PolicyKind::CalicoNetworkPolicy:
    case PolicyKind::CalicoGlobalNetworkPolicy: break;
  }
  return end_of_tier ? Reason::CALICO_END_OF_TIER_DENY : Reason::CALICO_DENY;
}

bool is_calico(PolicyKind kind) {
  return kind == PolicyKind::CalicoNetworkPolicy || kind == PolicyKind::CalicoGlobalNetworkPolicy;
}

// "GlobalNetworkPolicy security.block-z", "NetworkPolicy x/allow-a": Calico's
// kind names, as in a Calico tier; a Kubernetes NetworkPolicy beside them in
// the default tier is "Kubernetes NetworkPolicy x/allow-b", to tell the two apart.
std::string policy_text(const CompiledPolicy& p) {
  if (p.kind == PolicyKind::CalicoGlobalNetworkPolicy) return "GlobalNetworkPolicy " + p.name;
  if (p.kind == PolicyKind::CalicoNetworkPolicy) return "NetworkPolicy " + p.name;
  if (p.kind == PolicyKind::NetworkPolicy) return "Kubernetes NetworkPolicy " + p.name;
  return std::string(to_string(p.kind)) + ' ' + p.name;
}

}  // namespace

PolicyEngine::Decision PolicyEngine::evaluate_one(Direction d, std::uint32_t subject, std::uint32_t other,
                                                  std::uint32_t dst_ports, k8s::Protocol protocol,
                                                  std::uint16_t port) const {
  Decision out;
  const auto& policies = selecting_[static_cast<int>(d)][subject];
  if (policies.empty()) return out;  // not selected: allowed
  for (std::size_t i = 0; i < policies.size();) {
    const std::uint32_t tier = program_.policies()[policies[i]].tier;
    bool passed = false;
    std::size_t j = i;
    for (; j < policies.size() && program_.policies()[policies[j]].tier == tier; ++j) {
      if (passed) continue;
      const CompiledPolicy& p = program_.policies()[policies[j]];
      const auto& rules = p.rules(d);
      const auto& extra = d == Direction::Ingress ? policy_extra_[policies[j]].ingress : policy_extra_[policies[j]].egress;
      for (std::size_t r = 0; r < rules.size() && !passed; ++r) {
        if (rules[r].action == RuleAction::Log || !rule_matches_peer(rules[r], extra[r], other)) continue;
        if (!rule_ports(rules[r], extra[r], dst_ports).contains(protocol, port)) continue;
        if (rules[r].action == RuleAction::Pass) {
          passed = true;
          out.passes.push_back(&rules[r].origin);
          continue;
        }
        out.allowed = rules[r].action == RuleAction::Allow;
        out.how = Decision::How::Rule;
        out.origin = &rules[r].origin;
        out.tier = tier;
        return out;
      }
    }
    const Tier& t = program_.tiers()[tier];
    if (!passed && t.kind == TierKind::Calico && t.end_of_tier == RuleAction::Deny) {
      out.allowed = false;
      out.how = Decision::How::EndOfTier;
      out.tier = tier;
      out.selecting.assign(policies.begin() + static_cast<std::ptrdiff_t>(i),
                           policies.begin() + static_cast<std::ptrdiff_t>(j));
      return out;
    }
    i = j;
  }
  out.how = Decision::How::AfterLastTier;
  return out;
}

Verdict PolicyEngine::decide(Endpoint source, Endpoint destination, k8s::Protocol protocol,
                             std::uint16_t port) const {
  // An address that is a pod's is that pod.
  for (Endpoint* e : {&source, &destination}) {
    if (e->kind != Endpoint::Kind::Address) continue;
    auto it = pod_by_address_.find(e->address.value());
    if (it != pod_by_address_.end()) *e = Endpoint::of_pod(it->second);
  }
  auto name_of = [&](const Endpoint& e) {
    return e.kind == Endpoint::Kind::Pod ? pods_.pods[e.pod].name : e.address.to_string();
  };
  auto class_of = [&](const Endpoint& e) {
    return e.kind == Endpoint::Kind::Pod ? pod_class_[e.pod] : class_of_address(e.address);
  };
  const std::string src_name = name_of(source);
  const std::string dst_name = name_of(destination);
  const std::uint32_t src = class_of(source);
  const std::uint32_t dst = class_of(destination);
  const std::string what = port_text(protocol, port);

  Verdict v;
  v.path.push_back(Hop{source.kind == Endpoint::Kind::Pod ? "pod" : "external", src_name, "source"});

  // Explains one direction; returns false when it blocks.
  auto judge = [&](Direction d, const std::string& at, std::uint32_t subject, std::uint32_t other,
                   const std::string& other_name) {
    const Decision dec = evaluate_one(d, subject, other, classes_[dst].ports, protocol, port);
    const std::string dir(to_string(d));
    std::string detail;
    switch (dec.how) {
      case Decision::How::NotSelected: detail = "not isolated for " + dir + ": no policy selects it"; break;
      case Decision::How::AfterLastTier: detail = "no rule decided " + what + ": allowed after the last tier"; break;
      case Decision::How::Rule:
        detail = std::string(dec.allowed ? "allowed" : "denied") + " by " + dec.origin->describe();
        break;
      case Decision::How::EndOfTier: {
        std::string names;
        bool calico = false;
        for (std::uint32_t p : dec.selecting) calico = calico || is_calico(program_.policies()[p].kind);
        if (!calico) {
          for (std::uint32_t p : dec.selecting) names += (names.empty() ? "" : ", ") + program_.policies()[p].name;
          detail = "isolated for " + dir + " by " + std::string(to_string(program_.policies()[dec.selecting[0]].kind)) +
                   ' ' + names;
        } else {
          // Calico tiers mix kinds (Calico policies and, in "default",
          // NetworkPolicies): each selecting policy is named with its kind.
          for (std::uint32_t p : dec.selecting) {
            names += (names.empty() ? "" : ", ") + policy_text(program_.policies()[p]);
          }
          detail = "isolated for " + dir + " in Calico tier " + program_.tiers()[dec.tier].name + " by " + names;
        }
        detail += "; no " + dir + " rule allows " + what + (d == Direction::Ingress ? " from " : " to ") + other_name;
        if (calico) detail += " (end of tier " + program_.tiers()[dec.tier].name + ": Deny)";
        break;
      }
    }
    // Tiers a Pass rule handed over from come first, so the path shows them.
    for (auto it = dec.passes.rbegin(); it != dec.passes.rend(); ++it) {
      detail = "passed on by " + (*it)->describe() + "; " + detail;
    }
    v.path.push_back(Hop{"network-policy", at, dir + ": " + detail});
    if (dec.allowed) return true;
    Blocked b;
    if (dec.how == Decision::How::Rule) {
      b.reason = deny_reason(dec.origin->kind, d, false);
      b.component = dec.origin->policy_label();
      b.rule = dec.origin->rule_label();
    } else {
      const CompiledPolicy& first = program_.policies()[dec.selecting[0]];
      b.reason = deny_reason(first.kind, d, true);
      if (is_calico(first.kind)) {
        // Labelled as its rules are, order included, so both read alike.
        RuleOrigin o;
        o.kind = first.kind;
        o.policy = first.name;
        o.tier = program_.tiers()[dec.tier].name;
        if (std::isfinite(first.order)) o.order = first.order;
        b.component = o.policy_label();
      } else {
        b.component = std::string(to_string(first.kind)) + ' ' + first.name;
      }
      if (first.kind != PolicyKind::NetworkPolicy) b.rule = "end of tier " + program_.tiers()[dec.tier].name;
    }
    b.message = what + " from " + src_name + " to " + dst_name + " is " + detail;
    v.blocked = std::move(b);
    return false;
  };

  // Egress at the source.
  if (source.kind == Endpoint::Kind::Address) {
    v.path.push_back(Hop{"network-policy", src_name, "egress: an address outside the cluster's pods; no policy applies"});
  } else if (classes_[src].host_network) {
    v.path.push_back(Hop{"network-policy", src_name, "egress: hostNetwork pod, not policed by the EKS VPC CNI agent"});
  } else if (!judge(Direction::Egress, src_name, src, dst, dst_name)) {
    return v;
  }

  // Ingress at the destination.
  if (destination.kind == Endpoint::Kind::Address) {
    v.path.push_back(Hop{"network-policy", dst_name, "ingress: an address outside the cluster's pods; no policy applies"});
  } else {
    const PodInstance& d = pods_.pods[destination.pod];
    const net::Ipv4Address node = pods_.nodes[d.node].address;
    const bool from_own_node =
        (source.kind == Endpoint::Kind::Address && source.address == node) ||
        (source.kind == Endpoint::Kind::Pod && classes_[src].host_network && pods_.pods[source.pod].node == d.node);
    if (from_own_node) {
      v.path.push_back(Hop{"network-policy", dst_name,
                           "ingress: from its own node " + pods_.nodes[d.node].name + ", always allowed"});
    } else if (classes_[dst].host_network) {
      v.path.push_back(Hop{"network-policy", dst_name, "ingress: hostNetwork pod, not policed by the EKS VPC CNI agent"});
    } else if (!judge(Direction::Ingress, dst_name, dst, src, src_name)) {
      return v;
    }
  }
  v.path.push_back(Hop{destination.kind == Endpoint::Kind::Pod ? "pod" : "external", dst_name, "destination"});
  return v;
}

}  // namespace eksim::reach
