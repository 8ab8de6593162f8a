#include "eksim/reach/policy_compile.hpp"

#include <algorithm>

#include "eksim/reach/calico_compile.hpp"

namespace eksim::reach {
namespace {

// An IPv6 block cannot hold an IPv4 cluster's addresses; a peer made only of
// such blocks matches nothing (reported by policy_warnings).
Peer address_peer(const std::vector<k8s::IpCidr>& cidrs, const std::vector<k8s::IpCidr>& except_of_first) {
  std::vector<AddressBlock> blocks;
  for (const k8s::IpCidr& c : cidrs) {
    if (c.ipv6) continue;
    AddressBlock b;
    b.cidr = c.ipv4;
    for (const k8s::IpCidr& e : except_of_first) {
      if (!e.ipv6) b.except.push_back(e.ipv4);
    }
    std::sort(b.except.begin(), b.except.end());
    blocks.push_back(std::move(b));
  }
  Peer peer;
  if (blocks.empty()) {
    peer.nothing = true;
    peer.note = "IPv6 block in an IPv4 cluster";
    return peer;
  }
  peer.blocks = std::move(blocks);
  return peer;
}

Peer network_policy_peer(const k8s::NetworkPolicyPeer& p, std::uint32_t policy_namespace) {
  if (p.ip_block) return address_peer({p.ip_block->cidr}, p.ip_block->except);
  PodPredicate pods;
  switch (p.scope()) {
    case k8s::PeerScope::PodsInPolicyNamespace:
      pods.namespace_index = policy_namespace;
      pods.pod_selector = p.pod_selector;
      break;
    case k8s::PeerScope::AllPodsInNamespaces:
      pods.namespace_selector = p.namespace_selector;
      break;
    case k8s::PeerScope::PodsInNamespaces:
      pods.namespace_selector = p.namespace_selector;
      pods.pod_selector = p.pod_selector;
      break;
    case k8s::PeerScope::IpBlock: break;
  }
  return Peer::of_pods(std::move(pods));
}

PortMatch network_policy_port(const k8s::NetworkPolicyPort& p) {
  PortMatch m;
  m.protocol = p.protocol;
  if (!p.port) return m;  // every port of the protocol
  if (p.port->is_named()) {
    m.kind = PortMatch::Kind::Named;
    m.name = p.port->name;
    return m;
  }
  m.first = p.port->number;
  m.last = p.end_port.value_or(p.port->number);
  return m;
}

std::vector<CompiledRule> network_policy_rules(const k8s::NetworkPolicy& np, Direction d, const std::string& tier) {
  const auto& rules = d == Direction::Ingress ? np.ingress : np.egress;
  std::vector<CompiledRule> out;
  for (std::uint32_t i = 0; i < rules.size(); ++i) {
    const k8s::NetworkPolicyRule& r = rules[i];
    CompiledRule c;
    c.action = RuleAction::Allow;
    c.all_peers = r.allows_all_peers();
    for (const auto& p : r.peers) c.peers.push_back(network_policy_peer(p, np.namespace_index));
    c.all_ports = r.allows_all_ports();
    for (const auto& p : r.ports) c.ports.push_back(network_policy_port(p));
    c.origin = RuleOrigin{PolicyKind::NetworkPolicy, np.id, tier, std::nullopt, d, i, "", r.where, std::nullopt};
    out.push_back(std::move(c));
  }
  return out;
}

PodPredicate admin_subject(const k8s::AdminSubject& s) {
  PodPredicate p;
  p.namespace_selector = s.namespace_selector;
  if (s.kind == k8s::AdminSubject::Kind::Pods) p.pod_selector = s.pod_selector;
  return p;
}

Peer admin_peer(const k8s::AdminPeer& a) {
  PodPredicate pods;
  switch (a.kind) {
    case k8s::AdminPeer::Kind::Namespaces:
      pods.namespace_selector = a.namespace_selector;
      return Peer::of_pods(std::move(pods));
    case k8s::AdminPeer::Kind::Pods:
      pods.namespace_selector = a.namespace_selector;
      pods.pod_selector = a.pod_selector;
      return Peer::of_pods(std::move(pods));
    case k8s::AdminPeer::Kind::Networks: return address_peer(a.networks, {});
    case k8s::AdminPeer::Kind::Nodes: break;
  }
  // Node labels are not part of a scenario's manifests, so a nodes peer
  // cannot be resolved; it matches nothing and policy_warnings says so.
  Peer peer;
  peer.nothing = true;
  peer.note = "nodes peer: node labels are not modelled";
  return peer;
}

PortMatch admin_port(const k8s::AdminPort& a) {
  PortMatch m;
  m.protocol = a.protocol;
  switch (a.kind) {
    case k8s::AdminPort::Kind::Number: m.first = m.last = a.port; break;
    case k8s::AdminPort::Kind::Range:
      m.first = a.port;
      m.last = a.end_port;
      break;
    case k8s::AdminPort::Kind::Named:
      m.kind = PortMatch::Kind::Named;
      m.any_protocol = true;
      m.name = a.name;
      break;
  }
  return m;
}

RuleAction admin_action(k8s::AdminAction a) {
  switch (a) {
    case k8s::AdminAction::Allow: return RuleAction::Allow;
    case k8s::AdminAction::Deny: return RuleAction::Deny;
    case k8s::AdminAction::Pass: return RuleAction::Pass;
  }
  return RuleAction::Deny;
}

std::vector<CompiledRule> admin_rules(const std::vector<k8s::AdminRule>& rules, PolicyKind kind,
                                      const std::string& name, const std::string& tier,
                                      std::optional<std::int32_t> priority, Direction d) {
  std::vector<CompiledRule> out;
  for (std::uint32_t i = 0; i < rules.size(); ++i) {
    const k8s::AdminRule& r = rules[i];
    CompiledRule c;
    c.action = admin_action(r.action);
    for (const auto& p : r.peers) c.peers.push_back(admin_peer(p));
    c.all_ports = r.all_ports();
    for (const auto& p : r.ports) c.ports.push_back(admin_port(p));
    c.origin = RuleOrigin{kind, name, tier, priority, d, i, r.name, r.where, std::nullopt};
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

CompiledPolicy compile_network_policy(const k8s::NetworkPolicy& np, const PolicyProgram& program) {
  CompiledPolicy c;
  c.kind = PolicyKind::NetworkPolicy;
  c.name = np.id;
  c.tier = program.default_tier();
  // Calico places Kubernetes NetworkPolicies at order 1000 in the default tier;
  // among themselves their order cannot matter, as they only allow.
  c.order = 1000;
  // Calico names them knp.default.<name>; ties with Calico policies of order
  // 1000 in the default tier go by that name, then the namespace.
  c.sort_name = "knp.default." + np.name + '\x01' + np.namespace_name;
  c.namespace_index = np.namespace_index;
  c.subject.namespace_index = np.namespace_index;
  c.subject.pod_selector = np.pod_selector;
  c.selects_ingress = np.isolates_ingress;
  c.selects_egress = np.isolates_egress;
  const std::string& tier = program.tiers()[c.tier].name;
  // Rules of a direction the policy does not isolate are ignored, as upstream.
  if (c.selects_ingress) c.ingress = network_policy_rules(np, Direction::Ingress, tier);
  if (c.selects_egress) c.egress = network_policy_rules(np, Direction::Egress, tier);
  c.where = np.where;
  return c;
}

CompiledPolicy compile_admin_network_policy(const k8s::AdminNetworkPolicy& anp, const PolicyProgram& program) {
  CompiledPolicy c;
  c.kind = PolicyKind::AdminNetworkPolicy;
  c.name = anp.name;
  c.tier = program.admin_tier();
  c.order = anp.priority;
  c.subject = admin_subject(anp.subject);
  // An ANP takes part in a direction only through its rules; with none it
  // decides nothing, and there is no isolation to speak of in this tier.
  c.selects_ingress = !anp.ingress.empty();
  c.selects_egress = !anp.egress.empty();
  const std::string& tier = program.tiers()[c.tier].name;
  c.ingress = admin_rules(anp.ingress, c.kind, c.name, tier, anp.priority, Direction::Ingress);
  c.egress = admin_rules(anp.egress, c.kind, c.name, tier, anp.priority, Direction::Egress);
  c.where = anp.where;
  return c;
}

CompiledPolicy compile_baseline_admin_network_policy(const k8s::BaselineAdminNetworkPolicy& banp,
                                                     const PolicyProgram& program) {
  CompiledPolicy c;
  c.kind = PolicyKind::BaselineAdminNetworkPolicy;
  c.name = banp.name;
  c.tier = program.baseline_tier();
  c.subject = admin_subject(banp.subject);
  c.selects_ingress = !banp.ingress.empty();
  c.selects_egress = !banp.egress.empty();
  const std::string& tier = program.tiers()[c.tier].name;
  c.ingress = admin_rules(banp.ingress, c.kind, c.name, tier, std::nullopt, Direction::Ingress);
  c.egress = admin_rules(banp.egress, c.kind, c.name, tier, std::nullopt, Direction::Egress);
  c.where = banp.where;
  return c;
}

PolicyProgram compile_policies(const k8s::ManifestSet& set) {
  PolicyProgram program;
  for (const auto& anp : set.admin_network_policies) program.add_policy(compile_admin_network_policy(anp, program));
  for (const auto& np : set.network_policies) program.add_policy(compile_network_policy(np, program));
  if (set.baseline_admin_network_policy) {
    program.add_policy(compile_baseline_admin_network_policy(*set.baseline_admin_network_policy, program));
  }
  // Warnings are policy_warnings()' to report.
  (void)add_calico_policies(set, program);
  return program;
}

}  // namespace eksim::reach
