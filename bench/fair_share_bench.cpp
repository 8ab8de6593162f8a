// Max-min fair sharing under churn: N transfers in flight between the nodes
// of a cluster, each crossing its source node's egress and its destination's
// ingress (a NIC of 10 Gbps each way), a third of them also a Transit
// Gateway attachment (50 Gbps) shared by all, every one held to EC2's
// 5 Gbps single-flow limit. One iteration finishes a random transfer and
// starts another, as a request-level simulation does when a response ends
// and a new request begins; each re-solves the component it touches.
//
// Counters: `changed` is the mean number of transfers whose rate moved per
// start or finish (the completion events a simulator reschedules);
// `mallocs` is heap allocations per iteration once warm, which the design
// wants at 0.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "eksim/sim/random.hpp"
#include "eksim/traffic/fair_share.hpp"

extern "C" {
void* __libc_malloc(std::size_t) noexcept;
void* __libc_calloc(std::size_t, std::size_t) noexcept;
void* __libc_realloc(void*, std::size_t) noexcept;
}

namespace {
std::uint64_t g_mallocs = 0;
}  // namespace

// Counts every allocation of the process (operator new and Eigen's both end
// in malloc), so the benchmark sees allocations no header can hide. glibc
// exports its allocator under these names for exactly this kind of wrapper.
extern "C" {
void* malloc(std::size_t n) noexcept {
  ++g_mallocs;
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) noexcept {
  ++g_mallocs;
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) noexcept {
  ++g_mallocs;
  return __libc_realloc(p, n);
}
}

namespace {

using eksim::traffic::FairShareNetwork;
using eksim::traffic::LinkId;
using eksim::traffic::TransferId;

constexpr double kNic = 10e9 / 8;     // bytes/s
constexpr double kTgw = 50e9 / 8;
constexpr double kFlowCap = 5e9 / 8;  // EC2 single-flow limit

struct Cluster {
  FairShareNetwork net;
  std::vector<LinkId> egress;
  std::vector<LinkId> ingress;
  LinkId tgw = 0;
  std::vector<TransferId> active;
  eksim::sim::RandomStream rng{1, 0, "fair-share-bench", "churn"};
  LinkId path[3] = {0, 0, 0};

  explicit Cluster(std::size_t transfers) {
    // About ten transfers per NIC.
    const std::size_t nodes = transfers / 10 + 2;
    for (std::size_t i = 0; i < nodes; ++i) {
      egress.push_back(net.add_link(kNic));
      ingress.push_back(net.add_link(kNic));
    }
    tgw = net.add_link(kTgw);
    active.reserve(transfers);
    for (std::size_t i = 0; i < transfers; ++i) active.push_back(start());
  }

  TransferId start() {
    const std::size_t nodes = egress.size();
    const std::size_t src = rng.uniform_below(nodes);
    const std::size_t dst = (src + 1 + rng.uniform_below(nodes - 1)) % nodes;
    path[0] = egress[src];
    path[1] = ingress[dst];
    path[2] = tgw;
    const std::size_t hops = rng.uniform_below(3) == 0 ? 3 : 2;
    return net.start(std::span<const LinkId>(path, hops), kFlowCap);
  }
};

void churn(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Cluster c(n);
  // Warm up: let every buffer reach its high-water mark.
  for (std::size_t i = 0; i < 10 * n + 1000; ++i) {
    const std::size_t k = c.rng.uniform_below(n);
    c.net.finish(c.active[k]);
    c.active[k] = c.start();
  }
  std::uint64_t changed = 0;
  const std::uint64_t mallocs_before = g_mallocs;
  for (auto _ : state) {
    const std::size_t k = c.rng.uniform_below(n);
    c.net.finish(c.active[k]);
    changed += c.net.changed().size();
    c.active[k] = c.start();
    changed += c.net.changed().size();
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["mallocs"] = static_cast<double>(g_mallocs - mallocs_before) / iterations;
  state.counters["changed"] = static_cast<double>(changed) / (2 * iterations);
  state.SetItemsProcessed(state.iterations() * 2);  // a finish and a start
}

}  // namespace

BENCHMARK(churn)->Name("fair_share/churn")->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
