// A CoreDNS replica serves one query at a time at its query rate, first come
// first served: simultaneous lookups queue, and the n-th waits n-1 service times.
#include <algorithm>
#include <catch2/catch.hpp>

#include "dns_test_world.hpp"

using eksim::dns::LookupFamily;
using eksim::sim::Time;

TEST_CASE("CoreDNS replica capacity: a FIFO queue at corednsQps", "[dns]") {
  const auto w = dns_test::world("us-west-2", {0});  // one replica, on the client's node
  eksim::dns::DnsTuning tuning;
  tuning.coredns_qps = 100;  // 10 ms per query
  eksim::sim::Simulator sim;
  eksim::dns::DnsSystem sys(sim, w, tuning, 1);
  constexpr int kLookups = 10;
  std::vector<eksim::dns::LookupResult> results(kLookups);
  // Ten lookups of a Service name at the same instant, A only, absolute: one query each.
  for (auto& r : results)
    eksim::sim::spawn(sim, dns_test::into(sys, 0, "svc.app.svc.cluster.local.", LookupFamily::A, r));
  sim.run();
  // Hand computation: 20 us to the replica (same node), k x 10 ms in the
  // queue and at work for the k-th (k = 1..10), 20 us back.
  std::vector<Time> took;
  for (const auto& r : results) took.push_back(r.finished - r.started);
  std::sort(took.begin(), took.end());
  for (int k = 1; k <= kLookups; ++k) {
    CHECK(took[static_cast<std::size_t>(k - 1)] == Time::us(40) + Time::ms(10) * k);
  }
  const auto counters = sys.coredns_counters();
  REQUIRE(counters.size() == 1);
  CHECK(counters[0].queries == 10);
  CHECK(counters[0].waited == 9);  // all but the first found it busy
  // The first query filled the cache (5 s TTL); the nine behind it hit.
  CHECK(counters[0].cache.misses == 1);
  CHECK(counters[0].cache.hits == 9);
}
