// Caching: CoreDNS's `cache 30` (TTL capped at 30 s, at least 5 s, 9,984
// entries per store), the kubernetes plugin's 5 s TTL, NodeLocal DNSCache's
// 5 s denials; repeated lookups inside the TTL are hits, after it misses.
#include <catch2/catch.hpp>

#include "dns_test_world.hpp"
#include "eksim/dns/dns_cache.hpp"

using eksim::dns::Answer;
using eksim::dns::DnsCache;
using eksim::dns::LookupFamily;
using eksim::dns::Rcode;
using eksim::dns::RecordType;
using eksim::sim::Time;

namespace {

Answer positive(std::int64_t ttl) {
  Answer a;
  a.rcode = Rcode::NoError;
  a.addresses = {dns_test::ip(10, 0, 0, 1)};
  a.ttl_seconds = ttl;
  return a;
}

Answer denial(std::int64_t ttl) {
  Answer a;
  a.rcode = Rcode::NxDomain;
  a.ttl_seconds = ttl;
  return a;
}

// Lookups from the client at the given instants, on one simulator so caches persist.
struct Series {
  std::vector<eksim::dns::LookupResult> results;
  std::vector<eksim::dns::ServerCounters> coredns;
  std::vector<eksim::dns::ServerCounters> node_local;
  std::uint64_t forwarded = 0;
};

eksim::sim::Task<> at(eksim::sim::Simulator& sim, eksim::dns::DnsSystem& sys, Time when, std::string name,
                      eksim::dns::LookupResult& out) {
  co_await sim.sleep(when);
  out = co_await sys.lookup(0, std::move(name), LookupFamily::A);
}

Series series(const eksim::dns::DnsWorld& w, const std::string& name, const std::vector<Time>& when) {
  Series s;
  s.results.resize(when.size());
  eksim::sim::Simulator sim;
  eksim::dns::DnsSystem sys(sim, w, {}, 3);
  for (std::size_t i = 0; i < when.size(); ++i) eksim::sim::spawn(sim, at(sim, sys, when[i], name, s.results[i]));
  sim.run();
  s.coredns = sys.coredns_counters();
  s.node_local = sys.node_local_counters();
  for (const auto& e : sys.resolver_counters()) s.forwarded += e.passed;
  return s;
}

}  // namespace

TEST_CASE("cache 30: TTL capped at 30 s, raised to 5 s, denials kept their TTL", "[dns]") {
  DnsCache c({}, 1);
  CHECK(c.keep_for(positive(300)) == Time::s(30));
  CHECK(c.keep_for(positive(10)) == Time::s(10));
  CHECK(c.keep_for(positive(1)) == Time::s(5));
  CHECK(c.keep_for(denial(900)) == Time::s(30));
  c.insert("a.example.com", RecordType::A, positive(10), Time{});
  CHECK(c.lookup("a.example.com", RecordType::A, Time::s(9)).has_value());
  CHECK_FALSE(c.lookup("a.example.com", RecordType::AAAA, Time::s(9)).has_value());  // another key
  CHECK_FALSE(c.lookup("a.example.com", RecordType::A, Time::s(10)).has_value());    // expired
  CHECK(c.stats().hits == 1);
  CHECK(c.stats().misses == 2);
}

TEST_CASE("cache capacity: a full denial store drops its least recently used entry", "[dns]") {
  DnsCache c({4, 2, 30, 30, 5}, 1);
  c.insert("x", RecordType::A, denial(30), Time{});
  c.insert("y", RecordType::A, denial(30), Time{});
  CHECK(c.lookup("x", RecordType::A, Time::s(1)).has_value());  // x now more recent than y
  c.insert("z", RecordType::A, denial(30), Time::s(2));
  CHECK(c.stats().evictions == 1);
  CHECK_FALSE(c.lookup("y", RecordType::A, Time::s(3)).has_value());
  CHECK(c.lookup("x", RecordType::A, Time::s(3)).has_value());
  CHECK(c.lookup("z", RecordType::A, Time::s(3)).has_value());
  // The success store holds 4 at most, evicting at random.
  for (int i = 0; i < 10; ++i) c.insert("p" + std::to_string(i), RecordType::A, positive(30), Time::s(3));
  CHECK(c.size() == 4 + 2);
  // The default capacity is 256 shards x 39.
  CHECK(eksim::dns::CacheSettings{}.success_capacity == 9'984);
  CHECK(eksim::dns::CacheSettings{}.denial_capacity == 9'984);
}

TEST_CASE("a Service name is cached 5 s by CoreDNS: hits inside, a miss after", "[dns]") {
  const auto w = dns_test::world();  // one CoreDNS replica
  // Lookups at 0, 2 s, 4.9 s (inside the kubernetes plugin's 5 s TTL), 6 s
  // (expired: miss, cached again until 11 s) and 8 s (hit). The name is
  // absolute, so each lookup is one query.
  const auto s = series(w, "svc.app.svc.cluster.local.", {Time{}, Time::s(2), Time::ms(4'900), Time::s(6), Time::s(8)});
  REQUIRE(s.coredns.size() == 1);
  CHECK(s.coredns[0].queries == 5);
  CHECK(s.coredns[0].cache.misses == 2);
  CHECK(s.coredns[0].cache.hits == 3);
  CHECK(s.forwarded == 0);
  for (const auto& r : s.results) CHECK(r.status == eksim::dns::LookupStatus::Resolved);
}

TEST_CASE("an external name is cached 30 s, not its own 60 s", "[dns]") {
  const auto w = dns_test::world();
  const auto s = series(w, "api.example.com.", {Time{}, Time::s(29), Time::s(31), Time::s(45)});
  // 0: miss, forwarded; 29: hit; 31: expired at 30, miss, forwarded; 45: hit.
  CHECK(s.coredns[0].cache.misses == 2);
  CHECK(s.coredns[0].cache.hits == 2);
  CHECK(s.forwarded == 2);
}

TEST_CASE("NodeLocal DNSCache answers repeats itself; CoreDNS sees only its misses", "[dns]") {
  auto w = dns_test::world();
  w.clusters[0].node_local_cache = true;
  // A search-list lookup of 'svc.ns': 'svc.ns.app.svc.cluster.local' is
  // NXDOMAIN (denial kept 5 s), then 'svc.ns.svc.cluster.local' answers
  // (kept 5 s). At 0 and 3 s: 2 misses then 2 hits at the node; at 7 s both
  // expired: 2 misses again. CoreDNS gets the 4 node misses; its own cache
  // (also 5 s) misses all 4 because it is asked only after the node's expired.
  const auto s = series(w, "svc.ns", {Time{}, Time::s(3), Time::s(7)});
  REQUIRE(s.node_local.size() == 4);  // one per node; only the client's node is asked
  CHECK(s.node_local[0].name == "node-local-dns on c/ng-0");
  CHECK(s.node_local[0].queries == 6);
  CHECK(s.node_local[0].cache.misses == 4);
  CHECK(s.node_local[0].cache.hits == 2);
  for (std::size_t n = 1; n < 4; ++n) CHECK(s.node_local[n].queries == 0);
  CHECK(s.coredns[0].queries == 4);
  CHECK(s.coredns[0].cache.misses == 4);
}
