#include "eksim/traffic/run.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "eksim/capacity/scenario_capacity.hpp"
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

// Where a running pod is: its node and that node's AZ.
struct PodSite {
  std::uint32_t node = 0;
  std::string az;
};

// The walking skeleton takes each hop at its distribution's mean.
sim::Time mean_of(const scenario::Distribution& d) { return Time::ns(static_cast<std::int64_t>(std::llround(d.mean()))); }

sim::Time one_way(const scenario::HopLatencies& hops, const PodSite& a, const PodSite& b) {
  if (a.node == b.node) return mean_of(hops.same_node);
  // Each pod's veth on its own node, plus the VPC path between the nodes.
  return mean_of(a.az == b.az ? hops.same_az : hops.cross_az) + mean_of(hops.same_node) * 2;
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
  RandomStream arrivals;
  RandomStream endpoints;  // picks the source and destination pods
  double mean_gap_ns;
  Time stop_at;
  FlowResult& result;
  const std::vector<PodSite>* sources;
  const std::vector<PodSite>* destinations;
  std::vector<Server*> servers;  // one per destination pod
  const scenario::HopLatencies* hops;
  Time total_wait{};

  void arrive();
};

Task<> request(FlowState& f, const PodSite& from, std::size_t to) {
  const Time sent = f.sim.now();
  const Time network = one_way(*f.hops, from, (*f.destinations)[to]);
  Server& server = *f.servers[to];
  co_await f.sim.sleep(network);
  const Time queued = f.sim.now();
  {
    auto worker = co_await server.workers.acquire();
    if (f.sim.now() > queued) {
      ++f.result.waited;
      f.total_wait += f.sim.now() - queued;
    }
    co_await f.sim.sleep(server.service.exponential(server.mean_service));
  }
  co_await f.sim.sleep(network);
  f.result.latency.record(f.sim.now() - sent);
}

void FlowState::arrive() {
  const PodSite& from = (*sources)[endpoints.uniform_below(sources->size())];
  sim::spawn(sim, request(*this, from, endpoints.uniform_below(destinations->size())));
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

  // Where the pods run: the capacity planner's placement.
  const capacity::CapacityInput input = capacity::capacity_input(s);
  const capacity::CapacityReport placement = capacity::plan_capacity(input, {false, 0});
  std::map<std::pair<std::uint32_t, std::int32_t>, std::vector<PodSite>> sites;  // (cluster, workload) -> running pods
  std::map<std::pair<std::uint32_t, std::int32_t>, std::vector<std::string>> pod_names;
  for (const auto& p : placement.pods) {
    const auto& wl = input.workloads[p.workload];
    if (!p.running || wl.source < 0) continue;
    sites[{wl.cluster, wl.source}].push_back({p.node, placement.nodes[p.node].az});
    pod_names[{wl.cluster, wl.source}].push_back(wl.name + "-" + std::to_string(p.replica));
  }
  static const std::vector<PodSite> kNone;
  auto running = [&](const scenario::WorkloadRef& w) -> const std::vector<PodSite>& {
    const auto it = sites.find({w.cluster, static_cast<std::int32_t>(w.workload)});
    return it == sites.end() ? kNone : it->second;
  };

  Simulator sim;
  // One server per running pod that some flow targets. Streams are keyed by
  // entity names, so adding a pod or a flow leaves the numbers of every
  // other one unchanged.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::unique_ptr<Server>>> servers;
  // Only open-loop flows to a workload run here (the walking skeleton).
  auto runs = [](const scenario::Flow& f) {
    return f.to.kind == scenario::FlowTarget::Kind::workload && f.arrivals.kind != scenario::Arrivals::Kind::closed;
  };
  for (const auto& f : s.flows) {
    if (!runs(f)) continue;
    const scenario::WorkloadRef& to = f.to.workload;
    auto& list = servers[{to.cluster, to.workload}];
    if (!list.empty()) continue;
    scenario::Server behaviour;
    behaviour.workload = to;
    for (const auto& sv : s.servers) {
      if (sv.workload.cluster == to.cluster && sv.workload.workload == to.workload) behaviour = sv;
    }
    const auto& names = pod_names[{to.cluster, static_cast<std::int32_t>(to.workload)}];
    for (const auto& pod : names) {
      list.push_back(std::make_unique<Server>(
          sim, behaviour.workers,
          RandomStream(result.seed, result.replication, "pod/" + s.clusters[to.cluster].name + "/" + pod, "service"),
          mean_of(behaviour.service_time)));
    }
  }
  result.flows.resize(s.flows.size());
  std::vector<std::unique_ptr<FlowState>> flows;
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    const auto& f = s.flows[i];
    FlowResult& fr = result.flows[i];
    fr.from = scenario::workload_name(s, f.from);
    fr.to = runs(f) ? scenario::workload_name(s, f.to.workload) : f.to.text;
    fr.offered_rate = f.arrivals.rate_per_second;
    if (!runs(f)) continue;
    const auto& from = running(f.from);
    const auto& to = running(f.to.workload);
    fr.source_pods = static_cast<std::uint32_t>(from.size());
    fr.destination_pods = static_cast<std::uint32_t>(to.size());
    const std::string key = "flow/" + std::to_string(i);
    flows.push_back(std::make_unique<FlowState>(FlowState{
        sim, RandomStream(result.seed, result.replication, key, "arrivals"),
        RandomStream(result.seed, result.replication, key, "endpoints"), 1e9 / f.arrivals.rate_per_second, result.duration,
        fr, &from, &to, {}, &s.hops}));
    FlowState& state = *flows.back();
    for (const auto& server : servers[{f.to.workload.cluster, f.to.workload.workload}]) state.servers.push_back(server.get());
    // A flow with no running pod at either end sends nothing; the report
    // shows zero pods there.
    if (from.empty() || to.empty()) continue;
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
  for (const auto& state : flows) {
    const auto n = static_cast<std::int64_t>(state->result.requests);
    state->result.mean_queue_wait = n > 0 ? state->total_wait / n : Time{};
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
    // The walking skeleton has no errors, so its error rate is 0.
    if (e.error_rate_below) {
      if (!detail.empty()) detail += ", ";
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g%%", *e.error_rate_below * 100);
      detail += std::string("errors 0% < ") + bound;
    }
    out.push_back({&e, ok, detail});
  }
  return out;
}

}  // namespace eksim::traffic
