// One test per rule of ../shared/reference/policy-semantics.md (items 1-15
// and AdminNetworkPolicy/BaselineAdminNetworkPolicy) on the upstream e2e
// model of test_policy_model.hpp. Every expected matrix is worked out by hand
// from the rule; rows are sources, columns destinations, in the order
// x/a x/b x/c y/a y/b y/c z/a z/b z/c.
#include <algorithm>

#include "test_policy_model.hpp"

#include "eksim/reach/policy_warnings.hpp"

using eksim::k8s::Protocol;
using eksim::net::Ipv4Address;
using namespace eksim::reach;
using namespace eksim::test_policy;

namespace {

std::string np(const std::string& ns, const std::string& name, const std::string& spec) {
  return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: '" + ns + "'" +
         "}\nspec:\n" + spec + "\n---\n";
}

Verdict decide_pods(const Cluster& c, const std::string& s, const std::string& d, Protocol p, std::uint16_t port) {
  return c.engine.decide(Endpoint::of_pod(pod(c, s)), Endpoint::of_pod(pod(c, d)), p, port);
}

std::string cell(const Cluster& c, const std::string& s, const std::string& d) {
  return c.engine.allowed_pods(pod(c, s), pod(c, d))->to_string();
}

// The e2e Deployments with `from` replaced by `to` inside the one named
// `name` in namespace `ns`; fails unless `from` occurs there exactly once.
std::string edit_pod(std::string pods, const std::string& ns, const std::string& name, const std::string& from,
                     const std::string& to) {
  const auto start = pods.find("metadata: {name: " + name + ", namespace: '" + ns + "'}");
  REQUIRE(start != std::string::npos);
  const auto end = pods.find("---\n", start);
  const auto at = pods.find(from, start);
  REQUIRE(at < end);
  REQUIRE(pods.find(from, at + 1) >= end);
  return pods.replace(at, from.size(), to);
}

// A pod by its full name ("x/c-1"), where pod() takes replica 0.
std::uint32_t replica(const Cluster& c, const std::string& name) {
  for (std::uint32_t i = 0; i < c.engine.pods().pods.size(); ++i) {
    if (c.engine.pods().pods[i].name == name) return i;
  }
  FAIL("no pod " << name);
  return 0;
}

}  // namespace

TEST_CASE("no policy: every pod reaches every other on every protocol", "[policy]") {
  const Cluster c = e2e("");
  check_matrix(c, Protocol::Tcp, 80, kAllAllowed);
  check_matrix(c, Protocol::Sctp, 81, kAllAllowed);
  CHECK(cell(c, "x/a", "z/c") == "All Connections");
}

TEST_CASE("item 1: allow-lists add up, in any order", "[policy]") {
  const std::string p1 = np("x", "allow-b-80",
                            "  podSelector: {matchLabels: {pod: a}}\n"
                            "  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}], ports: [{port: 80}]}]");
  const std::string p2 = np("x", "allow-y-81",
                            "  podSelector: {matchLabels: {pod: a}}\n"
                            "  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}}], ports: [{port: 81}]}]");
  for (const std::string& yaml : {p1 + p2, p2 + p1}) {
    const Cluster c = e2e(yaml);
    // x/a receives TCP 80 from x/b only, TCP 81 from y only; nothing else changes.
    check_matrix(c, Protocol::Tcp, 80,
                 {"-11111111", "1-1111111", "01-111111", "011-11111", "0111-1111", "01111-111", "011111-11",
                  "0111111-1", "01111111-"});
    check_matrix(c, Protocol::Tcp, 81,
                 {"-11111111", "0-1111111", "01-111111", "111-11111", "1111-1111", "11111-111", "011111-11",
                  "0111111-1", "01111111-"});
    CHECK(cell(c, "x/b", "x/a") == "TCP 80");
    CHECK(cell(c, "y/c", "x/a") == "TCP 81");
    CHECK(cell(c, "z/a", "x/a") == "No Connections");
  }
}

TEST_CASE("item 2: isolation is per direction", "[policy]") {
  // x/a isolated for egress only, with no egress rule: it sends nothing but
  // still receives everything. x/b isolated for ingress only.
  const Cluster c = e2e(np("x", "a-no-egress", "  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]") +
                        np("x", "b-no-ingress", "  podSelector: {matchLabels: {pod: b}}\n  policyTypes: [Ingress]"));
  check_matrix(c, Protocol::Tcp, 80,
               {"-00000000", "1-1111111", "10-111111", "101-11111", "1011-1111", "10111-111", "101111-11",
                "1011111-1", "10111111-"});
  const Verdict v = decide_pods(c, "x/a", "y/c", Protocol::Udp, 53);
  REQUIRE(v.blocked);
  CHECK(v.blocked->reason == Reason::NETPOL_EGRESS_DENY);
  CHECK(v.blocked->component == "NetworkPolicy x/a-no-egress");
  CHECK(v.blocked->rule.empty());  // isolation, not a rule
  CHECK(v.path.back().detail == "egress: isolated for egress by NetworkPolicy x/a-no-egress; no egress rule allows UDP 53 to y/c-0");
}

TEST_CASE("item 3: without policyTypes an egress-only policy isolates ingress too", "[policy]") {
  const Cluster c =
      e2e(np("x", "a-to-y", "  podSelector: {matchLabels: {pod: a}}\n"
                            "  egress: [{to: [{namespaceSelector: {matchLabels: {ns: 'y'}}}]}]") +
          // egress: [] is no egress rule: Ingress only, so x/b still sends anywhere.
          np("x", "b-empty", "  podSelector: {matchLabels: {pod: b}}\n  ingress: []\n  egress: []"));
  check_matrix(c, Protocol::Tcp, 80,
               {"-00111000", "0-1111111", "00-111111", "001-11111", "0011-1111", "00111-111", "001111-11",
                "0011111-1", "00111111-"});
}

TEST_CASE("item 4: both ends must allow; replies need no rule", "[policy]") {
  const Cluster c =
      e2e(np("x", "a-to-ya", "  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n"
                             "  egress: [{to: [{namespaceSelector: {matchLabels: {ns: 'y'}}, podSelector: {matchLabels: "
                             "{pod: a}}}]}]") +
          np("y", "a-from-xb", "  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Ingress]\n"
                               "  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: x}}, podSelector: "
                               "{matchLabels: {pod: b}}}]}]"));
  // x/a may only send to y/a, which only takes x/b: x/a reaches nobody.
  check_matrix(c, Protocol::Tcp, 80,
               {"-00000000", "1-1111111", "11-011111", "111-11111", "1110-1111", "11101-111", "111011-11",
                "1110111-1", "11101111-"});
  // Policies are stateful: y/a opens to x/a although x/a could not open to y/a.
  CHECK(decide_pods(c, "y/a", "x/a", Protocol::Tcp, 80).allowed());
  const Verdict back = decide_pods(c, "x/a", "y/a", Protocol::Tcp, 80);
  REQUIRE(back.blocked);
  CHECK(back.blocked->reason == Reason::NETPOL_INGRESS_DENY);
  CHECK(back.blocked->component == "NetworkPolicy y/a-from-xb");
}

TEST_CASE("item 5: a rule {} allows all, ingress: [] allows nothing", "[policy]") {
  const Cluster c = e2e(np("x", "a-all", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{}]") +
                        np("x", "b-none", "  podSelector: {matchLabels: {pod: b}}\n  ingress: []"));
  check_matrix(c, Protocol::Udp, 81,
               {"-01111111", "1-1111111", "10-111111", "101-11111", "1011-1111", "10111-111", "101111-11",
                "1011111-1", "10111111-"});
  const auto outside = Endpoint::of_address(Ipv4Address::from_octets(203, 0, 113, 5));
  CHECK(c.engine.decide(outside, Endpoint::of_pod(pod(c, "x/a")), Protocol::Tcp, 80).allowed());
  const Verdict v = c.engine.decide(outside, Endpoint::of_pod(pod(c, "x/b")), Protocol::Tcp, 80);
  REQUIRE(v.blocked);
  CHECK(v.blocked->reason == Reason::NETPOL_INGRESS_DENY);
}

TEST_CASE("item 5: podSelector {} is the policy's namespace, namespaceSelector {} every pod but no address",
          "[policy]") {
  const Cluster c = e2e(np("x", "a-same-ns", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {}}]}]") +
                        np("x", "b-all-ns", "  podSelector: {matchLabels: {pod: b}}\n  ingress: [{from: [{namespaceSelector: {}}]}]") +
                        np("x", "c-port-only", "  podSelector: {matchLabels: {pod: c}}\n  ingress: [{ports: [{port: 80}]}]"));
  check_matrix(c, Protocol::Tcp, 80,
               {"-11111111", "1-1111111", "11-111111", "011-11111", "0111-1111", "01111-111", "011111-11",
                "0111111-1", "01111111-"});
  check_matrix(c, Protocol::Tcp, 81,
               {"-10111111", "1-0111111", "11-111111", "010-11111", "0101-1111", "01011-111", "010111-11",
                "0101111-1", "01011111-"});
  const auto outside = Endpoint::of_address(Ipv4Address::from_octets(203, 0, 113, 5));
  auto from_outside = [&](const std::string& to, std::uint16_t port) {
    return c.engine.decide(outside, Endpoint::of_pod(pod(c, to)), Protocol::Tcp, port).allowed();
  };
  CHECK_FALSE(from_outside("x/a", 80));
  CHECK_FALSE(from_outside("x/b", 80));  // namespaceSelector {}: pods only
  CHECK(from_outside("x/c", 80));        // no `from`: external addresses too
  CHECK_FALSE(from_outside("x/c", 81));
}

TEST_CASE("item 6: one peer with both selectors is an AND, two peers an OR", "[policy]") {
  const Cluster c = e2e(
      np("x", "a-and", "  podSelector: {matchLabels: {pod: a}}\n"
                       "  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}, podSelector: {matchLabels: {pod: b}}}]}]") +
      np("x", "b-or", "  podSelector: {matchLabels: {pod: b}}\n"
                      "  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}}, {podSelector: {matchLabels: {pod: c}}}]}]"));
  check_matrix(c, Protocol::Tcp, 80,
               {"-01111111", "0-1111111", "01-111111", "011-11111", "1111-1111", "01111-111", "001111-11",
                "0011111-1", "00111111-"});
}

TEST_CASE("item 7: every namespace carries kubernetes.io/metadata.name", "[policy]") {
  // No Namespace manifest writes the label; the selector still finds z.
  const Cluster c = e2e(np("x", "a-from-z", "  podSelector: {matchLabels: {pod: a}}\n"
                                            "  ingress: [{from: [{namespaceSelector: {matchLabels: "
                                            "{kubernetes.io/metadata.name: z}}}]}]"));
  check_matrix(c, Protocol::Tcp, 80,
               {"-11111111", "0-1111111", "01-111111", "011-11111", "0111-1111", "01111-111", "111111-11",
                "1111111-1", "11111111-"});
}

TEST_CASE("item 8: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) are ANDed", "[policy]") {
  const Cluster c = e2e(
      // env NotIn [prod]: y (dev) and z (no env); pod=a with a tier: a.
      np("x", "a", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: "
                   "[{key: env, operator: NotIn, values: [prod]}]}, podSelector: {matchLabels: {pod: a}, "
                   "matchExpressions: [{key: tier, operator: Exists}]}}]}]") +
      // env DoesNotExist: z; tier In [front, back]: a and b.
      np("x", "b", "  podSelector: {matchLabels: {pod: b}}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: "
                   "[{key: env, operator: DoesNotExist}]}, podSelector: {matchExpressions: [{key: tier, operator: In, "
                   "values: [front, back]}]}}]}]") +
      // env Exists: x and y; tier DoesNotExist: c.
      np("x", "c", "  podSelector: {matchLabels: {pod: c}}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: "
                   "[{key: env, operator: Exists}]}, podSelector: {matchExpressions: [{key: tier, operator: "
                   "DoesNotExist}]}}]}]"));
  check_matrix(c, Protocol::Tcp, 80,
               {"-00111111", "0-0111111", "00-111111", "100-11111", "0001-1111", "00111-111", "110111-11",
                "0101111-1", "00011111-"});
}

TEST_CASE("item 9: protocol defaults to TCP, a port-less entry is the whole protocol, endPort is inclusive",
          "[policy]") {
  const Cluster c =
      e2e(np("x", "a-tcp80", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 80}]}]") +
          np("x", "b-udp", "  podSelector: {matchLabels: {pod: b}}\n  ingress: [{ports: [{protocol: UDP}]}]") +
          np("x", "c-sctp-range", "  podSelector: {matchLabels: {pod: c}}\n"
                                  "  ingress: [{ports: [{protocol: SCTP, port: 80, endPort: 81}, {port: 443, endPort: 445}]}]") +
          np("y", "a-same-ns", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {}}]}]"));
  CHECK(cell(c, "x/b", "x/a") == "TCP 80");
  CHECK(cell(c, "x/a", "x/b") == "UDP");
  CHECK(cell(c, "x/a", "x/c") == "TCP 443-445,SCTP 80-81");
  CHECK(cell(c, "y/b", "y/a") == "All Connections");
  CHECK(cell(c, "x/a", "y/a") == "No Connections");
  check_matrix(c, Protocol::Udp, 80,
               {"-10011111", "0-0011111", "01-011111", "010-11111", "0101-1111", "01011-111", "010011-11",
                "0100111-1", "01001111-"});
}

TEST_CASE("item 10: named ports resolve against each destination pod, by name and protocol", "[policy]") {
  const std::string yaml =
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: 'n'}\n---\n" +
      deployment("n", "a", "pod: a", "containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}]}]") +
      deployment("n", "b", "pod: b",
                 "containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}, "
                 "{name: dns, containerPort: 53, protocol: UDP}]}]") +
      deployment("n", "c", "pod: c", "containers: [{name: c, image: i, ports: [{name: metrics, containerPort: 9090}]}]") + np("n", "allow-named", "  podSelector: {}\n  ingress: [{ports: [{port: http}, {port: dns, protocol: UDP}]}]") +
                           np("n", "c-dns-out", "  podSelector: {matchLabels: {pod: c}}\n  policyTypes: [Egress]\n"
                                                "  egress: [{ports: [{port: dns, protocol: UDP}]}]");
  const Cluster c(yaml, {});
  auto at = [&](const std::string& s, const std::string& d) {
    return c.engine.allowed_pods(pod(c, s), pod(c, d))->to_string();
  };
  CHECK(at("n/b", "n/a") == "TCP 80");
  CHECK(at("n/a", "n/b") == "TCP 8080,UDP 53");  // one name, another number
  CHECK(at("n/a", "n/c") == "No Connections");   // no port named http: isolated, nothing allowed
  CHECK(at("n/c", "n/b") == "UDP 53");           // egress `dns` resolves on the destination
  CHECK(at("n/c", "n/a") == "No Connections");
  const auto outside = Endpoint::of_address(Ipv4Address::from_octets(8, 8, 8, 8));
  CHECK_FALSE(c.engine.decide(Endpoint::of_pod(pod(c, "n/c")), outside, Protocol::Udp, 53).allowed());

  // In the e2e model: serve-80-udp exists only as UDP, so a TCP entry by that
  // name matches nothing.
  const Cluster e = e2e(np("x", "a-wrong-protocol", "  podSelector: {matchLabels: {pod: a}}\n"
                                                    "  ingress: [{ports: [{port: serve-80-udp}]}]") +
                        np("x", "b-udp-81", "  podSelector: {matchLabels: {pod: b}}\n"
                                            "  ingress: [{ports: [{port: serve-81-udp, protocol: UDP}]}]"));
  CHECK(cell(e, "y/a", "x/a") == "No Connections");
  CHECK(cell(e, "y/a", "x/b") == "UDP 81");
}

TEST_CASE("item 10 on the e2e model: x/b and y/b declare serve-80-tcp elsewhere", "[policy]") {
  // x/b declares serve-80-tcp at TCP 8080 (another number), y/b as UDP 8081
  // (another protocol, at a number nothing else uses); every other pod keeps
  // serve-80-tcp = TCP 80.
  std::string pods = edit_pod(e2e_pods(), "x", "b", "{name: serve-80-tcp, containerPort: 80, protocol: TCP}",
                              "{name: serve-80-tcp, containerPort: 8080, protocol: TCP}");
  pods = edit_pod(pods, "y", "b", "{name: serve-80-tcp, containerPort: 80, protocol: TCP}",
                  "{name: serve-80-tcp, containerPort: 8081, protocol: UDP}");
  const Cluster c(
      e2e_namespaces() + pods +
          // x: each pod takes TCP serve-80-tcp from anyone: x/a, x/c TCP 80, x/b TCP 8080.
          np("x", "allow-named", "  podSelector: {}\n  ingress: [{ports: [{port: serve-80-tcp}]}]") +
          // y rule 1 (TCP by default): y/a, y/c TCP 80; y/b has no TCP port of
          // that name: nothing, and it stays isolated. y rule 2 (UDP, from z
          // only): only y/b has a UDP serve-80-tcp: UDP 8081 from z.
          np("y", "allow-named",
             "  podSelector: {}\n  ingress: [{ports: [{port: serve-80-tcp}]}, {from: [{namespaceSelector: "
             "{matchLabels: {ns: z}}}], ports: [{port: serve-80-tcp, protocol: UDP}]}]") +
          // z/a sends only TCP serve-80-tcp, resolved on each destination:
          // 80 to x/a x/c y/a y/c z/b z/c, 8080 to x/b, nothing to y/b.
          np("z", "a-named-out", "  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n"
                                 "  egress: [{ports: [{port: serve-80-tcp}]}]"),
      {});
  // TCP 80: columns x/b (its name is at 8080) and y/b (its name is UDP) are
  // closed, z open; z/a's egress closes the same two, so its row is alike.
  check_matrix(c, Protocol::Tcp, 80,
               {"-01101111", "1-1101111", "10-101111", "101-01111", "1011-1111", "10110-111", "101101-11",
                "1011011-1", "10110111-"});
  // TCP 8080: of the isolated pods only x/b; z open, but z/a's serve-80-tcp
  // is 80 on z/b and z/c, so z/a reaches x/b only.
  check_matrix(c, Protocol::Tcp, 8080,
               {"-10000111", "0-0000111", "01-000111", "010-00111", "0100-0111", "01000-111", "010000-00",
                "0100001-1", "01000011-"});
  // UDP 8081: y/b from z/b and z/c (rule 2); z's columns open to everyone
  // but z/a, which sends no UDP; x/*, y/a, y/c closed (no UDP name on them).
  check_matrix(c, Protocol::Udp, 8081,
               {"-00000111", "0-0000111", "00-000111", "000-00111", "0000-0111", "00000-111", "000000-00",
                "0000101-1", "00001011-"});
  // Whole cells: nothing beyond the resolved port.
  CHECK(cell(c, "y/a", "x/b") == "TCP 8080");
  CHECK(cell(c, "y/a", "x/a") == "TCP 80");
  CHECK(cell(c, "z/b", "y/b") == "UDP 8081");
  CHECK(cell(c, "z/c", "y/a") == "TCP 80");  // rule 2 adds no UDP on y/a
  CHECK(cell(c, "x/a", "y/b") == "No Connections");
  CHECK(cell(c, "z/a", "y/b") == "No Connections");
  CHECK(cell(c, "z/a", "x/b") == "TCP 8080");
  CHECK(cell(c, "z/a", "z/c") == "TCP 80");

  // decide(): y/b isolated with nothing for TCP 80; z/a stopped at its own egress.
  const Verdict in = decide_pods(c, "x/a", "y/b", Protocol::Tcp, 80);
  REQUIRE(in.blocked);
  CHECK(in.blocked->reason == Reason::NETPOL_INGRESS_DENY);
  CHECK(in.blocked->component == "NetworkPolicy y/allow-named");
  CHECK(in.blocked->rule.empty());
  CHECK(in.path.back().detail ==
        "ingress: isolated for ingress by NetworkPolicy y/allow-named; no ingress rule allows TCP 80 from x/a-0");
  const Verdict out = decide_pods(c, "z/a", "y/b", Protocol::Udp, 8081);
  REQUIRE(out.blocked);
  CHECK(out.blocked->reason == Reason::NETPOL_EGRESS_DENY);
  CHECK(out.blocked->component == "NetworkPolicy z/a-named-out");
  CHECK(out.path.back().detail ==
        "egress: isolated for egress by NetworkPolicy z/a-named-out; no egress rule allows UDP 8081 to y/b-0");
  const Verdict ok = decide_pods(c, "z/b", "y/b", Protocol::Udp, 8081);
  REQUIRE(ok.allowed());
  REQUIRE(ok.path.size() == 4);
  CHECK(ok.path[2].detail == "ingress: allowed by NetworkPolicy y/allow-named, ingress rule 2");
  const Verdict named = decide_pods(c, "z/a", "x/b", Protocol::Tcp, 8080);
  REQUIRE(named.allowed());
  REQUIRE(named.path.size() == 4);
  CHECK(named.path[1].detail == "egress: allowed by NetworkPolicy z/a-named-out, egress rule 1");
  CHECK(named.path[2].detail == "ingress: allowed by NetworkPolicy x/allow-named, ingress rule 1");
}

TEST_CASE("item 11: policies see the target port after the Service's translation", "[policy]") {
  const Cluster c = e2e(R"(apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec:
  selector: {pod: a}
  ports: [{port: 8080, targetPort: serve-80-tcp}]
---
)" + np("x", "a-80", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 80}]}]"));
  const auto& svc = c.set.services.at(*c.set.find_service("x", "web"));
  const auto& backend = c.set.workloads.at(svc.backends.at(0)).pod;
  const auto target = backend.find_port(svc.ports[0].target_port.name, svc.ports[0].protocol);
  REQUIRE(target);
  CHECK(target->container_port == 80);
  // A client calling web:8080 arrives at x/a on port 80, which the policy allows;
  // a policy written for the Service port would not match.
  CHECK(decide_pods(c, "y/b", "x/a", Protocol::Tcp, target->container_port).allowed());
  CHECK_FALSE(decide_pods(c, "y/b", "x/a", Protocol::Tcp, svc.ports[0].port).allowed());
  // On EKS the agent wants Service port = container port: 8080 -> 80 is warned about, at the Service.
  const auto warnings = policy_warnings(c.set);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].code == PolicyWarningCode::ServicePortMismatch);
  CHECK(warnings[0].where.line == c.set.services[0].where.line);
  CHECK(warnings[0].message.find("port 8080 lands on container port 80 of x/a[Deployment]") != std::string::npos);
}

TEST_CASE("item 11 on the e2e model: a Service port opens nothing, the target port decides", "[policy]") {
  // web: 8080 -> 80 on x/a; alt: 80 -> serve-81-tcp (81) on x/b. The
  // policies allow x/a TCP 80 and x/b TCP 81 from anyone; a connection through
  // a Service reaches the pod on the target port, so 8080 is opened nowhere
  // and alt's port 80 does not open 80 on x/b.
  const Cluster c = e2e(R"(apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec:
  selector: {pod: a}
  ports: [{port: 8080, targetPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: alt, namespace: x}
spec:
  selector: {pod: b}
  ports: [{port: 80, targetPort: serve-81-tcp}]
---
)" + np("x", "a-80", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 80}]}]") +
                        np("x", "b-81", "  podSelector: {matchLabels: {pod: b}}\n  ingress: [{ports: [{port: 81}]}]"));
  // TCP 80: x/a open to all (web's target port), x/b closed (only 81).
  check_matrix(c, Protocol::Tcp, 80,
               {"-01111111", "1-1111111", "10-111111", "101-11111", "1011-1111", "10111-111", "101111-11",
                "1011111-1", "10111111-"});
  // TCP 8080, web's own port: x/a and x/b closed, the rest not isolated.
  check_matrix(c, Protocol::Tcp, 8080,
               {"-01111111", "0-1111111", "00-111111", "001-11111", "0011-1111", "00111-111", "001111-11",
                "0011111-1", "00111111-"});
  // TCP 81, alt's target port: x/b open to all, x/a closed.
  check_matrix(c, Protocol::Tcp, 81,
               {"-11111111", "0-1111111", "01-111111", "011-11111", "0111-1111", "01111-111", "011111-11",
                "0111111-1", "01111111-"});
  CHECK(cell(c, "y/b", "x/a") == "TCP 80");
  CHECK(cell(c, "y/b", "x/b") == "TCP 81");

  const Verdict ok = decide_pods(c, "y/b", "x/a", Protocol::Tcp, 80);
  REQUIRE(ok.allowed());
  REQUIRE(ok.path.size() == 4);
  CHECK(ok.path[2].component == "x/a-0");
  CHECK(ok.path[2].detail == "ingress: allowed by NetworkPolicy x/a-80, ingress rule 1");
  // The Service port is judged as any other port: isolated, no rule, and the
  // explanation names no Service.
  const Verdict svc_port = decide_pods(c, "y/b", "x/a", Protocol::Tcp, 8080);
  REQUIRE(svc_port.blocked);
  CHECK(svc_port.blocked->reason == Reason::NETPOL_INGRESS_DENY);
  CHECK(svc_port.blocked->component == "NetworkPolicy x/a-80");
  CHECK(svc_port.blocked->rule.empty());
  CHECK(svc_port.blocked->message ==
        "TCP 8080 from y/b-0 to x/a-0 is isolated for ingress by NetworkPolicy x/a-80; no ingress rule allows TCP 8080 "
        "from y/b-0");
  const Verdict alt_port = decide_pods(c, "z/c", "x/b", Protocol::Tcp, 80);
  REQUIRE(alt_port.blocked);
  CHECK(alt_port.blocked->component == "NetworkPolicy x/b-81");
  CHECK(alt_port.path.back().detail ==
        "ingress: isolated for ingress by NetworkPolicy x/b-81; no ingress rule allows TCP 80 from z/c-0");
  // Both Services land elsewhere than their port on isolated pods: one EKS warning each, in manifest order.
  const auto warnings = policy_warnings(c.set);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].code == PolicyWarningCode::ServicePortMismatch);
  CHECK(warnings[0].message.find("Service x/web: port 8080 lands on container port 80 of x/a[Deployment]") == 0);
  CHECK(warnings[1].code == PolicyWarningCode::ServicePortMismatch);
  CHECK(warnings[1].message.find("Service x/alt: port 80 lands on container port 81 of x/b[Deployment]") == 0);
}

TEST_CASE("item 12: ipBlock except, another rule may still allow, and the pod-address setting", "[policy]") {
  // Pods are 10.0.0.1 (x/a) .. 10.0.0.9 (z/c); the except 10.0.0.4/31 holds y/a and y/b.
  const std::string yaml =
      np("x", "a-block", "  podSelector: {matchLabels: {pod: a}}\n"
                         "  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.4/31]}}]}]") +
      np("x", "a-from-ya", "  podSelector: {matchLabels: {pod: a}}\n"
                           "  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}, podSelector: "
                           "{matchLabels: {pod: a}}}]}]");
  const Cluster eks = e2e(yaml);  // ipBlock matches pod addresses (EKS)
  check_matrix(eks, Protocol::Tcp, 80,
               {"-11111111", "1-1111111", "11-111111", "111-11111", "0111-1111", "11111-111", "111111-11",
                "1111111-1", "11111111-"});
  const Cluster cilium = e2e(yaml, PolicySettings{false});
  check_matrix(cilium, Protocol::Tcp, 80,
               {"-11111111", "0-1111111", "01-111111", "111-11111", "0111-1111", "01111-111", "011111-11",
                "0111111-1", "01111111-"});
  for (const Cluster* c : {&eks, &cilium}) {
    auto from = [&](Ipv4Address a) {
      return c->engine.decide(Endpoint::of_address(a), Endpoint::of_pod(pod(*c, "x/a")), Protocol::Tcp, 80).allowed();
    };
    CHECK(from(Ipv4Address::from_octets(10, 0, 0, 200)));
    CHECK_FALSE(from(Ipv4Address::from_octets(10, 0, 1, 1)));
  }
  // The outside is cut at every boundary: 10.0.0.0/24 minus 10.0.0.4/31.
  const auto& e = eks.engine;
  CHECK(e.class_name(e.class_of_address(Ipv4Address::from_octets(10, 0, 0, 200))) == "10.0.0.6-10.0.0.255[External]");
  CHECK(e.class_name(e.class_of_address(Ipv4Address::from_octets(10, 0, 0, 250))) == "10.0.0.6-10.0.0.255[External]");
  CHECK(e.class_name(e.class_of_address(Ipv4Address::from_octets(9, 1, 1, 1))) == "0.0.0.0-9.255.255.255[External]");
  CHECK(e.class_name(e.class_of_address(Ipv4Address::from_octets(10, 0, 1, 0))) ==
        "10.0.1.0-255.255.255.255[External]");
  CHECK(e.class_count() - e.pod_class_count() == 5);
}

TEST_CASE("item 13: traffic from the pod's own node is allowed; hostNetwork pods are not policed", "[policy]") {
  const std::string host =
      deployment("x", "h", "pod: h", "hostNetwork: true, containers: [{name: c, image: i, ports: [{containerPort: 9100}]}]");
  const std::vector<NodeInstance> nodes = {{"n1", Ipv4Address::from_octets(192, 168, 0, 1)},
                                           {"n2", Ipv4Address::from_octets(192, 168, 0, 2)}};
  // Round robin: x/a on n1, x/b on n2, ...; x/h (the tenth pod) on n2.
  const Cluster c(e2e_namespaces() + e2e_pods() + host +
                      np("x", "deny-all", "  podSelector: {}\n  policyTypes: [Ingress, Egress]"),
                  {}, nodes);
  const auto xa = Endpoint::of_pod(pod(c, "x/a"));
  const Verdict own = c.engine.decide(Endpoint::of_address(nodes[0].address), xa, Protocol::Tcp, 80);
  CHECK(own.allowed());
  const Verdict other = c.engine.decide(Endpoint::of_address(nodes[1].address), xa, Protocol::Tcp, 80);
  REQUIRE(other.blocked);
  CHECK(other.blocked->reason == Reason::NETPOL_INGRESS_DENY);

  const std::uint32_t h = pod(c, "x/h");
  CHECK(c.engine.pods().pods[h].address == nodes[1].address);
  // deny-all selects x/h too, but the agent does not police the host network.
  CHECK(c.engine.allowed_pods(pod(c, "y/a"), h)->is_all());
  CHECK(c.engine.allowed_pods(h, pod(c, "y/a"))->is_all());
  CHECK(c.engine.allowed_pods(h, pod(c, "x/b"))->is_all());  // same node n2
  CHECK(c.engine.allowed_pods(h, pod(c, "x/a"))->empty());   // n1: x/a is isolated
  const auto warnings = policy_warnings(c.set);
  CHECK(std::count_if(warnings.begin(), warnings.end(), [](const PolicyWarning& w) {
          return w.code == PolicyWarningCode::HostNetworkSelected;
        }) == 1);
}

TEST_CASE("item 14: a pod and itself is left out of the matrix", "[policy]") {
  const Cluster c(deployment("q", "two", "app: two", "containers: [{name: c, image: i}]", 2) +
                      deployment("q", "one", "app: one", "containers: [{name: c, image: i}]"),
                  {});
  const auto& e = c.engine;
  CHECK_FALSE(e.allowed_pods(0, 0).has_value());
  CHECK(e.allowed_pods(0, 1)->is_all());  // the two replicas reach each other
  const std::uint32_t two = e.class_of_pod(0);
  const std::uint32_t one = e.class_of_pod(2);
  REQUIRE(e.class_of_pod(1) == two);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  e.for_each_allowed([&](std::uint32_t s, std::uint32_t d, ConnectionPool::Id) {
    if (!e.endpoint_class(s).external && !e.endpoint_class(d).external) pairs.emplace_back(s, d);
  });
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> expected = {{two, two}, {two, one}, {one, two}};
  CHECK(pairs == expected);
}

TEST_CASE("item 14 on the e2e model: self-pairs left out, a class of two replicas kept", "[policy]") {
  // x/c and y/a run two replicas each (x/c-0, x/c-1, y/a-0, y/a-1): still one
  // class each, nine pod classes in all. x takes ingress from x only (the
  // replicas of x/c reach each other); y/a takes nothing (ingress: []), so its
  // two replicas do not reach each other.
  std::string pods = edit_pod(e2e_pods(), "x", "c", "  replicas: 1\n", "  replicas: 2\n");
  pods = edit_pod(pods, "y", "a", "  replicas: 1\n", "  replicas: 2\n");
  const Cluster c(e2e_namespaces() + pods +
                      np("x", "same-ns", "  podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]") +
                      np("y", "a-none", "  podSelector: {matchLabels: {pod: a}}\n  ingress: []"),
                  {});
  const auto& e = c.engine;
  REQUIRE(e.pods().pods.size() == 11);
  REQUIRE(e.pod_class_count() == 9);
  REQUIRE(e.class_of_pod(replica(c, "x/c-1")) == e.class_of_pod(pod(c, "x/c")));
  REQUIRE(e.class_of_pod(replica(c, "y/a-1")) == e.class_of_pod(pod(c, "y/a")));

  // Every pod and itself: undefined; every other pair: a value.
  for (std::uint32_t s = 0; s < e.pods().pods.size(); ++s) {
    for (std::uint32_t d = 0; d < e.pods().pods.size(); ++d) {
      INFO(e.pods().pods[s].name << " -> " << e.pods().pods[d].name);
      CHECK(e.allowed_pods(s, d).has_value() == (s != d));
    }
  }
  CHECK(e.allowed_pods(replica(c, "x/c-0"), replica(c, "x/c-1"))->is_all());
  CHECK(e.allowed_pods(replica(c, "x/c-1"), replica(c, "x/c-0"))->is_all());
  CHECK(e.allowed_pods(replica(c, "y/a-0"), replica(c, "y/a-1"))->empty());

  // The pod matrix: x from x only, y/a from nobody, the rest open.
  check_matrix(c, Protocol::Tcp, 80,
               {"-11011111", "1-1011111", "11-011111", "000-11111", "0000-1111", "00001-111", "000011-11",
                "0000111-1", "00001111-"});

  // Classes visited by for_each_allowed, in kPods order: the pod matrix
  // without its diagonal, plus x/c to itself (two replicas, allowed); y/a to
  // itself has two replicas but nothing allowed; the other seven hold one pod.
  std::vector<std::string> visited(kPods.size(), std::string(kPods.size(), '0'));
  std::size_t visits = 0;
  auto index = [&](std::uint32_t cls) {
    for (std::size_t i = 0; i < kPods.size(); ++i) {
      if (e.class_of_pod(pod(c, kPods[i])) == cls) return i;
    }
    FAIL("class " << cls << " holds none of kPods");
    return std::size_t{0};
  };
  e.for_each_allowed([&](std::uint32_t s, std::uint32_t d, ConnectionPool::Id id) {
    if (e.endpoint_class(s).external || e.endpoint_class(d).external) return;
    ++visits;
    visited[index(s)][index(d)] = '1';
    if (s == d) CHECK(e.connections(id).is_all());
  });
  const std::vector<std::string> expected = {"011011111", "101011111", "111011111", "000011111", "000001111",
                                             "000010111", "000011011", "000011101", "000011110"};
  CHECK(visited == expected);
  CHECK(visits == 47);  // each pair once: 3 * 2 + 1 into x, 0 into y/a, 8 into each of the other five
}

TEST_CASE("item 15: what the EKS agent would not enforce is warned about, with its place", "[policy]") {
  std::string ports;
  for (int p = 1000; p < 1013; ++p) ports += "{port: " + std::to_string(p) + "}, ";
  std::string more;
  for (int p = 1010; p < 1022; ++p) more += "{port: " + std::to_string(p) + ", protocol: UDP}, ";
  const std::string yaml =
      e2e_namespaces() +
      // 13 TCP + 12 UDP = 25 combinations in one ingress section.
      np("x", "many", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [" + ports + "]}, {ports: [" + more +
                          "]}]") +
      // 13 in, 12 out: each direction within the limit.
      np("x", "split", "  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [" + ports +
                           "]}]\n  egress: [{ports: [" + more + "]}]") +
      np("x", "few", "  podSelector: {matchLabels: {pod: b}}\n  ingress: [{ports: [" + ports + "]}]") +
      np("x", "v6", "  podSelector: {matchLabels: {pod: b}}\n  egress: [{to: [{ipBlock: {cidr: '::/0'}}]}]") +
      R"(apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: x, labels: {pod: a}}
spec: {containers: [{name: c, image: i}]}
---
)" + deployment("x", "win", "pod: b", "nodeSelector: {kubernetes.io/os: windows}, containers: [{name: c, image: i}]") +
      deployment("y", "fg", "pod: f",
                 "nodeSelector: {eks.amazonaws.com/compute-type: fargate}, containers: [{name: c, image: i}]");
  const auto set = eksim::k8s::load_manifest_text(yaml, "limits.yaml");
  const auto warnings = policy_warnings(set);
  std::vector<std::string> got;
  for (const auto& w : warnings) got.push_back(std::string(to_string(w.code)) + "@" + w.where.str());
  INFO([&] {
    std::string s;
    for (const auto& w : warnings) s += w.where.str() + ": " + w.message + "\n";
    return s;
  }());
  // Each namespace takes 4 lines (12), each policy 7 with its --- (split 8):
  // many starts at line 13, v6 at 35 with its peer on line 40, column 18;
  // the Pod at 42; the Windows Deployment at 47. fg (Fargate) is selected by
  // no policy.
  const std::vector<std::string> expected = {"TOO_MANY_PORT_PROTOCOLS@limits.yaml:13:1",
                                             "IPV6_BLOCK_IGNORED@limits.yaml:40:18",
                                             "STANDALONE_POD@limits.yaml:42:1", "UNSUPPORTED_NODE@limits.yaml:47:1"};
  CHECK(got == expected);
}

TEST_CASE("AdminNetworkPolicy before NetworkPolicy before the baseline; Pass hands on", "[policy]") {
  const std::string admin = R"(apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-y}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {ns: x}}}
  ingress:
  - {name: deny-from-y, action: Deny, from: [{namespaces: {matchLabels: {ns: 'y'}}}]}
  - {name: pass-z, action: Pass, from: [{namespaces: {matchLabels: {ns: z}}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: allow-ya}
spec:
  priority: 5
  subject: {namespaces: {matchLabels: {ns: x}}}
  ingress:
  - {name: allow-ya, action: Allow, from: [{pods: {namespaceSelector: {matchLabels: {ns: 'y'}}, podSelector: {matchLabels: {pod: a}}}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {matchLabels: {ns: z}}}
  ingress:
  - {name: deny-x, action: Deny, from: [{namespaces: {matchLabels: {ns: x}}}]}
---
)";
  const Cluster c = e2e(admin + np("x", "allow-from-zb", "  podSelector: {}\n  ingress: [{from: [{namespaceSelector: "
                                                         "{matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: b}}}]}]"));
  // Into x: y/a by the priority-5 Allow (before the priority-10 Deny), y/b and
  // y/c denied, z passed on to the NetworkPolicy (z/b only), x isolated.
  // Into z: x denied by the baseline. Into y: no policy.
  check_matrix(c, Protocol::Tcp, 80,
               {"-00111000", "0-0111000", "00-111000", "111-11111", "0001-1111", "00011-111", "000111-11",
                "1111111-1", "00011111-"});

  const Verdict anp = decide_pods(c, "y/b", "x/a", Protocol::Tcp, 80);
  REQUIRE(anp.blocked);
  CHECK(anp.blocked->reason == Reason::ANP_DENY);
  CHECK(anp.blocked->component == "AdminNetworkPolicy deny-y (priority 10)");
  CHECK(anp.blocked->rule == "ingress rule 'deny-from-y'");
  const Verdict np_deny = decide_pods(c, "z/a", "x/a", Protocol::Tcp, 80);
  REQUIRE(np_deny.blocked);
  CHECK(np_deny.blocked->reason == Reason::NETPOL_INGRESS_DENY);
  CHECK(np_deny.blocked->component == "NetworkPolicy x/allow-from-zb");
  const Verdict banp = decide_pods(c, "x/b", "z/c", Protocol::Udp, 53);
  REQUIRE(banp.blocked);
  CHECK(banp.blocked->reason == Reason::BANP_DENY);
  CHECK(banp.blocked->component == "BaselineAdminNetworkPolicy default");
  CHECK(banp.blocked->rule == "ingress rule 'deny-x'");
  const Verdict ok = decide_pods(c, "z/b", "x/c", Protocol::Tcp, 80);
  REQUIRE(ok.allowed());
  REQUIRE(ok.path.size() == 4);
  CHECK(ok.path[1].detail == "egress: not isolated for egress: no policy selects it");
  CHECK(ok.path[2].component == "x/c-0");
  CHECK(ok.path[2].detail == "ingress: passed on by AdminNetworkPolicy deny-y (priority 10), ingress rule 'pass-z'; "
              "allowed by NetworkPolicy x/allow-from-zb, ingress rule 1");
  const Verdict ya = decide_pods(c, "y/a", "x/b", Protocol::Tcp, 80);
  CHECK(ya.path[2].detail == "ingress: allowed by AdminNetworkPolicy allow-ya (priority 5), ingress rule 'allow-ya'");
}
