// The VPC resolver's 1,024 packets/s per ENI: the token bucket alone, then a
// load scenario whose forwarded queries overrun one CoreDNS replica's ENI,
// against drop counts worked out by hand from the offered rate; NodeLocal
// DNSCache and a second replica on another node remove the drops.
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <sstream>

#include "eksim/dns/dns_load.hpp"
#include "eksim/dns/scenario_world.hpp"
#include "eksim/dns/token_bucket.hpp"
#include "eksim/scenario/scenario.hpp"

using eksim::sim::Time;

namespace {

const std::string kScenario = std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/dns/resolver-limit.yaml";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The scenario with `from` replaced by `to` in its text, loaded from its own
// folder so the manifests resolve.
eksim::dns::DnsLoadResult run_variant(const std::string& from = "", const std::string& to = "",
                                      const std::function<void(eksim::dns::DnsWorld&)>& tweak = {}) {
  std::string text = read(kScenario);
  if (!from.empty()) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  const auto s = eksim::scenario::load_scenario_text(text, kScenario);
  auto world = eksim::dns::dns_world(s);
  if (tweak) tweak(world);
  return eksim::dns::run_dns_load(s, world);
}

std::uint64_t total_dropped(const eksim::dns::DnsLoadResult& r) {
  std::uint64_t d = 0;
  for (const auto& e : r.resolver) d += e.dropped;
  return d;
}

}  // namespace

TEST_CASE("token bucket: a full second's burst, then 1,024 a second", "[dns]") {
  eksim::dns::TokenBucket b(1'024, 1'024);
  int passed = 0;
  for (int i = 0; i < 1'100; ++i) passed += b.take(Time{}) ? 1 : 0;
  CHECK(passed == 1'024);
  CHECK(b.dropped() == 76);
  // 1 ms refills 1.024 tokens: one packet passes, the next does not.
  CHECK(b.take(Time::ms(1)));
  CHECK_FALSE(b.take(Time::ms(1)));
  // A quiet second refills the whole burst, never more.
  passed = 0;
  for (int i = 0; i < 2'000; ++i) passed += b.take(Time::s(5)) ? 1 : 0;
  CHECK(passed == 1'024);
  // Evenly paced at exactly the rate (one packet per 1/1024 s) never drops.
  eksim::dns::TokenBucket paced(1'024, 1);
  std::uint64_t dropped = 0;
  for (std::int64_t i = 1; i <= 10'240; ++i) dropped += paced.take(Time::ns(i * 976'563)) ? 0 : 1;
  CHECK(dropped == 0);
}

TEST_CASE("one CoreDNS replica's ENI offered 1,500 forwarded queries/s drops the excess", "[dns]") {
  const auto r = run_variant();
  REQUIRE(r.flows.size() == 1);
  const auto& f = r.flows[0];
  CHECK(f.source_pods == 4);
  // Hand computation. Offered: 1,500/s for 20 s = 30,000 packets, one per
  // lookup (A only, every name new, attempts:1 so no retries). All leave from
  // the replica's ENI. The bucket passes its 1,024 burst plus 1,024/s x 20 s
  // = 21,504; the rest, 30,000 - 21,504 = 8,496, are dropped. Poisson
  // arrivals vary the offered count by about sqrt(30,000) = 173 (2%).
  const double expected = 1'500.0 * 20 - (1'024 + 1'024.0 * 20);
  const auto dropped = static_cast<double>(total_dropped(r));
  CHECK(dropped == Approx(expected).epsilon(0.05));
  // Only one ENI sent to the resolver: the replica's.
  REQUIRE(r.resolver.size() == 1);
  // Each dropped packet is one lookup that waited out its 5 s timeout and failed.
  CHECK(f.timeouts == total_dropped(r));
  CHECK(f.resolved + f.timeouts == f.lookups);
  CHECK(f.slower_than_1s == f.timeouts);
  // The latency tail is timeout-sized: 28% of lookups take 5 s, so p90 and
  // above sit at 5 s (within the histogram's 0.4%), the median stays fast.
  CHECK(static_cast<double>(f.latency.quantile(0.90)) == Approx(5e9).epsilon(0.005));
  CHECK(f.latency.max() < Time::s(5).count() + Time::ms(10).count());
  CHECK(f.latency.quantile(0.5) < Time::ms(5).count());
}

TEST_CASE("the default two attempts turn each drop into a 5 s retry", "[dns]") {
  // The clients without their attempts:1 option.
  const auto r = run_variant("", "", [](eksim::dns::DnsWorld& w) {
    for (auto& p : w.pods) {
      if (p.workload == "app/client") p.dns_config.reset();
    }
  });
  const auto& f = r.flows[0];
  CHECK(total_dropped(r) > 0);
  // A lookup whose first query is dropped is retried after 5 s: its latency
  // is 5 s plus a round trip, or it fails at 10 s if the retry is dropped too.
  CHECK(f.slower_than_1s > 0);
  CHECK(f.resolved + f.timeouts == f.lookups);
  CHECK(f.latency.quantile(0.95) >= Time::s(5).count());
  CHECK(f.latency.max() <= Time::s(10).count() + Time::ms(10).count());
  // Every query sent beyond one per lookup is a retry of a dropped one.
  CHECK(f.queries - f.lookups <= total_dropped(r));
}

TEST_CASE("NodeLocal DNSCache or a second replica on another node removes the drops", "[dns]") {
  // NodeLocal: each node forwards from its own primary ENI, 1,500/4 = 375/s each.
  const auto local = run_variant("nodeLocalCache: false", "nodeLocalCache: true");
  CHECK(total_dropped(local) == 0);
  CHECK(local.resolver.size() == 4);
  CHECK(local.flows[0].timeouts == 0);
  CHECK(local.flows[0].latency.max() < Time::ms(100).count());

  // Two replicas, on two nodes: 750/s per ENI, under 1,024.
  const auto two = run_variant("corednsReplicas: 1", "corednsReplicas: 2");
  REQUIRE(two.coredns.size() == 2);
  CHECK(two.resolver.size() == 2);
  CHECK(two.resolver[0].eni != two.resolver[1].eni);
  CHECK(total_dropped(two) == 0);
  CHECK(two.flows[0].timeouts == 0);
}
