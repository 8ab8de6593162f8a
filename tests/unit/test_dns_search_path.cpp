// The pod resolver: resolv.conf from dnsPolicy and dnsConfig, and the names
// glibc tries, against the ndots table of aws-eks-facts.md section 2.5 and
// hand computations for ndots:2 and for glibc's timeouts.
#include <catch2/catch.hpp>

#include "dns_test_world.hpp"
#include "eksim/dns/name_expansion.hpp"
#include "eksim/dns/resolv_conf.hpp"

using eksim::dns::LookupFamily;
using eksim::dns::LookupStatus;
using eksim::sim::Time;

namespace {

struct Row {
  const char* name;
  std::vector<std::string> tried;  // names asked, in order
  int queries_a;
  int queries_a_aaaa;
  std::uint64_t forwarded;  // names forwarded to the VPC resolver
};

void check_row(const eksim::dns::DnsWorld& w, const Row& row) {
  INFO("lookup " << row.name);
  const auto a = dns_test::lookup(w, row.name, LookupFamily::A);
  CHECK(a.result.status == LookupStatus::Resolved);
  CHECK(a.names() == row.tried);
  CHECK(a.queries.size() == static_cast<std::size_t>(row.queries_a));
  CHECK(a.result.queries == row.queries_a);
  CHECK(a.forwarded == row.forwarded);
  const auto both = dns_test::lookup(w, row.name, LookupFamily::Both);
  CHECK(both.result.status == LookupStatus::Resolved);
  CHECK(both.names() == row.tried);
  CHECK(both.queries.size() == static_cast<std::size_t>(row.queries_a_aaaa));
  // Each forwarded name costs one packet per type at the resolver.
  CHECK(both.forwarded == 2 * row.forwarded);
}

}  // namespace

TEST_CASE("ClusterFirst resolv.conf on EKS: kube-dns, four search domains, ndots:5", "[dns]") {
  eksim::dns::NodeResolver node{dns_test::ip(172, 20, 0, 10), "cluster.local", dns_test::ip(10, 0, 0, 2),
                                eksim::dns::ec2_domain("us-west-2")};
  const auto conf = eksim::dns::pod_resolv_conf(eksim::k8s::DnsPolicy::ClusterFirst, false, std::nullopt, "app", node);
  CHECK(conf.text() ==
        "nameserver 172.20.0.10\n"
        "search app.svc.cluster.local svc.cluster.local cluster.local us-west-2.compute.internal\n"
        "options ndots:5 timeout:5 attempts:2\n");
  CHECK(eksim::dns::ec2_domain("us-east-1") == "ec2.internal");

  // hostNetwork with ClusterFirst falls back to the node's resolv.conf.
  const auto host = eksim::dns::pod_resolv_conf(eksim::k8s::DnsPolicy::ClusterFirst, true, std::nullopt, "app", node);
  CHECK(host.text() ==
        "nameserver 10.0.0.2\nsearch us-west-2.compute.internal\noptions ndots:1 timeout:5 attempts:2\n");
  const auto with_net =
      eksim::dns::pod_resolv_conf(eksim::k8s::DnsPolicy::ClusterFirstWithHostNet, true, std::nullopt, "app", node);
  CHECK(with_net.nameservers == std::vector{dns_test::ip(172, 20, 0, 10)});

  // dnsConfig merges: nameservers and searches appended, options override by name.
  eksim::k8s::DnsConfig cfg;
  cfg.nameservers = {"10.9.9.9"};
  cfg.searches = {"corp.internal"};
  cfg.options = {{"ndots", "2"}, {"timeout", "1"}, {"attempts", "3"}, {"single-request", std::nullopt}};
  const auto merged = eksim::dns::pod_resolv_conf(eksim::k8s::DnsPolicy::ClusterFirst, false, cfg, "app", node);
  CHECK(merged.nameservers == std::vector{dns_test::ip(172, 20, 0, 10), dns_test::ip(10, 9, 9, 9)});
  CHECK(merged.searches.back() == "corp.internal");
  CHECK(merged.ndots == 2);
  CHECK(merged.timeout == Time::s(1));
  CHECK(merged.attempts == 3);
  CHECK(merged.single_request);

  // None takes dnsConfig alone, and needs a nameserver.
  const auto none = eksim::dns::pod_resolv_conf(eksim::k8s::DnsPolicy::None, false, cfg, "app", node);
  CHECK(none.nameservers == std::vector{dns_test::ip(10, 9, 9, 9)});
  CHECK(none.searches == std::vector<std::string>{"corp.internal"});
  CHECK_THROWS_AS(eksim::dns::pod_resolv_conf(eksim::k8s::DnsPolicy::None, false, std::nullopt, "app", node),
                  std::invalid_argument);
}

TEST_CASE("glibc search order: absolute names once, enough dots first, too few dots last", "[dns]") {
  eksim::dns::ResolvConf conf;
  conf.ndots = 2;
  conf.searches = {"a.example", "b.example"};
  using V = std::vector<std::string>;
  CHECK(eksim::dns::candidate_names("x", conf) == V{"x.a.example", "x.b.example", "x"});
  CHECK(eksim::dns::candidate_names("x.y.z", conf) == V{"x.y.z", "x.y.z.a.example", "x.y.z.b.example"});
  CHECK(eksim::dns::candidate_names("X.Y.Z.", conf) == V{"x.y.z"});
}

TEST_CASE("the ndots:5 table of aws-eks-facts.md 2.5, query by query", "[dns]") {
  const auto w = dns_test::world("us-west-2");
  const std::string ci = "us-west-2.compute.internal";
  // Columns: names tried, queries with A only, with A+AAAA, names forwarded.
  check_row(w, {"svc", {"svc.app.svc.cluster.local"}, 1, 2, 0});
  check_row(w, {"svc.ns", {"svc.ns.app.svc.cluster.local", "svc.ns.svc.cluster.local"}, 2, 4, 0});
  check_row(w,
            {"svc.ns.svc.cluster.local",
             {"svc.ns.svc.cluster.local.app.svc.cluster.local", "svc.ns.svc.cluster.local.svc.cluster.local",
              "svc.ns.svc.cluster.local.cluster.local", "svc.ns.svc.cluster.local." + ci, "svc.ns.svc.cluster.local"},
             5,
             10,
             1});
  check_row(w, {"api.example.com",
                {"api.example.com.app.svc.cluster.local", "api.example.com.svc.cluster.local",
                 "api.example.com.cluster.local", "api.example.com." + ci, "api.example.com"},
                5,
                10,
                2});
  check_row(w, {"api.example.com.", {"api.example.com"}, 1, 2, 1});
}

TEST_CASE("with ndots:2 names of two or more dots go out as they are first", "[dns]") {
  auto w = dns_test::world("us-west-2");
  eksim::k8s::DnsConfig cfg;
  cfg.options = {{"ndots", "2"}};
  w.pods[0].dns_config = cfg;
  // Hand computation: 'svc' (0 dots) and 'svc.ns' (1 dot) are below 2, so
  // unchanged. 'svc.ns.svc.cluster.local' (4 dots) is asked as is first and
  // answered by the kubernetes plugin: 1 name, none forwarded (was 5 and 1).
  // 'api.example.com' (2 dots) is asked as is first and forwarded once
  // (was 5 names, 2 forwarded). The FQDN does not change.
  check_row(w, {"svc", {"svc.app.svc.cluster.local"}, 1, 2, 0});
  check_row(w, {"svc.ns", {"svc.ns.app.svc.cluster.local", "svc.ns.svc.cluster.local"}, 2, 4, 0});
  check_row(w, {"svc.ns.svc.cluster.local", {"svc.ns.svc.cluster.local"}, 1, 2, 0});
  check_row(w, {"api.example.com", {"api.example.com"}, 1, 2, 1});
  check_row(w, {"api.example.com.", {"api.example.com"}, 1, 2, 1});
}

TEST_CASE("us-east-1 nodes search ec2.internal", "[dns]") {
  const auto w = dns_test::world("us-east-1");
  const auto run = dns_test::lookup(w, "db.corp.internal", LookupFamily::A);
  CHECK(run.result.status == LookupStatus::NxDomain);
  REQUIRE(run.names().size() == 5);
  CHECK(run.names()[3] == "db.corp.internal.ec2.internal");
  // The three cluster suffixes stay in the cluster; the EC2 domain and the
  // bare name (its TLD is not public) are forwarded.
  CHECK(run.forwarded == 2);
}

TEST_CASE("kubernetes plugin answers: headless, ExternalName, pod names", "[dns]") {
  auto w = dns_test::world();
  eksim::dns::WorldService headless;
  headless.namespace_name = "app";
  headless.name = "db";
  headless.headless = true;
  headless.endpoints = {0};
  w.services.push_back(headless);
  eksim::dns::WorldService ext;
  ext.namespace_name = "app";
  ext.name = "mail";
  ext.type = eksim::k8s::ServiceType::ExternalName;
  ext.external_name = "smtp.example.com";
  w.services.push_back(ext);

  auto run = dns_test::lookup(w, "db", LookupFamily::A);
  CHECK(run.result.addresses == std::vector{w.pods[0].ip});
  run = dns_test::lookup(w, "mail", LookupFamily::A);
  REQUIRE(run.result.status == LookupStatus::Resolved);
  CHECK(run.result.cnames == std::vector<std::string>{"smtp.example.com"});
  CHECK(run.forwarded == 1);  // CoreDNS chases the target through forward
  run = dns_test::lookup(w, "10-0-9-7.app.pod.cluster.local.", LookupFamily::A);
  CHECK(run.result.addresses == std::vector{dns_test::ip(10, 0, 9, 7)});
  run = dns_test::lookup(w, "nosuch.app.svc.cluster.local.", LookupFamily::Both);
  CHECK(run.result.status == LookupStatus::NxDomain);
  CHECK(run.forwarded == 0);
}

TEST_CASE("glibc timeouts: (timeout << ns) / nscount per server, attempts rounds", "[dns]") {
  auto w = dns_test::world();
  // Three nameservers nothing answers: none of them is modelled.
  eksim::k8s::DnsConfig cfg;
  cfg.nameservers = {"192.0.2.1", "192.0.2.2", "192.0.2.3"};
  w.pods[0].dns_policy = eksim::k8s::DnsPolicy::None;
  w.pods[0].dns_config = cfg;
  // Per round: 5 s, then (5 << 1) / 3 = 3 s, then (5 << 2) / 3 = 6 s in whole
  // seconds: 14 s; two attempts: 28 s. One name (no search list).
  const auto run = dns_test::lookup(w, "x.", LookupFamily::Both);
  CHECK(run.result.status == LookupStatus::Timeout);
  CHECK(run.result.finished - run.result.started == Time::s(28));
  CHECK(run.result.queries == 2 * 3 * 2);  // A and AAAA to 3 servers in 2 rounds

  // One server, options timeout:1 attempts:3: 3 s.
  cfg.nameservers = {"192.0.2.1"};
  cfg.options = {{"timeout", "1"}, {"attempts", "3"}};
  w.pods[0].dns_config = cfg;
  const auto short_run = dns_test::lookup(w, "x.", LookupFamily::A);
  CHECK(short_run.result.finished - short_run.result.started == Time::s(3));
}

TEST_CASE("glibc: a try that gets one of its two answers is repeated one query at a time", "[dns]") {
  auto w = dns_test::world();
  w.pods[0].dns_policy = eksim::k8s::DnsPolicy::Default;  // straight to the VPC resolver
  eksim::dns::DnsTuning tuning;
  tuning.resolver_pps = 1;  // one packet a second, none saved up beyond one
  tuning.resolver_burst = 1;
  // Hand computation. 0 s: A and AAAA go out together; the bucket's one token
  // lets A through, AAAA is dropped. At 5 s the try has one answer, so glibc
  // asks again one query at a time (RES_SNGLKUP): A passes (the bucket holds
  // one token again), AAAA right behind it is dropped. At 10 s the same on a
  // new socket (RES_SNGLKUPREOP). At 15 s glibc settles for the A answer:
  // resolved after 15 s and 6 queries, without using the second attempt.
  const auto run = dns_test::lookup(w, "api.example.com.", LookupFamily::Both, 0, tuning);
  CHECK(run.result.status == LookupStatus::Resolved);
  CHECK(run.result.finished - run.result.started == Time::s(15));
  CHECK(run.result.queries == 6);
  REQUIRE(run.queries.size() == 6);
  CHECK(run.queries[2].sent == Time::s(5));
  CHECK(run.queries[2].type == eksim::dns::RecordType::A);
  CHECK(run.queries[3].type == eksim::dns::RecordType::AAAA);
  CHECK(run.queries[3].sent == Time::s(5) + tuning.resolver_round_trip);
  CHECK_THAT(run.queries[5].outcome, Catch::Contains("dropped at c/ng-0/eni-0"));
}
