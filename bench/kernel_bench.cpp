// The classic hold model (Vaucher & Duval 1975; Jones 1986): N events pending;
// running one schedules another at now + Exp(mean 1 us). Measures the cost
// of one pop, one dispatch and one push at a steady queue size.
//
// bench/peers/ns3_hold.cc runs the same model on ns-3's schedulers with the
// same increment stream, and bench/compare_kernel.py prints the ratio.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>

#include "eksim/sim/event_queue.hpp"
#include "eksim/sim/heap_event_queue.hpp"
#include "eksim/sim/process.hpp"
#include "eksim/sim/random.hpp"
#include "eksim/sim/simulator.hpp"

namespace {

using eksim::sim::RandomStream;
using eksim::sim::Simulator;
using eksim::sim::Task;
using eksim::sim::Time;

constexpr std::int64_t kBatch = 1'000;

struct Hold {
  Simulator& sim;
  RandomStream rng{42, 0, "hold", "increments"};
  void fire() { sim.call_in<&Hold::fire>(rng.exponential(Time::us(1)), *this); }
};

void hold_plain_events(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto sim = std::make_unique<Simulator>();
  Hold hold{*sim};
  for (std::size_t i = 0; i < n; ++i) sim->call_at<&Hold::fire>(hold.rng.exponential(Time::us(1)), hold);
  sim->run_events(n);  // warm up: let the queue reach its steady state
  for (auto _ : state) sim->run_events(kBatch);
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["pending"] = static_cast<double>(sim->pending());
  // Everything the queue holds: its own object, the arena pages its chunks
  // have touched, the run buffer and the slab (see EventQueue::memory_bytes).
  state.counters["bytes_per_pending_event"] =
      static_cast<double>(sim->queue().memory_bytes()) / static_cast<double>(n);
}

// The same model written as N coroutine processes that sleep in a loop:
// the cost of a process step relative to a plain event.
Task<> hold_process(Simulator& sim, RandomStream& rng) {
  for (;;) co_await sim.sleep(rng.exponential(Time::us(1)));
}

void hold_processes(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Simulator sim;
  RandomStream rng(42, 0, "hold", "increments");
  sim.queue().reserve(n);
  for (std::size_t i = 0; i < n; ++i) eksim::sim::spawn(sim, hold_process(sim, rng));
  sim.run_events(2 * n);
  for (auto _ : state) sim.run_events(kBatch);
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// The bare queues without the simulator around them: the radix queue the
// simulator uses against the 4-ary heap it replaced.
void noop(std::uint64_t) {}

template <class Queue>
void hold_queue(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Queue q;
  q.reserve(n);
  RandomStream rng(42, 0, "hold", "increments");
  const auto h = eksim::sim::handler_id<&noop>();
  for (std::size_t i = 0; i < n; ++i) q.push(rng.exponential(Time::us(1)), h, i);
  eksim::sim::Event e;
  auto step = [&] {
    q.pop(e);
    q.push(e.time + rng.exponential(Time::us(1)), e.handler, e.context);
  };
  for (std::size_t i = 0; i < n; ++i) step();
  for (auto _ : state) {
    for (std::int64_t i = 0; i < kBatch; ++i) step();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["bytes_per_pending_event"] = static_cast<double>(q.memory_bytes()) / static_cast<double>(n);
}

// `kernel_bench --instructions N` runs the hold model of hold/eksim at N pending events, 2N of
// warm-up and then 2,000,000 events inside hold_measured(), for instruction counts that do not
// depend on what else the machine is doing:
//   valgrind --tool=callgrind --toggle-collect='*hold_measured*' build/bin/kernel_bench --instructions 1000
// and divide the instructions collected by 2,000,000.
constexpr std::uint64_t kMeasuredEvents = 2'000'000;

[[gnu::noinline]] void hold_measured(Simulator& sim) { sim.run_events(kMeasuredEvents); }

int count_instructions(std::size_t n) {
  auto sim = std::make_unique<Simulator>();
  Hold hold{*sim};
  for (std::size_t i = 0; i < n; ++i) sim->call_at<&Hold::fire>(hold.rng.exponential(Time::us(1)), hold);
  sim->run_events(2 * n);
  hold_measured(*sim);
  return sim->events_run() == 2 * n + kMeasuredEvents ? 0 : 1;
}

void register_all() {
  for (const std::int64_t n : {1'000, 100'000, 1'000'000}) {
    benchmark::RegisterBenchmark("hold/eksim", hold_plain_events)->Arg(n);
    benchmark::RegisterBenchmark("hold/eksim-process", hold_processes)->Arg(n);
    benchmark::RegisterBenchmark("queue/radix", hold_queue<eksim::sim::EventQueue>)->Arg(n);
    benchmark::RegisterBenchmark("queue/heap4", hold_queue<eksim::sim::HeapEventQueue>)->Arg(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--instructions") return count_instructions(std::stoul(argv[2]));
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
