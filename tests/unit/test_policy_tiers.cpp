// The tiered form itself, as the Calico importer will use it: tiers by
// order, rule actions Allow, Deny, Pass and Log, end-of-tier Deny and Pass,
// and arbitrary predicates. Policies are built by hand here (the compiler
// from Calico manifests is tested in test_calico_policy.cpp) on the e2e
// model of test_policy_model.hpp, together with a NetworkPolicy written as YAML.
#include "test_policy_model.hpp"

#include "eksim/reach/policy_compile.hpp"

using eksim::k8s::Protocol;
namespace k8s = eksim::k8s;
using namespace eksim::reach;
using namespace eksim::test_policy;

namespace {

PodPredicate namespace_pods(const std::string& ns, const std::string& pod = "") {
  PodPredicate p;
  p.namespace_selector = k8s::LabelSelector::from_labels({{"ns", ns}});
  if (!pod.empty()) p.pod_selector = k8s::LabelSelector::from_labels({{"pod", pod}});
  return p;
}

Peer pods_in_namespace(const std::string& ns, const std::string& pod = "") {
  return Peer::of_pods(namespace_pods(ns, pod));
}

CompiledRule rule(RuleAction action, std::vector<Peer> peers, const std::string& policy, const std::string& tier,
                  std::uint32_t index) {
  CompiledRule r;
  r.action = action;
  r.all_peers = peers.empty();
  r.peers = std::move(peers);
  r.origin = RuleOrigin{PolicyKind::CalicoNetworkPolicy, policy, tier, std::nullopt, Direction::Ingress, index, "", {}, std::nullopt};
  return r;
}

// A Calico selector: `ns == '<ns>'` on the namespace, as a custom predicate.
PodPredicate in_namespace(const std::string& ns) {
  PodPredicate p;
  p.custom = CustomMatcher{"ns == '" + ns + "'", [ns](const EndpointFacts& f) {
                             auto it = f.namespace_labels->find("ns");
                             return it != f.namespace_labels->end() && it->second == ns;
                           }};
  return p;
}

PodPredicate in_namespace_x() { return in_namespace("x"); }

// A Calico policy selecting `subject` for ingress; rules are added by the caller.
CompiledPolicy calico_ingress_policy(const std::string& name, std::uint32_t tier, double order, PodPredicate subject,
                                     PolicyKind kind = PolicyKind::CalicoNetworkPolicy) {
  CompiledPolicy p;
  p.kind = kind;
  p.name = name;
  p.tier = tier;
  p.order = order;
  p.subject = std::move(subject);
  p.selects_ingress = true;
  return p;
}

PolicyEngine tiered(const k8s::ManifestSet& set) {
  PolicyProgram program = compile_policies(set);
  // Added out of order: "platform" (200) must still come after "security" (100).
  const std::uint32_t platform = program.add_tier(Tier{"platform", TierKind::Calico, 200, RuleAction::Pass});
  const std::uint32_t security = program.add_tier(Tier{"security", TierKind::Calico, 100, RuleAction::Deny});

  CompiledPolicy deny_z = calico_ingress_policy("security.deny-z", security, 10, in_namespace_x());
  deny_z.ingress.push_back(rule(RuleAction::Log, {}, deny_z.name, "security", 0));
  CompiledRule deny = rule(RuleAction::Deny, {pods_in_namespace("z")}, deny_z.name, "security", 1);
  deny.all_ports = false;
  deny.ports.push_back(PortMatch{PortMatch::Kind::Range, Protocol::Tcp, false, 80, 80, ""});
  deny_z.ingress.push_back(deny);
  deny_z.ingress.push_back(rule(RuleAction::Pass, {pods_in_namespace("y")}, deny_z.name, "security", 2));
  program.add_policy(deny_z);

  CompiledPolicy allow_ya = calico_ingress_policy("platform.allow-ya", platform, 1, in_namespace_x());
  allow_ya.ingress.push_back(rule(RuleAction::Allow, {pods_in_namespace("y", "a")}, allow_ya.name, "platform", 0));
  program.add_policy(allow_ya);
  return PolicyEngine(set, lay_out_pods(set, eksim::net::Ipv4Address::from_octets(10, 0, 0, 1)), std::move(program),
                      {});
}

}  // namespace

TEST_CASE("tiers: Deny, Pass and Log rules, end-of-tier Deny and Pass, then NetworkPolicy", "[policy]") {
  // The NetworkPolicy isolates x and lets in y/a only.
  Cluster c = e2e("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: only-ya, namespace: x}\n"
                  "spec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}, "
                  "podSelector: {matchLabels: {pod: a}}}]}]\n");
  c.engine = tiered(c.set);
  const auto& order = c.engine.program().tier_order();
  std::vector<std::string> names;
  for (auto t : order) names.push_back(c.engine.program().tiers()[t].name);
  CHECK(names == std::vector<std::string>{"adminnetworkpolicy", "security", "platform", "default",
                                          "baselineadminnetworkpolicy"});

  // Into x: from x, the security tier selects and nothing matches: denied at
  // its end. From z: TCP 80 denied by rule, the rest at the end of the tier.
  // From y: passed on; platform allows y/a, and passes y/b, y/c at its end to
  // the NetworkPolicy, which isolates x and takes y/a only.
  const std::vector<std::string> into_x = {"-00111111", "0-0111111", "00-111111", "111-11111", "0001-1111",
                                           "00011-111", "000111-11", "0001111-1", "00011111-"};
  check_matrix(c, Protocol::Tcp, 80, into_x);
  check_matrix(c, Protocol::Udp, 81, into_x);

  auto verdict = [&](const std::string& s, const std::string& d) {
    return c.engine.decide(Endpoint::of_pod(pod(c, s)), Endpoint::of_pod(pod(c, d)), Protocol::Tcp, 80);
  };
  const Verdict z = verdict("z/a", "x/a");
  REQUIRE(z.blocked);
  CHECK(z.blocked->reason == Reason::CALICO_DENY);
  CHECK(z.blocked->component == "Calico tier security, NetworkPolicy security.deny-z");
  CHECK(z.blocked->rule == "ingress rule 2");  // the Log rule before it does not decide
  const Verdict x = verdict("x/b", "x/a");
  REQUIRE(x.blocked);
  CHECK(x.blocked->reason == Reason::CALICO_END_OF_TIER_DENY);
  CHECK(x.blocked->rule == "end of tier security");
  const Verdict yb = verdict("y/b", "x/a");
  REQUIRE(yb.blocked);
  CHECK(yb.blocked->reason == Reason::NETPOL_INGRESS_DENY);
  CHECK(yb.blocked->component == "NetworkPolicy x/only-ya");
  const Verdict ya = verdict("y/a", "x/a");
  REQUIRE(ya.allowed());
  CHECK(ya.path[2].detail == "ingress: passed on by Calico tier security, NetworkPolicy security.deny-z, ingress rule 3; "
              "allowed by Calico tier platform, NetworkPolicy platform.allow-ya, ingress rule 1");
}

TEST_CASE("tiers: a peer is the conjunction of selector, notSelector, nets and notNets; notPorts", "[policy]") {
  const Cluster base = e2e("");
  PolicyProgram program = compile_policies(base.set);
  const std::uint32_t security = program.add_tier(Tier{"security", TierKind::Calico, 100, RuleAction::Deny});

  // Into y: pods of x except the address 10.0.0.1 (x/a), on everything but TCP 81.
  CompiledPolicy guard_y = calico_ingress_policy("security.guard-y", security, 0, in_namespace("y"));
  Peer x_but_a = pods_in_namespace("x");
  x_but_a.not_blocks = std::vector<AddressBlock>{AddressBlock{*eksim::net::parse_cidr("10.0.0.1/32"), {}}};
  CompiledRule r = rule(RuleAction::Allow, {x_but_a}, guard_y.name, "security", 0);
  r.not_ports.push_back(PortMatch{PortMatch::Kind::Range, Protocol::Tcp, false, 81, 81, ""});
  guard_y.ingress.push_back(r);
  program.add_policy(guard_y);

  // Into z: anything that is not a pod of z (other pods and addresses), UDP 53 only.
  CompiledPolicy open_z = calico_ingress_policy("security.open-z", security, 0, in_namespace("z"),
                                                PolicyKind::CalicoGlobalNetworkPolicy);
  Peer not_z;
  not_z.not_pods = namespace_pods("z");
  CompiledRule dns = rule(RuleAction::Allow, {not_z}, open_z.name, "security", 0);
  dns.all_ports = false;
  dns.ports.push_back(PortMatch{PortMatch::Kind::Range, Protocol::Udp, false, 53, 53, ""});
  open_z.ingress.push_back(dns);
  program.add_policy(open_z);

  Cluster c = e2e("");
  c.engine = PolicyEngine(c.set, lay_out_pods(c.set, eksim::net::Ipv4Address::from_octets(10, 0, 0, 1)),
                          std::move(program), {});
  check_matrix(c, Protocol::Tcp, 80,
               {"-11000000", "1-1111000", "11-111000", "111-00000", "1110-0000", "11100-000", "111000-00",
                "1110000-0", "11100000-"});
  check_matrix(c, Protocol::Tcp, 81,
               {"-11000000", "1-1000000", "11-000000", "111-00000", "1110-0000", "11100-000", "111000-00",
                "1110000-0", "11100000-"});
  check_matrix(c, Protocol::Udp, 53,
               {"-11000111", "1-1111111", "11-111111", "111-00111", "1110-0111", "11100-111", "111000-00",
                "1110000-0", "11100000-"});
  const auto outside = Endpoint::of_address(eksim::net::Ipv4Address::from_octets(203, 0, 113, 1));
  CHECK(c.engine.decide(outside, Endpoint::of_pod(pod(c, "z/a")), Protocol::Udp, 53).allowed());
  const Verdict v = c.engine.decide(outside, Endpoint::of_pod(pod(c, "y/a")), Protocol::Udp, 53);
  REQUIRE(v.blocked);
  CHECK(v.blocked->reason == Reason::CALICO_END_OF_TIER_DENY);
  CHECK(v.blocked->component == "Calico tier security, NetworkPolicy security.guard-y (order 0)");
}
