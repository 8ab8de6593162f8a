// Calico tiers and policies, loaded as real projectcalico.org/v3 YAML and
// evaluated by the policy engine, on the upstream e2e model of
// test_policy_model.hpp. Every expected matrix is worked out by hand from
// Calico's evaluation order (docs/reachability.md, "Calico"); rows are
// sources, columns destinations, in the order x/a x/b x/c y/a y/b y/c z/a z/b
// z/c (addresses 10.0.0.1 .. 10.0.0.9). Each case also checks that decide()
// names the deciding tier, policy and rule.
#include <algorithm>
#include <sstream>

#include "eksim/reach/calico_compile.hpp"
#include "eksim/reach/policy_warnings.hpp"
#include "test_policy_model.hpp"

using eksim::k8s::Protocol;
using eksim::net::Ipv4Address;
using namespace eksim::reach;
using namespace eksim::test_policy;

namespace {

std::string tier(const std::string& name, double order, const std::string& default_action = "") {
  std::ostringstream s;
  s << "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: " << name << "}\nspec:\n  order: " << order
    << '\n';
  if (!default_action.empty()) s << "  defaultAction: " << default_action << '\n';
  return s.str() + "---\n";
}

std::string gnp(const std::string& name, const std::string& spec) {
  return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: " + name + "}\nspec:\n" + spec +
         "\n---\n";
}

std::string cnp(const std::string& ns, const std::string& name, const std::string& spec) {
  return "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: '" + ns +
         "'}\nspec:\n" + spec + "\n---\n";
}

std::string np(const std::string& ns, const std::string& name, const std::string& spec) {
  return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: '" + ns +
         "'}\nspec:\n" + spec + "\n---\n";
}

// The security tier with z's guard: pods a from anywhere are allowed into
// z, everything else is passed on.
std::string z_guard() {
  return tier("security", 100) +
         gnp("security.z-guard",
             "  tier: security\n  order: 1\n  selector: \"projectcalico.org/namespace == 'z'\"\n"
             "  ingress:\n  - action: Allow\n    source: {selector: pod == 'a'}\n  - action: Pass\n");
}

// An AdminNetworkPolicy denying y's pods into z.
std::string deny_y_to_z() {
  return "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
         "metadata: {name: deny-y-to-z}\nspec:\n  priority: 10\n"
         "  subject: {namespaces: {matchLabels: {ns: z}}}\n  ingress:\n"
         "  - {name: deny-y, action: Deny, from: [{namespaces: {matchLabels: {ns: 'y'}}}]}\n---\n";
}

// A Kubernetes NetworkPolicy isolating z, letting in x/b only.
std::string from_xb() {
  return np("z", "from-xb",
            "  podSelector: {}\n"
            "  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: x}}, podSelector: {matchLabels: {pod: b}}}]}]");
}

Verdict decide_pods(const Cluster& c, const std::string& s, const std::string& d, Protocol p = Protocol::Tcp,
                    std::uint16_t port = 80) {
  return c.engine.decide(Endpoint::of_pod(pod(c, s)), Endpoint::of_pod(pod(c, d)), p, port);
}

// The hop of one direction ("ingress: ..." / "egress: ...") in a verdict's path.
std::string hop(const Verdict& v, const std::string& direction) {
  for (const Hop& h : v.path) {
    if (h.detail.rfind(direction + ": ", 0) == 0) return h.detail;
  }
  return "(no " + direction + " hop)";
}

// Calico's own words for "denied by this rule".
void check_denied_by(const Verdict& v, Reason reason, const std::string& component, const std::string& rule) {
  REQUIRE_FALSE(v.allowed());
  CHECK(v.blocked->reason == reason);
  CHECK(v.blocked->component == component);
  CHECK(v.blocked->rule == rule);
}

// x's pods, isolated for ingress by a policy that lets nothing in: every
// other pod reaches every pod except those of x.
const std::vector<std::string> kNothingIntoX = {"-00111111", "0-0111111", "00-111111", "000-11111", "0001-1111",
                                                "00011-111", "000111-11", "0001111-1", "00011111-"};

}  // namespace

TEST_CASE("Calico order: of two policies in one tier the lower order decides", "[policy][calico]") {
  const std::string deny =
      "  tier: security\n  order: ORDER\n  selector: \"projectcalico.org/namespace == 'x'\"\n"
      "  ingress:\n  - action: Deny\n    source: {namespaceSelector: \"ns == 'y'\"}\n";
  const std::string allow =
      "  tier: security\n  order: ORDER\n  selector: \"projectcalico.org/namespace == 'x'\"\n"
      "  ingress:\n  - action: Allow\n    source: {namespaceSelector: \"ns == 'y'\"}\n";
  auto with_order = [](std::string spec, const std::string& order) {
    spec.replace(spec.find("ORDER"), 5, order);
    return spec;
  };
  SECTION("the Deny at order 10 comes before the Allow at order 20") {
    const Cluster c = e2e(tier("security", 100) + gnp("security.deny-y", with_order(deny, "10")) +
                          gnp("security.allow-y", with_order(allow, "20")));
    // Into x: y denied by rule, x and z at the end of the tier.
    check_matrix(c, Protocol::Tcp, 80, kNothingIntoX);
    check_matrix(c, Protocol::Udp, 81, kNothingIntoX);
    check_denied_by(decide_pods(c, "y/a", "x/b"), Reason::CALICO_DENY,
                    "Calico tier security, GlobalNetworkPolicy security.deny-y (order 10)", "ingress rule 1");
    const Verdict z = decide_pods(c, "z/a", "x/a");
    check_denied_by(z, Reason::CALICO_END_OF_TIER_DENY,
                    "Calico tier security, GlobalNetworkPolicy security.deny-y (order 10)", "end of tier security");
    CHECK(
        hop(z, "ingress") ==
        "ingress: isolated for ingress in Calico tier security by GlobalNetworkPolicy security.deny-y, "
        "GlobalNetworkPolicy security.allow-y; no ingress rule allows TCP 80 from z/a-0 (end of tier security: Deny)");
  }
  SECTION("the Deny at order 30 comes after the Allow at order 20") {
    const Cluster c = e2e(tier("security", 100) + gnp("security.deny-y", with_order(deny, "30")) +
                          gnp("security.allow-y", with_order(allow, "20")));
    check_matrix(c, Protocol::Tcp, 80,
                 {"-00111111", "0-0111111", "00-111111", "111-11111", "1111-1111", "11111-111", "000111-11",
                  "0001111-1", "00011111-"});
    CHECK(hop(decide_pods(c, "y/a", "x/b"), "ingress") ==
          "ingress: allowed by Calico tier security, GlobalNetworkPolicy security.allow-y (order 20), ingress rule 1");
  }
}

TEST_CASE("Calico Deny before a later Allow: by rule order in one policy, by order across policies",
          "[policy][calico]") {
  // x/a lets in everything but x/b (a namespaced selector: x/b, not y/b or z/b).
  const std::vector<std::string> expected = {"-11111111", "0-1111111", "11-111111", "111-11111", "1111-1111",
                                             "11111-111", "111111-11", "1111111-1", "11111111-"};
  SECTION("one policy, Deny rule 1 then Allow rule 2") {
    const Cluster c = e2e(cnp("x", "guard-a",
                              "  order: 100\n  selector: pod == 'a'\n  ingress:\n"
                              "  - action: Deny\n    source: {selector: pod == 'b'}\n  - action: Allow\n"));
    check_matrix(c, Protocol::Tcp, 80, expected);
    check_matrix(c, Protocol::Sctp, 81, expected);
    check_denied_by(decide_pods(c, "x/b", "x/a"), Reason::CALICO_DENY,
                    "Calico tier default, NetworkPolicy x/guard-a (order 100)", "ingress rule 1");
    CHECK(hop(decide_pods(c, "y/b", "x/a"), "ingress") ==
          "ingress: allowed by Calico tier default, NetworkPolicy x/guard-a (order 100), ingress rule 2");
  }
  SECTION("two policies, the Deny at order 100 before the Allow at order 200") {
    const Cluster c = e2e(cnp("x", "allow-all", "  order: 200\n  selector: pod == 'a'\n  ingress: [{action: Allow}]") +
                          cnp("x", "deny-b",
                              "  order: 100\n  selector: pod == 'a'\n  ingress:\n"
                              "  - action: Deny\n    source: {selector: pod == 'b'}\n"));
    check_matrix(c, Protocol::Tcp, 80, expected);
    check_denied_by(decide_pods(c, "x/b", "x/a"), Reason::CALICO_DENY,
                    "Calico tier default, NetworkPolicy x/deny-b (order 100)", "ingress rule 1");
    CHECK(hop(decide_pods(c, "z/b", "x/a"), "ingress") ==
          "ingress: allowed by Calico tier default, NetworkPolicy x/allow-all (order 200), ingress rule 1");
  }
}

TEST_CASE("Calico Pass hands over to the next tier and to Kubernetes NetworkPolicies", "[policy][calico]") {
  // security (Deny at the end): x lets in x, passes y, and z ends denied.
  // platform (Pass at the end): denies y/c, passes the rest on.
  // default: the NetworkPolicy only-yb lets only y/b into x/a.
  const Cluster c = e2e(
      tier("security", 100) + tier("platform", 200, "Pass") +
      gnp("security.pass-y",
          "  tier: security\n  order: 10\n  selector: \"projectcalico.org/namespace == 'x'\"\n"
          "  ingress:\n  - action: Pass\n    source: {namespaceSelector: \"ns == 'y'\"}\n"
          "  - action: Allow\n    source: {namespaceSelector: \"ns == 'x'\"}\n") +
      gnp("platform.deny-yc",
          "  tier: platform\n  order: 1\n  selector: \"projectcalico.org/namespace == 'x'\"\n"
          "  ingress:\n  - action: Deny\n"
          "    source: {selector: \"pod == 'c' && projectcalico.org/namespace == 'y'\"}\n") +
      np("x", "only-yb",
         "  podSelector: {matchLabels: {pod: a}}\n"
         "  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}, podSelector: {matchLabels: {pod: b}}}]}]"));
  const std::vector<std::string> expected = {"-11111111", "1-1111111", "11-111111", "011-11111", "1111-1111",
                                             "00011-111", "000111-11", "0001111-1", "00011111-"};
  check_matrix(c, Protocol::Tcp, 80, expected);
  check_matrix(c, Protocol::Udp, 81, expected);
  // Passed by security, decided by platform.
  check_denied_by(decide_pods(c, "y/c", "x/b"), Reason::CALICO_DENY,
                  "Calico tier platform, GlobalNetworkPolicy platform.deny-yc (order 1)", "ingress rule 1");
  // Passed by security and by platform's end of tier, decided by the NetworkPolicy.
  const Verdict ya = decide_pods(c, "y/a", "x/a");
  REQUIRE_FALSE(ya.allowed());
  CHECK(ya.blocked->reason == Reason::NETPOL_INGRESS_DENY);
  CHECK(ya.blocked->component == "NetworkPolicy x/only-yb");
  CHECK(hop(decide_pods(c, "y/b", "x/a"), "ingress") == "ingress: passed on by Calico tier security, GlobalNetworkPolicy security.pass-y (order 10), "
              "ingress rule 1; allowed by NetworkPolicy x/only-yb, ingress rule 1");
  // x/b: passed on by both tiers, no NetworkPolicy selects it.
  CHECK(hop(decide_pods(c, "y/a", "x/b"), "ingress") == "ingress: passed on by Calico tier security, GlobalNetworkPolicy security.pass-y (order 10), "
              "ingress rule 1; no rule decided TCP 80: allowed after the last tier");
  check_denied_by(decide_pods(c, "z/c", "x/a"), Reason::CALICO_END_OF_TIER_DENY,
                  "Calico tier security, GlobalNetworkPolicy security.pass-y (order 10)", "end of tier security");

  // Tiers by order: admin, security (100), platform (200), default (1,000,000), baseline.
  std::vector<std::string> names;
  for (auto t : c.engine.program().tier_order()) names.push_back(c.engine.program().tiers()[t].name);
  CHECK(names == std::vector<std::string>{"adminnetworkpolicy", "security", "platform", "default",
                                          "baselineadminnetworkpolicy"});
}

TEST_CASE("Calico GlobalNetworkPolicy selects pods across namespaces", "[policy][calico]") {
  // Pods a of x and y (tier: front) let in x's pods only.
  const std::vector<std::string> expected = {"-11111111", "1-1111111", "11-111111", "011-11111", "0110-1111",
                                             "01101-111", "011011-11", "0110111-1", "01101111-"};
  SECTION("namespaceSelector on the policy, namespaceSelector in the rule") {
    const Cluster c = e2e(tier("security", 100) + gnp("security.front",
                                                      "  tier: security\n  order: 1\n  selector: tier == 'front'\n"
                                                      "  namespaceSelector: env == 'prod' || env == 'dev'\n"
                                                      "  ingress:\n  - action: Allow\n"
                                                      "    source: {namespaceSelector: env == 'prod'}\n"));
    check_matrix(c, Protocol::Tcp, 80, expected);
    const Verdict v = decide_pods(c, "y/b", "y/a");
    check_denied_by(v, Reason::CALICO_END_OF_TIER_DENY,
                    "Calico tier security, GlobalNetworkPolicy security.front (order 1)", "end of tier security");
    CHECK(hop(decide_pods(c, "x/c", "y/a"), "ingress") ==
          "ingress: allowed by Calico tier security, GlobalNetworkPolicy security.front (order 1), ingress rule 1");
  }
  SECTION("projectcalico.org/namespace in the selector, pcns. labels in the rule") {
    const Cluster c = e2e(tier("security", 100) +
                          gnp("security.front",
                              "  tier: security\n  order: 1\n"
                              "  selector: \"tier == 'front' && projectcalico.org/namespace in {'x', 'y'}\"\n"
                              "  ingress:\n  - action: Allow\n    source: {selector: \"pcns.env == 'prod'\"}\n"));
    check_matrix(c, Protocol::Tcp, 80, expected);
    check_matrix(c, Protocol::Sctp, 80, expected);
  }
}

TEST_CASE("Calico end of tier: Deny, or Pass with defaultAction Pass", "[policy][calico]") {
  const std::string policy = gnp("t1.only-x",
                                 "  tier: t1\n  order: 5\n  selector: \"projectcalico.org/namespace == 'z'\"\n"
                                 "  ingress:\n  - action: Allow\n    source: {namespaceSelector: \"ns == 'x'\"}\n");
  SECTION("defaultAction Deny (the default): only x reaches z") {
    const Cluster c = e2e(tier("t1", 100) + policy);
    check_matrix(c, Protocol::Tcp, 80,
                 {"-11111111", "1-1111111", "11-111111", "111-11000", "1111-1000", "11111-000", "111111-00",
                  "1111110-0", "11111100-"});
    check_denied_by(decide_pods(c, "y/a", "z/a"), Reason::CALICO_END_OF_TIER_DENY,
                    "Calico tier t1, GlobalNetworkPolicy t1.only-x (order 5)", "end of tier t1");
  }
  SECTION("defaultAction Pass: what t1 does not decide goes on, and no later tier denies") {
    const Cluster c = e2e(tier("t1", 100, "Pass") + policy);
    check_matrix(c, Protocol::Tcp, 80, kAllAllowed);
    CHECK(hop(decide_pods(c, "y/a", "z/a"), "ingress") ==
          "ingress: no rule decided TCP 80: allowed after the last tier");
    CHECK(hop(decide_pods(c, "x/a", "z/a"), "ingress") ==
          "ingress: allowed by Calico tier t1, GlobalNetworkPolicy t1.only-x (order 5), ingress rule 1");
  }
}

TEST_CASE("Calico nets and notNets match pod addresses and external addresses alike", "[policy][calico]") {
  // z lets in 10.0.0.0/30 (x's pods: .1 .2 .3) and sends to anything outside
  // 10.0.0.0/24 and to 10.0.0.4/31 (y/a, y/b).
  const Cluster c = e2e(gnp("z-nets",
                            "  order: 10\n  selector: \"projectcalico.org/namespace == 'z'\"\n"
                            "  types: [Ingress, Egress]\n"
                            "  ingress:\n  - action: Allow\n    source: {nets: [10.0.0.0/30]}\n"
                            "  egress:\n  - action: Allow\n    destination: {notNets: [10.0.0.0/24]}\n"
                            "  - action: Allow\n    destination: {nets: [10.0.0.4/31]}\n"));
  check_matrix(c, Protocol::Tcp, 80,
               {"-11111111", "1-1111111", "11-111111", "111-11000", "1111-1000", "11111-000", "000110-00", "0001100-0",
                "00011000-"});
  const auto external = Ipv4Address::from_octets(203, 0, 113, 7);
  const auto in_pod_range = Ipv4Address::from_octets(10, 0, 0, 200);
  const std::uint32_t za = pod(c, "z/a");
  CHECK(hop(c.engine.decide(Endpoint::of_pod(za), Endpoint::of_address(external), Protocol::Tcp, 443), "egress") ==
        "egress: allowed by Calico tier default, GlobalNetworkPolicy z-nets (order 10), egress rule 1");
  check_denied_by(c.engine.decide(Endpoint::of_pod(za), Endpoint::of_address(in_pod_range), Protocol::Tcp, 443),
                  Reason::CALICO_END_OF_TIER_DENY, "Calico tier default, GlobalNetworkPolicy z-nets (order 10)",
                  "end of tier default");
  check_denied_by(c.engine.decide(Endpoint::of_address(external), Endpoint::of_pod(za), Protocol::Tcp, 80),
                  Reason::CALICO_END_OF_TIER_DENY, "Calico tier default, GlobalNetworkPolicy z-nets (order 10)",
                  "end of tier default");
  // x/b's address is x/b.
  CHECK(hop(c.engine.decide(Endpoint::of_address(Ipv4Address::from_octets(10, 0, 0, 2)), Endpoint::of_pod(za),
                            Protocol::Tcp, 80),
            "ingress") ==
        "ingress: allowed by Calico tier default, GlobalNetworkPolicy z-nets (order 10), ingress rule 1");
}

TEST_CASE("Calico ports: named ports, ranges, notPorts, protocol and notProtocol", "[policy][calico]") {
  // Into y: rule 1 (ICMP) matches no TCP/UDP/SCTP connection; rule 2 denies
  // y/c on every protocol but ICMP (namespaced: y/c only, not x/c or z/c);
  // rule 3 lets in TCP on serve-81-tcp; rule 4 UDP on any port but 81.
  const Cluster c = e2e(cnp("y", "named",
                            "  order: 5\n  ingress:\n  - action: Allow\n    protocol: ICMP\n"
                            "  - action: Deny\n    notProtocol: ICMP\n    source: {selector: pod == 'c'}\n"
                            "  - action: Allow\n    protocol: TCP\n    destination: {ports: [serve-81-tcp]}\n"
                            "  - action: Allow\n    protocol: UDP\n    destination: {notPorts: [81]}\n"));
  const std::vector<std::string> closed = {"-11000111", "1-1000111", "11-000111", "111-00111", "1110-0111",
                                           "11100-111", "111000-11", "1110001-1", "11100011-"};
  const std::vector<std::string> open = {"-11111111", "1-1111111", "11-111111", "111-11111", "1111-1111",
                                         "11100-111", "111111-11", "1111111-1", "11111111-"};
  check_matrix(c, Protocol::Tcp, 80, closed);
  check_matrix(c, Protocol::Tcp, 81, open);
  check_matrix(c, Protocol::Udp, 80, open);
  check_matrix(c, Protocol::Udp, 81, closed);
  check_matrix(c, Protocol::Sctp, 80, closed);
  CHECK(hop(decide_pods(c, "x/a", "y/b", Protocol::Tcp, 81), "ingress") ==
        "ingress: allowed by Calico tier default, NetworkPolicy y/named (order 5), ingress rule 3");
  check_denied_by(decide_pods(c, "y/c", "y/a", Protocol::Tcp, 81), Reason::CALICO_DENY,
                  "Calico tier default, NetworkPolicy y/named (order 5)", "ingress rule 2");
  check_denied_by(decide_pods(c, "z/a", "y/a", Protocol::Udp, 81), Reason::CALICO_END_OF_TIER_DENY,
                  "Calico tier default, NetworkPolicy y/named (order 5)", "end of tier default");
}

TEST_CASE("Calico port ranges", "[policy][calico]") {
  const Cluster c = e2e(cnp("z", "range",
                            "  ingress:\n  - action: Allow\n    protocol: SCTP\n"
                            "    destination: {ports: ['81:90']}\n"));
  CHECK(c.engine.allowed_pods(pod(c, "x/a"), pod(c, "z/a"))->to_string() == "SCTP 81-90");
  // No order: the policy is labelled without one.
  CHECK(hop(decide_pods(c, "x/a", "z/a", Protocol::Sctp, 85), "ingress") ==
        "ingress: allowed by Calico tier default, NetworkPolicy z/range, ingress rule 1");
}

TEST_CASE("Calico service account selectors", "[policy][calico]") {
  const std::string accounts =
      "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: x, labels: {team: shop}}\n---\n"
      "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: batch, namespace: x, labels: {team: data}}\n---\n"
      "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: z}\n---\n";
  const std::string workloads =
      deployment("x", "sa-web", "app: sa-web", "serviceAccountName: web, containers: [{name: c, image: i}]") +
      deployment("x", "sa-batch", "app: sa-batch", "serviceAccountName: batch, containers: [{name: c, image: i}]") +
      deployment("z", "sa-web", "app: sa-web", "serviceAccountName: web, containers: [{name: c, image: i}]");
  // z lets in service account web of z (names: namespaced, so not x's web)
  // and x's accounts labelled team=data. x's team=shop accounts may send to
  // pods running as batch anywhere, and into z.
  const std::string policies =
      cnp("z", "from-accounts",
          "  order: 10\n  ingress:\n  - action: Allow\n    source: {serviceAccounts: {names: [web]}}\n"
          "  - action: Allow\n    source:\n      namespaceSelector: \"ns == 'x'\"\n"
          "      serviceAccounts: {selector: team == 'data'}\n") +
      gnp("shop-egress",
          "  order: 1\n  serviceAccountSelector: team == 'shop'\n  types: [Egress]\n"
          "  egress:\n  - action: Allow\n    destination: {selector: projectcalico.org/serviceaccount == 'batch'}\n"
          "  - action: Allow\n    destination: {namespaceSelector: \"ns == 'z'\"}\n");
  const Cluster c = e2e(accounts + workloads + policies);
  CHECK(hop(decide_pods(c, "x/sa-batch", "z/a"), "ingress") ==
        "ingress: allowed by Calico tier default, NetworkPolicy z/from-accounts (order 10), ingress rule 2");
  CHECK(hop(decide_pods(c, "z/sa-web", "z/a"), "ingress") ==
        "ingress: allowed by Calico tier default, NetworkPolicy z/from-accounts (order 10), ingress rule 1");
  // x's web: out by shop-egress rule 2, but z's names match z's accounts only.
  const Verdict web = decide_pods(c, "x/sa-web", "z/a");
  CHECK(hop(web, "egress") ==
        "egress: allowed by Calico tier default, GlobalNetworkPolicy shop-egress (order 1), egress rule 2");
  check_denied_by(web, Reason::CALICO_END_OF_TIER_DENY, "Calico tier default, NetworkPolicy z/from-accounts (order 10)",
                  "end of tier default");
  CHECK(hop(decide_pods(c, "x/sa-web", "x/sa-batch"), "egress") ==
        "egress: allowed by Calico tier default, GlobalNetworkPolicy shop-egress (order 1), egress rule 1");
  check_denied_by(decide_pods(c, "x/sa-web", "x/a"), Reason::CALICO_END_OF_TIER_DENY,
                  "Calico tier default, GlobalNetworkPolicy shop-egress (order 1)", "end of tier default");
  // Pods running as "default" are not selected by shop-egress; z lets none of them in.
  CHECK(decide_pods(c, "x/a", "x/sa-batch").allowed());
  CHECK_FALSE(decide_pods(c, "x/a", "z/a").allowed());
  CHECK_FALSE(decide_pods(c, "z/b", "z/a").allowed());
  CHECK(matrix(c, Protocol::Tcp, 80) == std::vector<std::string>{"-11111000", "1-1111000", "11-111000", "111-11000",
                                                                 "1111-1000", "11111-000", "111111-00", "1111110-0",
                                                                 "11111100-"});
}

TEST_CASE("Calico together with AdminNetworkPolicy and Kubernetes NetworkPolicy", "[policy][calico]") {
  // ANP (first): y may not reach z. Calico security: z lets in pods a from
  // anywhere, passes the rest. Default tier: the NetworkPolicy lets x/b into z.
  const Cluster c = e2e(deny_y_to_z() + z_guard() + from_xb());
  const std::vector<std::string> expected = {"-11111111", "1-1111111", "11-111000", "111-11000", "1111-1000",
                                             "11111-000", "111111-11", "1111110-0", "11111100-"};
  check_matrix(c, Protocol::Tcp, 80, expected);
  check_matrix(c, Protocol::Udp, 81, expected);
  // y/a is a pod a, which Calico would allow; the admin tier comes first.
  check_denied_by(decide_pods(c, "y/a", "z/a"), Reason::ANP_DENY, "AdminNetworkPolicy deny-y-to-z (priority 10)",
                  "ingress rule 'deny-y'");
  CHECK(hop(decide_pods(c, "x/a", "z/b"), "ingress") ==
        "ingress: allowed by Calico tier security, GlobalNetworkPolicy security.z-guard (order 1), ingress rule 1");
  CHECK(hop(decide_pods(c, "x/b", "z/b"), "ingress") ==
        "ingress: passed on by Calico tier security, GlobalNetworkPolicy security.z-guard (order 1), ingress rule 2; "
        "allowed by NetworkPolicy z/from-xb, ingress rule 1");
  const Verdict xc = decide_pods(c, "x/c", "z/a");
  REQUIRE_FALSE(xc.allowed());
  CHECK(xc.blocked->reason == Reason::NETPOL_INGRESS_DENY);
  CHECK(xc.blocked->component == "NetworkPolicy z/from-xb");
}

TEST_CASE("Calico selectors on the policed pod's side: destination on ingress, source on egress", "[policy][calico]") {
  SECTION("ingress: y may not reach x's pods a; everything else into x is allowed") {
    const Cluster c = e2e(gnp("split",
                              "  order: 1\n  selector: \"projectcalico.org/namespace == 'x'\"\n  ingress:\n"
                              "  - action: Deny\n    source: {namespaceSelector: \"ns == 'y'\"}\n"
                              "    destination: {selector: pod == 'a'}\n  - action: Allow\n"));
    check_matrix(c, Protocol::Tcp, 80,
                 {"-11111111", "1-1111111", "11-111111", "011-11111", "0111-1111", "01111-111", "111111-11",
                  "1111111-1", "11111111-"});
    check_denied_by(decide_pods(c, "y/b", "x/a"), Reason::CALICO_DENY,
                    "Calico tier default, GlobalNetworkPolicy split (order 1)", "ingress rule 1");
    CHECK(hop(decide_pods(c, "y/b", "x/b"), "ingress") ==
          "ingress: allowed by Calico tier default, GlobalNetworkPolicy split (order 1), ingress rule 2");
  }
  SECTION("egress: z's pods b may not send to x; z's other pods send anywhere") {
    const Cluster c = e2e(gnp("split-out",
                              "  order: 1\n  selector: \"projectcalico.org/namespace == 'z'\"\n"
                              "  types: [Egress]\n  egress:\n"
                              "  - action: Deny\n    source: {selector: pod == 'b'}\n"
                              "    destination: {namespaceSelector: \"ns == 'x'\"}\n  - action: Allow\n"));
    check_matrix(c, Protocol::Tcp, 80,
                 {"-11111111", "1-1111111", "11-111111", "111-11111", "1111-1111", "11111-111", "111111-11",
                  "0001111-1", "11111111-"});
    check_denied_by(decide_pods(c, "z/b", "x/c"), Reason::CALICO_DENY,
                    "Calico tier default, GlobalNetworkPolicy split-out (order 1)", "egress rule 1");
  }
}

TEST_CASE("Calico services: a destination Service is its endpoints on its target ports", "[policy][calico]") {
  const std::string svc =
      "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: x}\n"
      "spec: {selector: {pod: b}, ports: [{port: 8080, targetPort: 80}]}\n---\n";
  const Cluster c = e2e(svc + cnp("y", "to-web",
                                  "  order: 1\n  selector: pod == 'a'\n  types: [Egress]\n"
                                  "  egress:\n  - action: Allow\n"
                                  "    destination: {services: {name: web, namespace: x}}\n"));
  CHECK(c.engine.allowed_pods(pod(c, "y/a"), pod(c, "x/b"))->to_string() == "TCP 80");
  CHECK(c.engine.allowed_pods(pod(c, "y/a"), pod(c, "x/a"))->to_string() == "No Connections");
  CHECK(hop(decide_pods(c, "y/a", "x/b"), "egress") ==
        "egress: allowed by Calico tier default, NetworkPolicy y/to-web (order 1), egress rule 1");
}

TEST_CASE("Calico: what is not modelled is reported and compiled to match nothing", "[policy][calico]") {
  const std::string yaml = gnp("host-only",
                               "  preDNAT: true\n  applyOnForward: true\n  selector: all()\n  types: [Ingress]\n"
                               "  ingress: [{action: Deny}]") +
                           cnp("x", "web",
                               "  ingress:\n  - action: Allow\n    protocol: TCP\n    http: {methods: [GET]}\n"
                               "  - action: Allow\n    protocol: TCP\n    source: {ports: [1024]}\n");
  const Cluster c = e2e(yaml);
  // host-only is left out (else it would deny all ingress); x allows TCP by rule 1 (HTTP match dropped).
  CHECK(decide_pods(c, "y/a", "z/a").allowed());
  CHECK(c.engine.allowed_pods(pod(c, "y/a"), pod(c, "x/a"))->to_string() == "TCP");
  std::vector<std::string> messages;
  for (const auto& w : policy_warnings(c.set)) {
    if (w.code == PolicyWarningCode::CalicoNotModelled) messages.push_back(w.message);
  }
  CHECK(messages == std::vector<std::string>{
                        "GlobalNetworkPolicy host-only: preDNAT policies apply to host endpoints only, which are not "
                        "modelled; left out",
                        "NetworkPolicy x/web, ingress rule 1: HTTP match needs Calico's application layer policy; "
                        "evaluated on its layer-4 fields only",
                        "NetworkPolicy x/web, ingress rule 2: source ports (the client's ephemeral port) are not "
                        "modelled; the rule matches nothing"});
}

TEST_CASE("Calico endpoint labels", "[policy][calico]") {
  const auto l = calico_endpoint_labels({{"app", "web"}, {"projectcalico.org/namespace", "forged"}}, "shop",
                                        {{"env", "prod"}}, "api", {{"team", "a"}});
  CHECK(l == eksim::k8s::Labels{{"app", "web"},
                                {"pcns.env", "prod"},
                                {"pcsa.team", "a"},
                                {"projectcalico.org/namespace", "shop"},
                                {"projectcalico.org/orchestrator", "k8s"},
                                {"projectcalico.org/serviceaccount", "api"}});
}

TEST_CASE("Calico with incremental NetworkPolicy updates; a Calico change is a new engine", "[policy][calico]") {
  const std::string calico = z_guard();
  const std::string netpol = from_xb();
  Cluster updated = e2e(calico);
  const Cluster with_np = e2e(calico + netpol);
  const auto stats = updated.engine.set_network_policy(with_np.set.network_policies.at(0));
  CHECK(stats.classes_split == 0);
  // Into z: pods a by Calico, x/b by the NetworkPolicy, the rest denied.
  const std::vector<std::string> expected = {"-11111111", "1-1111111", "11-111000", "111-11111", "1111-1000",
                                             "11111-000", "111111-11", "1111110-0", "11111100-"};
  check_matrix(updated, Protocol::Tcp, 80, expected);
  check_matrix(with_np, Protocol::Tcp, 80, expected);
  updated.engine.remove_network_policy("z", "from-xb");
  check_matrix(updated, Protocol::Tcp, 80, kAllAllowed);
  // Calico policies have no update API: a changed Calico manifest is a new
  // engine over the new ManifestSet (here the guard's Pass becomes a Deny).
  std::string denying = calico;
  denying.replace(denying.find("action: Pass"), 12, "action: Deny");
  const Cluster rebuilt = e2e(denying + netpol);
  check_matrix(rebuilt, Protocol::Tcp, 80,
               {"-11111111", "1-1111000", "11-111000", "111-11111", "1111-1000", "11111-000", "111111-11", "1111110-0",
                "11111100-"});
  check_denied_by(decide_pods(rebuilt, "x/b", "z/a"), Reason::CALICO_DENY,
                  "Calico tier security, GlobalNetworkPolicy security.z-guard (order 1)", "ingress rule 2");
}

TEST_CASE("Calico tier ordered before Calico's AdminNetworkPolicy tier: warned only with an ANP", "[policy][calico]") {
  auto tier_warnings = [](const Cluster& c) {
    std::vector<std::string> out;
    for (const auto& w : policy_warnings(c.set)) {
      if (w.code == PolicyWarningCode::CalicoNotModelled) out.push_back(w.message);
    }
    return out;
  };
  CHECK(tier_warnings(e2e(z_guard())).empty());
  CHECK(tier_warnings(e2e(deny_y_to_z() + z_guard())) ==
        std::vector<std::string>{"Tier security (order 100): Calico evaluates it before the AdminNetworkPolicy tier "
                                 "(order 1000); evaluated here after the first and before the second"});
}

TEST_CASE("Calico and Kubernetes NetworkPolicies side by side in the default tier", "[policy][calico]") {
  // The Calico policy (order 100) comes before the NetworkPolicy (order 1000);
  // both only allow, so z lets in pods a from anywhere and x/b.
  const Cluster c = e2e(cnp("z", "allow-a",
                            "  order: 100\n  ingress:\n  - action: Allow\n"
                            "    source: {selector: pod == 'a', namespaceSelector: all()}\n") +
                        from_xb());
  check_matrix(c, Protocol::Tcp, 80,
               {"-11111111", "1-1111111", "11-111000", "111-11111", "1111-1000", "11111-000", "111111-11", "1111110-0",
                "11111100-"});
  CHECK(hop(decide_pods(c, "y/a", "z/b"), "ingress") ==
        "ingress: allowed by Calico tier default, NetworkPolicy z/allow-a (order 100), ingress rule 1");
  CHECK(hop(decide_pods(c, "x/b", "z/b"), "ingress") == "ingress: allowed by NetworkPolicy z/from-xb, ingress rule 1");
  const Verdict v = decide_pods(c, "x/c", "z/a");
  check_denied_by(v, Reason::CALICO_END_OF_TIER_DENY, "Calico tier default, NetworkPolicy z/allow-a (order 100)",
                  "end of tier default");
  CHECK(hop(v, "ingress") ==
        "ingress: isolated for ingress in Calico tier default by NetworkPolicy z/allow-a, Kubernetes NetworkPolicy "
        "z/from-xb; no ingress rule allows TCP 80 from x/c-0 (end of tier default: Deny)");
}
