#include "eksim/traffic/run.hpp"

#include <memory>

#include "eksim/sim/process.hpp"
#include "eksim/sim/random.hpp"
#include "eksim/sim/resource.hpp"
#include "eksim/sim/simulator.hpp"

namespace eksim::traffic {
namespace {

using sim::RandomStream;
using sim::Resource;
using sim::Simulator;
using sim::Task;
using sim::Time;

sim::Time one_way(const scenario::Scenario& s, std::uint32_t from_pod, std::uint32_t to_pod) {
  const auto& a = s.nodes[s.pods[from_pod].node];
  const auto& b = s.nodes[s.pods[to_pod].node];
  if (&a == &b) return s.hops.same_node;
  // Each pod's veth on its own node, plus the VPC path between the nodes.
  const sim::Time wire = a.az == b.az ? s.hops.same_az : s.hops.cross_az;
  return wire + s.hops.same_node * 2;
}

struct Server {
  Server(Simulator& sim, std::uint32_t n, RandomStream stream, Time mean)
      : workers(sim, n), service(stream), mean_service(mean) {}
  Resource workers;
  RandomStream service;
  Time mean_service;
};

struct FlowState {
  Simulator& sim;
  Server& server;
  RandomStream arrivals;
  double mean_gap_ns;
  Time network;
  Time stop_at;
  FlowResult& result;
  Time total_wait{};

  void arrive();
};

Task<> request(FlowState& f) {
  const Time sent = f.sim.now();
  co_await f.sim.sleep(f.network);
  const Time queued = f.sim.now();
  {
    auto worker = co_await f.server.workers.acquire();
    if (f.sim.now() > queued) {
      ++f.result.waited;
      f.total_wait += f.sim.now() - queued;
    }
    co_await f.sim.sleep(f.server.service.exponential(f.server.mean_service));
  }
  co_await f.sim.sleep(f.network);
  f.result.latency.record(f.sim.now() - sent);
}

void FlowState::arrive() {
  sim::spawn(sim, request(*this));
  ++result.requests;
  const Time next = sim.now() + Time::ns(static_cast<std::int64_t>(arrivals.exponential(mean_gap_ns) + 0.5));
  if (next < stop_at) sim.call_at<&FlowState::arrive>(next, *this);
}

// Reports progress at 1% steps of simulated time.
struct ProgressTicker {
  Simulator& sim;
  Time step;
  Time end;
  const std::function<void(double)>& report;
  void tick() {
    report(static_cast<double>(sim.now().count()) / static_cast<double>(end.count()));
    if (sim.now() + step <= end) sim.call_in<&ProgressTicker::tick>(step, *this);
  }
};

}  // namespace

RunResult run_scenario(const scenario::Scenario& s, const RunOptions& options) {
  RunResult result;
  result.scenario = s.name;
  result.seed = options.seed.value_or(s.seed);
  result.replication = options.replication;
  result.duration = options.duration.value_or(s.duration);

  Simulator sim;
  // Streams are keyed by entity names, so adding a pod or a flow leaves the
  // numbers of every other one unchanged.
  std::vector<std::unique_ptr<Server>> servers;
  servers.reserve(s.pods.size());
  for (const auto& pod : s.pods) {
    servers.push_back(std::make_unique<Server>(
        sim, pod.workers, RandomStream(result.seed, result.replication, "pod/" + pod.name, "service"),
        pod.service_time));
  }
  result.flows.resize(s.flows.size());
  std::vector<std::unique_ptr<FlowState>> flows;
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    const auto& f = s.flows[i];
    FlowResult& fr = result.flows[i];
    fr.from = s.pods[f.from].name;
    fr.to = s.pods[f.to].name;
    fr.offered_rate = f.rate_per_second;
    fr.network_one_way = one_way(s, f.from, f.to);
    flows.push_back(std::make_unique<FlowState>(FlowState{
        sim, *servers[f.to], RandomStream(result.seed, result.replication, "flow/" + std::to_string(i), "arrivals"),
        1e9 / f.rate_per_second, fr.network_one_way, result.duration, fr}));
    FlowState& state = *flows.back();
    const Time first = Time::ns(static_cast<std::int64_t>(state.arrivals.exponential(state.mean_gap_ns) + 0.5));
    if (first < result.duration) sim.call_at<&FlowState::arrive>(first, state);
  }
  std::unique_ptr<ProgressTicker> ticker;
  if (options.progress) {
    ticker = std::make_unique<ProgressTicker>(
        ProgressTicker{sim, std::max(result.duration / 100, Time::ns(1)), result.duration, options.progress});
    sim.call_at<&ProgressTicker::tick>(Time{}, *ticker);
  }
  sim.run();
  result.finished_at = sim.now();
  result.events = sim.events_run();
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const auto n = static_cast<std::int64_t>(result.flows[i].requests);
    result.flows[i].mean_queue_wait = n > 0 ? flows[i]->total_wait / n : Time{};
  }
  return result;
}

std::vector<ExpectationOutcome> evaluate(const scenario::Scenario& s, const RunResult& r) {
  std::vector<ExpectationOutcome> out;
  for (const auto& e : s.expectations) {
    const auto& h = r.flows[e.flow].latency;
    bool ok = true;
    std::string detail;
    auto check = [&](const char* label, double q, sim::Time bound) {
      const auto v = sim::Time::ns(h.quantile(q));
      const bool pass = !h.empty() && v < bound;
      ok = ok && pass;
      if (!detail.empty()) detail += ", ";
      detail += std::string(label) + " " + sim::format_duration_human(v) + (pass ? " < " : " >= ") +
                sim::format_duration_human(bound);
    };
    if (e.p50_below) check("p50", 0.5, *e.p50_below);
    if (e.p99_below) check("p99", 0.99, *e.p99_below);
    out.push_back({&e, ok, detail});
  }
  return out;
}

}  // namespace eksim::traffic
