// eksim sweep end to end in one process: load the sweep file, load and
// validate every point, run every (point, replication), format the tidy
// table. The grid is tests/sweep/mmc-grid.yaml: 4 points x 3 replications of
// an M/M/4 at 300/s and 600/s for 5 simulated seconds (~27,000 requests).
#include <benchmark/benchmark.h>

#include <string>

#include "eksim/report/sweep_report.hpp"
#include "eksim/sweep/sweep.hpp"

namespace {

const std::string kGrid = std::string(EKSIM_SOURCE_DIR) + "/tests/sweep/mmc-grid.yaml";

void BM_SweepGrid(benchmark::State& state) {
  std::size_t runs = 0;
  for (auto _ : state) {
    const auto spec = eksim::sweep::load_sweep(kGrid);
    eksim::sweep::SerialRunner runner;
    const auto result = eksim::sweep::run_sweep(spec, runner);
    benchmark::DoNotOptimize(eksim::report::sweep_csv(spec, result));
    runs += result.runs.size();
  }
  state.counters["runs/s"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SweepGrid)->Unit(benchmark::kMillisecond);

// Loading one point: re-parse the base scenario, apply the overrides, run
// the scenario loader. The per-point overhead a sweep adds to a run.
void BM_SweepPointLoad(benchmark::State& state) {
  const auto spec = eksim::sweep::load_sweep(kGrid);
  std::size_t point = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(eksim::sweep::point_scenario(spec, point));
    point = (point + 1) % eksim::sweep::point_count(spec);
  }
}
BENCHMARK(BM_SweepPointLoad)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
