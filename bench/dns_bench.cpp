// The DNS model under load: tests/scenarios/dns/resolver-limit.yaml's
// dnsTraffic (1,500 new external names a second from four nodes, one
// CoreDNS replica, the VPC resolver dropping past 1,024 packets/s per ENI)
// run as `eksim dns --load`, with and without NodeLocal DNSCache. Lookups
// per second of wall time; the world (pods, ENIs, zones) is built outside
// the loop, as the CLI builds it once per run. Also one traced lookup
// (`eksim dns --from --name`) and building the DNS world from a scenario.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <string>

#include "eksim/dns/dns_load.hpp"
#include "eksim/dns/scenario_world.hpp"
#include "eksim/scenario/scenario.hpp"

namespace {

const std::string kScenario = std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/dns/resolver-limit.yaml";

const eksim::scenario::Scenario& resolver_limit(bool node_local) {
  static const auto off = eksim::scenario::load_scenario(kScenario);
  static const auto on = [] {
    std::ifstream in(kScenario);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string from = "nodeLocalCache: false";
    text.replace(text.find(from), from.size(), "nodeLocalCache: true");
    return eksim::scenario::load_scenario_text(text, kScenario);
  }();
  return node_local ? on : off;
}

// 20 simulated seconds of arrivals at 1,500/s (~30,000 lookups), each run
// until its last lookup ends (5 s timeouts included).
void dns_load(benchmark::State& state) {
  const auto& s = resolver_limit(state.range(0) != 0);
  const auto world = eksim::dns::dns_world(s);
  std::uint64_t lookups = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    const auto r = eksim::dns::run_dns_load(s, world);
    lookups = 0;
    for (const auto& f : r.flows) lookups += f.lookups;
    events = r.events;
    benchmark::DoNotOptimize(r);
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["lookups"] = static_cast<double>(lookups);
  state.counters["events"] = static_cast<double>(events);
  state.counters["lookups_per_s"] =
      benchmark::Counter(static_cast<double>(lookups) * iterations, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events) * iterations, benchmark::Counter::kIsRate);
}

// One lookup traced query by query on a quiet system (`eksim dns --from
// --name`): an external name through the search path, CoreDNS and the VPC
// resolver.
void traced_lookup(benchmark::State& state) {
  const auto& s = resolver_limit(false);
  const auto world = eksim::dns::dns_world(s);
  const auto tuning = eksim::dns::dns_tuning(s);
  std::string error;
  const auto pod = world.find_pod("app/client-0", &error);
  if (!pod) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        eksim::dns::trace_lookup(world, tuning, *pod, "host-1.example.com", eksim::dns::LookupFamily::A, 7));
  }
}

// The DNS world from a loaded scenario: pods, ENIs, zones, Services.
void build_world(benchmark::State& state) {
  const auto& s = resolver_limit(false);
  for (auto _ : state) benchmark::DoNotOptimize(eksim::dns::dns_world(s));
}

}  // namespace

BENCHMARK(dns_load)->Arg(0)->Arg(1)->ArgName("node_local")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(traced_lookup)->Unit(benchmark::kMicrosecond);
BENCHMARK(build_world)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
