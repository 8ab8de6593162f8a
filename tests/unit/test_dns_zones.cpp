// Cross-cluster names: Route 53 private hosted zones answer only in VPCs
// they are associated with, Cloud Map namespaces register pods, and the
// scenario keys that declare them fail with located errors.
#include <catch2/catch.hpp>

#include "dns_test_world.hpp"
#include "eksim/dns/dns_load.hpp"
#include "eksim/dns/scenario_world.hpp"
#include "eksim/dns/vpc_resolver_zones.hpp"
#include "eksim/scenario/scenario.hpp"

using eksim::dns::LookupFamily;
using eksim::dns::LookupStatus;

namespace {

const std::string kScenario = std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/dns/cross-cluster.yaml";

std::string load_error(const std::string& text) {
  try {
    (void)eksim::scenario::load_scenario_text(text, "bad.yaml", eksim::scenario::ReferencedFiles::ignore);
  } catch (const eksim::scenario::LoadError& e) {
    return e.what();
  }
  return "no error";
}

const char* const kHead = R"(scenario: {name: t}
regions: {us-east-1: {azs: [use1-az1]}}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
  - name: west
    cidrs: [10.1.0.0/16]
)";

}  // namespace

TEST_CASE("a private hosted zone answers in its associated VPC only, and says why elsewhere", "[dns]") {
  const auto s = eksim::scenario::load_scenario(kScenario);
  const auto world = eksim::dns::dns_world(s);
  const auto tuning = eksim::dns::dns_tuning(s);
  std::string error;
  const auto east = world.find_pod("east/shop/web-0", &error);
  const auto west = world.find_pod("west/app/client-0", &error);
  REQUIRE(east);
  REQUIRE(west);

  // From the east: the search list's four misses (ndots:5, one dot), then the name.
  const auto ok = eksim::dns::trace_lookup(world, tuning, *east, "db.corp.internal", LookupFamily::Both, 1);
  CHECK(ok.result.status == LookupStatus::Resolved);
  CHECK(ok.result.answered_name == "db.corp.internal");
  CHECK(ok.result.addresses == std::vector{dns_test::ip(10, 0, 5, 5)});
  CHECK(ok.result.queries == 10);

  // From the west the same name is NXDOMAIN, with the zone and the missing association named.
  const auto no = eksim::dns::trace_lookup(world, tuning, *west, "db.corp.internal", LookupFamily::Both, 1);
  CHECK(no.result.status == LookupStatus::NxDomain);
  REQUIRE(no.result.notes.size() == 1);
  CHECK_THAT(no.result.notes[0], Catch::Contains("private hosted zone corp.internal") &&
                                     Catch::Contains("not associated with VPC west") &&
                                     Catch::Contains("associated: east"));

  // A CNAME inside the zone is followed by the resolver.
  const auto cname = eksim::dns::trace_lookup(world, tuning, *east, "www.corp.internal.", LookupFamily::A, 1);
  CHECK(cname.result.cnames == std::vector<std::string>{"db.corp.internal"});
  CHECK(cname.result.addresses == std::vector{dns_test::ip(10, 0, 5, 5)});
}

TEST_CASE("a Cloud Map namespace associated with both VPCs gives the west the east's pods", "[dns]") {
  const auto s = eksim::scenario::load_scenario(kScenario);
  const auto world = eksim::dns::dns_world(s);
  std::string error;
  const auto west = world.find_pod("west/app/client-0", &error);
  REQUIRE(west);
  const auto r =
      eksim::dns::trace_lookup(world, eksim::dns::dns_tuning(s), *west, "cart.mesh.internal.", LookupFamily::A, 1);
  REQUIRE(r.result.status == LookupStatus::Resolved);
  // The cart Deployment has 2 replicas; their addresses are the instances.
  std::vector<eksim::net::Ipv4Address> cart;
  for (const auto& p : world.pods) {
    if (world.clusters[p.cluster].name == "east" && p.workload == "shop/cart") cart.push_back(p.ip);
  }
  CHECK(cart.size() == 2);
  CHECK(r.result.addresses == cart);
}

TEST_CASE("the resolver: the most specific associated zone wins, EC2 host names, public names", "[dns]") {
  auto w = dns_test::world("us-east-1");
  w.zones.push_back({"corp.internal",
                     "private hosted zone corp.internal",
                     {0},
                     {{"a.corp.internal", eksim::dns::RecordType::A, {dns_test::ip(10, 0, 0, 1)}, "", 300}}});
  w.zones.push_back({"dev.corp.internal", "private hosted zone dev.corp.internal", {0}, {}});
  using eksim::dns::RecordType;
  using eksim::dns::vpc_resolver_answer;
  CHECK(vpc_resolver_answer(w, 0, "a.corp.internal", RecordType::A).positive());
  CHECK(vpc_resolver_answer(w, 0, "a.corp.internal", RecordType::AAAA).nodata());
  // dev.corp.internal is the closer zone and holds no such name.
  CHECK(vpc_resolver_answer(w, 0, "a.dev.corp.internal", RecordType::A).rcode == eksim::dns::Rcode::NxDomain);
  const auto host = vpc_resolver_answer(w, 0, "ip-10-0-1-10.ec2.internal", RecordType::A);
  CHECK(host.addresses == std::vector{dns_test::ip(10, 0, 1, 10)});
  CHECK(vpc_resolver_answer(w, 0, "ip-192-168-1-1.ec2.internal", RecordType::A).rcode == eksim::dns::Rcode::NxDomain);
  CHECK(vpc_resolver_answer(w, 0, "api.example.com", RecordType::A).positive());
  CHECK(vpc_resolver_answer(w, 0, "printer.local", RecordType::A).rcode == eksim::dns::Rcode::NxDomain);
  // A name under no public TLD the model knows, such as the bare 'svc.ns' a
  // search list ends with, is NXDOMAIN and says why.
  const auto bare = vpc_resolver_answer(w, 0, "svc.ns", RecordType::A);
  CHECK(bare.rcode == eksim::dns::Rcode::NxDomain);
  CHECK_THAT(bare.note, Catch::Contains("common top-level domains"));
}

TEST_CASE("DNS scenario keys: located errors with the closest name", "[dns]") {
  const std::string head = kHead;
  CHECK_THAT(load_error(head + "privateHostedZones:\n  - {name: corp.internal, vpcs: [eats]}\n"),
             Catch::StartsWith("bad.yaml:9:34:") && Catch::Contains("unknown VPC 'eats' (did you mean 'east'?)"));
  CHECK_THAT(load_error(head + "privateHostedZones:\n  - name: corp.internal\n    vpcs: [east]\n    records:\n"
                               "      - {name: db.other.internal., values: [10.0.0.1]}\n"),
             Catch::StartsWith("bad.yaml:12:16:") && Catch::Contains("not in zone 'corp.internal'"));
  CHECK_THAT(load_error(head + "privateHostedZones:\n  - name: corp.internal\n    vpcs: [east]\n    records:\n"
                               "      - {name: db, values: [10.0.0.300]}\n"),
             Catch::StartsWith("bad.yaml:12:29:") && Catch::Contains("record value: IPv4 address"));
  CHECK_THAT(load_error(head + "privateHostedZones:\n  - name: corp.internal\n    vpcs: [east]\n    records:\n"
                               "      - {name: db, type: AAA, values: [10.0.0.1]}\n"),
             Catch::Contains("expected A or CNAME, got 'AAA'"));
  CHECK_THAT(load_error(head + "privateHostedZones:\n  - {name: corp.internal, vpcs: [east]}\n"
                               "  - {name: corp.internal, vpcs: [west, east]}\n"),
             Catch::StartsWith("bad.yaml:10:") && Catch::Contains("already associated with VPC 'east'"));
  CHECK_THAT(load_error(head + "privateHostedZones:\n  - {name: \"corp..internal\", vpcs: [east]}\n"),
             Catch::Contains("is not a DNS name"));
  CHECK_THAT(load_error(head + "cloudMap:\n  - {namespace: mesh.internal, vpcs: [east], services: [{name: cart}]}\n"),
             Catch::Contains("give either workload (its pods register) or loadBalancer"));
  CHECK_THAT(
      load_error(
          head +
          "cloudMap:\n  - {namespace: mesh.internal, vpcs: [east], services: [{name: cart, workload: a/b/c}]}\n"),
      Catch::StartsWith("bad.yaml:9:") && Catch::Contains("unknown workload 'a/b/c'"));
  CHECK_THAT(load_error(head + "dns: {parallelAAAA: true}\n"),
             Catch::StartsWith("bad.yaml:8:") && Catch::Contains("did you mean 'parallelAaaa'"));
  CHECK_THAT(load_error(head + "dnsTraffic:\n  - {from: x/y/z, name: a.b, rate: 10/s}\n"),
             Catch::Contains("unknown workload 'x/y/z'"));
}
