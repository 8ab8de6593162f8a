// End to end (issue 6's target): 1,000,000 requests through three clusters
// joined by a Transit Gateway, with DNS lookups and Istio sidecars, in
// under 10 s on one core and at least 2 M kernel events/s. The scenario is
// bench/scenarios/three-clusters.yaml; loading it is timed separately.
#include <benchmark/benchmark.h>

#include <string>

#include "eksim/scenario/scenario.hpp"
#include "eksim/traffic/run.hpp"

namespace {

const eksim::scenario::Scenario& three_clusters() {
  static const auto s =
      eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/bench/scenarios/three-clusters.yaml");
  return s;
}

void load_three_clusters(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/bench/scenarios/three-clusters.yaml"));
  }
}

void run_million_requests(benchmark::State& state) {
  const auto& s = three_clusters();
  std::uint64_t requests = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    const auto r = eksim::traffic::run_scenario(s);
    requests = 0;
    for (const auto& f : r.flows) requests += f.requests;
    events = r.events;
    benchmark::DoNotOptimize(r);
  }
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["events"] = static_cast<double>(events);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["requests_per_s"] = benchmark::Counter(
      static_cast<double>(requests) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(load_three_clusters)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(run_million_requests)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK_MAIN();
