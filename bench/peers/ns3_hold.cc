// ns-3 peer for the kernel "hold model" benchmark (bench/compare_kernel.py reads both).
//
// The hold model keeps N events pending: each event, when run, schedules exactly
// one successor at now + Exp(mean 1 us). We measure it on ns-3's own Simulator the
// way ns-3 users write models: Simulator::Schedule with a plain function, which
// allocates one EventImpl per event. Increments come from eksim's RandomStream, as
// in the eksim benchmark, so the two runs differ only in scheduling and dispatch.
//
// Benchmarks are named hold/ns3-<scheduler>/<N>; items_per_second is events/s.
// Extra flag (before Google Benchmark's own): --ns3_hold_all also runs the
// configurations skipped by default for their run time (see kSchedulers).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <ns3/boolean.h>
#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/simulator.h>
#include <ns3/type-id.h>

#include "eksim/sim/random.hpp"
#include "eksim/sim/time.hpp"

namespace {

using eksim::sim::RandomStream;
using eksim::sim::Time;

constexpr Time kMeanIncrement = Time::us(1);
constexpr std::array<std::int64_t, 3> kPendingCounts = {1'000, 100'000, 1'000'000};

// Events per timed iteration. Large enough that Run()'s entry cost and the
// benchmark loop are noise next to the events, small enough that Google
// Benchmark can fit a sensible number of iterations in the minimum time.
constexpr std::uint64_t kBatch = 1 << 14;

// Untimed events between prefill and measurement, so allocator free lists and
// the scheduler's internal layout (calendar resizes, tree shape) settle. Capped
// so the largest N does not spend seconds warming up.
constexpr std::uint64_t kMaxWarmUp = 1 << 18;

constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();

struct SchedulerKind {
  const char* label;    // in the benchmark name: hold/ns3-<label>/<N>
  const char* type_id;  // ns-3 TypeId name
  bool reverse;         // sets the CalendarScheduler attribute Reverse=true
  // Largest N run without --ns3_hold_all.
  std::int64_t max_default_pending;
};

// Every event scheduler in ns-3 core, each registered only if the installed ns-3
// has it (PriorityQueueScheduler appeared in 3.31, Calendar's Reverse in 3.36).
//
// The calendar queue gets two entries because its ns-3 default is pathological
// here: at N = 1e6 and a 1 us mean, about a thousand events share each
// nanosecond, and a forward-sorted bucket list scans all of them on every insert
// (about 12 k events/s, and over a minute just to prefill). Reverse=true, the
// ns-2 ordering, makes that insert O(1) and is the fastest ns-3 scheduler at
// large N, so "best ns-3" must include it to be fair to ns-3. The default
// calendar at 1e6 is therefore left to --ns3_hold_all.
constexpr std::array<SchedulerKind, 5> kSchedulers = {{
    {"map", "ns3::MapScheduler", false, kUnlimited},
    {"heap", "ns3::HeapScheduler", false, kUnlimited},
    {"calendar", "ns3::CalendarScheduler", false, 100'000},
    {"calendar-reverse", "ns3::CalendarScheduler", true, kUnlimited},
    {"priorityqueue", "ns3::PriorityQueueScheduler", false, kUnlimited},
}};

// State shared with the event handler. ns-3 handlers are plain functions, so
// it is a global; one simulation exists at a time (ns-3's Simulator is a singleton).
struct HoldRun {
  RandomStream increments{42, 0, "hold", "increments"};
  std::uint64_t executed = 0;  // events run by hold_event so far
  std::uint64_t stop_at = 0;   // hold_event stops the simulator at this count
  std::size_t kind = 0;        // index into kSchedulers
  std::int64_t pending = 0;
  // Where steady-state measurement began (end of warm-up), for check_hold.
  std::uint64_t measured_from_events = 0;
  std::uint64_t measured_from_ns3_count = 0;
  std::int64_t measured_from_ns = 0;
};
std::optional<HoldRun> g_run;

ns3::Time next_increment() {
  // NanoSeconds() is how ns-3 code builds delays; ns-3's default resolution is
  // 1 ns, so this is the same integer delay eksim schedules.
  const std::int64_t delay_ns = g_run->increments.exponential(kMeanIncrement).count();
  return ns3::NanoSeconds(static_cast<std::uint64_t>(delay_ns));
}

void hold_event() {
  // The successor is scheduled before any stop, so N events stay pending across batches.
  ns3::Simulator::Schedule(next_increment(), &hold_event);
  if (++g_run->executed == g_run->stop_at) {
    ns3::Simulator::Stop();
  }
}

// Runs exactly `count` events. Run() resumes after Stop() in ns-3 3.37, since
// DefaultSimulatorImpl::Run clears the stop flag on entry, so batches chain.
void run_events(std::uint64_t count) {
  g_run->stop_at = g_run->executed + count;
  ns3::Simulator::Run();
}

// Frees the simulator and every pending EventImpl (Simulator::Destroy unrefs
// them), so the next configuration starts from an empty heap; the next Schedule
// creates a fresh simulator with the default scheduler.
void release_hold() {
  if (g_run) {
    ns3::Simulator::Destroy();
    g_run.reset();
  }
}

// Prefills `pending` events on scheduler `kind` and warms up, unless that exact
// simulation is already running. Google Benchmark 1.7.1 calls the benchmark (and
// any Setup hook) once per iteration-count probe, typically three times; reusing
// the simulation keeps the prefill of a million events to once per benchmark,
// and the hold model is in steady state whenever a probe starts.
void prepare_hold(std::size_t kind, std::int64_t pending) {
  if (g_run && g_run->kind == kind && g_run->pending == pending) {
    return;
  }
  release_hold();
  g_run.emplace();
  g_run->kind = kind;
  g_run->pending = pending;

  ns3::ObjectFactory factory;
  factory.SetTypeId(kSchedulers[kind].type_id);
  if (kSchedulers[kind].reverse) {
    factory.Set("Reverse", ns3::BooleanValue(true));
  }
  ns3::Simulator::SetScheduler(factory);

  // Exponential residual times from 0 are already the stationary state of the
  // hold model (memorylessness), so no long transient is needed.
  for (std::int64_t i = 0; i < pending; ++i) {
    ns3::Simulator::Schedule(next_increment(), &hold_event);
  }
  run_events(std::min(static_cast<std::uint64_t>(pending), kMaxWarmUp));

  g_run->measured_from_events = g_run->executed;
  g_run->measured_from_ns3_count = ns3::Simulator::GetEventCount();
  g_run->measured_from_ns = ns3::Simulator::Now().GetNanoSeconds();
}

// Checks that the run was the hold model: every event ns-3 ran was ours, and the
// event rate over simulated time matches N / mean. N independent exponential
// chains form a Poisson stream of rate N per us, so a span T holds about N*T/us
// events, with relative spread 1/sqrt(events); a wrong time unit or a lost or
// duplicated event shows up here.
std::optional<std::string> check_hold(const HoldRun& run) {
  const std::uint64_t ours = run.executed - run.measured_from_events;
  const std::uint64_t ns3_count = ns3::Simulator::GetEventCount() - run.measured_from_ns3_count;
  if (ours != ns3_count) {
    return "ns-3 ran " + std::to_string(ns3_count) + " events, the handler saw " + std::to_string(ours);
  }
  const std::int64_t span_ns = ns3::Simulator::Now().GetNanoSeconds() - run.measured_from_ns;
  // Below these sizes Poisson noise (>1%) or 1 ns rounding (>0.1%) would dominate.
  if (ours >= 10'000 && span_ns >= 1'000) {
    const double expected = static_cast<double>(run.pending) * static_cast<double>(span_ns) /
                            static_cast<double>(kMeanIncrement.count());
    const double ratio = static_cast<double>(ours) / expected;
    if (std::abs(ratio - 1.0) > 0.05) {
      return "event rate is " + std::to_string(ratio) + " x N/mean: not the hold model";
    }
  }
  return std::nullopt;
}

void bm_hold(benchmark::State& state, std::size_t kind) {
  prepare_hold(kind, state.range(0));  // before the timed loop, so untimed
  std::uint64_t events = 0;
  for (auto _ : state) {
    run_events(kBatch);
    events += kBatch;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["pending"] = static_cast<double>(g_run->pending);
  if (auto error = check_hold(*g_run)) {
    state.SkipWithError(error->c_str());
  }
}

bool scheduler_available(const SchedulerKind& scheduler) {
  ns3::TypeId tid;
  if (!ns3::TypeId::LookupByNameFailSafe(scheduler.type_id, &tid)) {
    return false;
  }
  ns3::TypeId::AttributeInformation info;
  return !scheduler.reverse || tid.LookupAttributeByName("Reverse", &info);
}

void register_benchmarks(bool all) {
  for (std::size_t kind = 0; kind < kSchedulers.size(); ++kind) {
    const SchedulerKind& scheduler = kSchedulers[kind];
    if (!scheduler_available(scheduler)) {
      std::fprintf(stderr, "ns3_hold: this ns-3 has no %s%s; skipped\n", scheduler.type_id,
                   scheduler.reverse ? " with attribute Reverse" : "");
      continue;
    }
    // Arg appends "/<N>". Per-benchmark MinTime or UseRealTime would also append
    // to the name, so the run length comes from --benchmark_min_time (0.5 s default).
    const std::string name = std::string("hold/ns3-") + scheduler.label;
    for (const auto pending : kPendingCounts) {
      if (!all && pending > scheduler.max_default_pending) {
        continue;
      }
      benchmark::RegisterBenchmark(name.c_str(), [kind](benchmark::State& state) { bm_hold(state, kind); })
          ->Arg(pending)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Take our own flag out of argv before Google Benchmark rejects it as unknown.
  bool all = false;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--ns3_hold_all") {
      all = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  argv[argc] = nullptr;

  register_benchmarks(all);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  release_hold();
  benchmark::Shutdown();
  return 0;
}
