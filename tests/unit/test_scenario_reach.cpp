// The scenario's reachability expectations and the endpoint notation:
// what users write in `expect:` and on `eksim explain --from/--to`.
#include <catch2/catch.hpp>

#include "eksim/scenario/endpoint_ref.hpp"
#include "eksim/scenario/scenario.hpp"

using eksim::scenario::load_scenario_text;
using eksim::scenario::LoadError;
using eksim::scenario::parse_endpoint_ref;
using eksim::scenario::parse_port_protocol;

namespace {

// The M/M/c test scenario (cluster c, namespace web, workloads client and
// server) with an `expect:` block appended.
std::string with_expect(const std::string& expect) {
  std::string head = R"(scenario: {name: reach-expect}
regions: {us-east-1: {azs: [use1-az1]}}
vpcs:
  - name: vpc
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: a, az: use1-az1, cidr: 10.0.0.0/20}
clusters:
  - name: c
    vpc: vpc
    nodeGroups:
      - {name: ng, instanceType: m5.large, count: 2, subnets: [a]}
    manifests: [mmc/]
)";
  return head + expect;
}

eksim::scenario::Scenario load(const std::string& text) {
  // Named inside tests/scenarios so that mmc/ resolves.
  return load_scenario_text(text, std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/reach-expect.yaml");
}

std::string load_error(const std::string& text) {
  try {
    load(text);
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("endpoint notation: every form of DESIGN.md's reach output parses back", "[scenario][reach]") {
  std::string error;
  auto w = parse_endpoint_ref("shop/web/frontend", &error);
  REQUIRE(w);
  CHECK(w->cluster == "shop");
  CHECK(w->namespace_name == "web");
  CHECK(w->name == "frontend");
  CHECK(w->kind.empty());

  auto svc = parse_endpoint_ref("web/cart[Service]", &error);
  REQUIRE(svc);
  CHECK(svc->cluster.empty());
  CHECK(svc->kind == "Service");

  auto node = parse_endpoint_ref("shop/general-0[Node]", &error);
  REQUIRE(node);
  CHECK(node->cluster == "shop");
  CHECK(node->name == "general-0");

  auto ip = parse_endpoint_ref("203.0.113.9[External]", &error);
  REQUIRE(ip);
  CHECK(ip->address->to_string() == "203.0.113.9");

  CHECK_FALSE(parse_endpoint_ref("web/cart[Servce]", &error));
  CHECK(error.find("unknown kind 'Servce'") != std::string::npos);
  CHECK_FALSE(parse_endpoint_ref("a/b/c/d", &error));
  CHECK_FALSE(parse_endpoint_ref("frontend", &error));
  CHECK_FALSE(parse_endpoint_ref("web/cart[External]", &error));
  CHECK_FALSE(parse_endpoint_ref("10.0.0.300", &error));
}

TEST_CASE("port notation: number with optional protocol, TCP by default", "[scenario][reach]") {
  std::string error;
  CHECK(parse_port_protocol("8080", &error)->protocol == "TCP");
  CHECK(parse_port_protocol("53/udp", &error)->protocol == "UDP");
  CHECK(parse_port_protocol("9999/SCTP", &error)->port == 9999);
  CHECK_FALSE(parse_port_protocol("0/TCP", &error));
  CHECK_FALSE(parse_port_protocol("65536", &error));
  CHECK_FALSE(parse_port_protocol("80/ICMP", &error));
  CHECK_FALSE(parse_port_protocol("http", &error));
}

TEST_CASE("reachability expectations load beside latency ones", "[scenario][reach]") {
  const auto s = load(with_expect(R"(policy: {ipBlockMatchesPods: false}
expect:
  - {from: c/web/client, to: c/web/server, port: 8080/TCP, allowed: true}
  - {from: web/server, to: 203.0.113.9, port: 443, allowed: false}
)"));
  REQUIRE(s.reach_expectations.size() == 2);
  CHECK_FALSE(s.policy.ip_block_matches_pods);
  CHECK(s.reach_expectations[0].allowed);
  CHECK(s.reach_expectations[0].port.port == 8080);
  CHECK(s.reach_expectations[0].where.ends_with(":16:5"));
  CHECK(s.reach_expectations[1].to.is_address());
  CHECK_FALSE(s.reach_expectations[1].allowed);
}

TEST_CASE("reachability expectations: bad input names its place and the closest name", "[scenario][reach]") {
  CHECK(load_error(with_expect("expect:\n  - {from: c/web/clinet, to: c/web/server, port: 80, allowed: true}\n")) ==
        std::string(EKSIM_SOURCE_DIR) +
            "/tests/scenarios/reach-expect.yaml:15:12: endpoint 'c/web/clinet': cluster 'c' has no workload "
            "'web/clinet' (did you mean 'web/client'?)");
  CHECK(load_error(with_expect("expect:\n  - {from: d/web/client, to: c/web/server, port: 80, allowed: true}\n"))
            .ends_with(":15:12: endpoint 'd/web/client': unknown cluster 'd' (did you mean 'c'?)"));
  CHECK(load_error(with_expect("expect:\n  - {from: c/web/client, to: c/web/server, port: 80/ICMP, allowed: true}\n"))
            .ends_with(":15:50: reachability expectation port '80/ICMP': protocol must be TCP, UDP or SCTP"));
  CHECK(load_error(with_expect("expect:\n  - {from: c/web/client, to: c/web/server, port: 80}\n"))
            .find("missing required key 'allowed'") != std::string::npos);
  CHECK(load_error(with_expect("expect:\n  - {from: c/web/client, to: \"web/server[Service]\", port: 80, allowed: true}\n"))
            .find("has no Service 'web/server'") != std::string::npos);
  CHECK(load_error(with_expect("expect:\n  - {from: \"c/ng-7[Node]\", to: c/web/server, port: 80, allowed: true}\n"))
            .find("has no node 'ng-7' (did you mean 'ng-1'?)") != std::string::npos);
  CHECK(load_error(with_expect("policy: {ipBlockMatchesPod: true}\n"))
            .find("did you mean 'ipBlockMatchesPods'") != std::string::npos);
}
