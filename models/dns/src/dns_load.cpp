#include "eksim/dns/dns_load.hpp"

#include <memory>

#include "eksim/dns/scenario_world.hpp"
#include "eksim/sim/process.hpp"

namespace eksim::dns {
namespace {

LookupFamily family_of(const DnsTuning& t) { return t.parallel_aaaa ? LookupFamily::Both : LookupFamily::A; }

sim::Task<> traced(DnsSystem& sys, std::uint32_t pod, std::string name, LookupFamily family, LookupResult& out) {
  out = co_await sys.lookup(pod, std::move(name), family);
}

struct FlowState {
  DnsFlowResult& result;
  const scenario::DnsTrafficSpec& spec;
  std::vector<std::uint32_t> pods;
  sim::RandomStream arrivals;
  sim::RandomStream pick;
  std::uint64_t counter = 0;
};

sim::Task<> one_lookup(DnsSystem& sys, FlowState& f, std::uint32_t pod, std::string name) {
  const LookupResult r = co_await sys.lookup(pod, std::move(name), family_of(sys.tuning()));
  DnsFlowResult& out = f.result;
  ++out.lookups;
  out.queries += static_cast<std::uint64_t>(r.queries);
  const sim::Time took = r.finished - r.started;
  out.latency.record(took);
  if (took >= sim::Time::s(1)) ++out.slower_than_1s;
  switch (r.status) {
    case LookupStatus::Resolved:
      ++out.resolved;
      break;
    case LookupStatus::NxDomain:
      ++out.nxdomain;
      break;
    case LookupStatus::NoData:
      ++out.nodata;
      break;
    case LookupStatus::Timeout:
      ++out.timeouts;
      break;
  }
}

sim::Task<> source(sim::Simulator& sim, DnsSystem& sys, FlowState& f, sim::Time until) {
  const double mean_ns = 1e9 / f.spec.rate_per_second;
  while (true) {
    co_await sim.sleep(sim::Time::ns(static_cast<std::int64_t>(f.arrivals.exponential(mean_ns) + 0.5)));
    if (sim.now() >= until) co_return;
    const std::uint32_t pod = f.pods[f.pick.uniform_below(f.pods.size())];
    std::string name = f.spec.name;
    if (const auto at = name.find("{i}"); at != std::string::npos) {
      const std::uint64_t i = f.spec.names > 0 ? f.counter % f.spec.names : f.counter;
      name.replace(at, 3, std::to_string(i));
    }
    ++f.counter;
    sim::spawn(sim, one_lookup(sys, f, pod, std::move(name)));
  }
}

}  // namespace

TracedLookup trace_lookup(const DnsWorld& world, const DnsTuning& tuning, std::uint32_t pod, const std::string& name,
                          LookupFamily family, std::uint64_t seed) {
  TracedLookup t;
  t.from = world.pod_name(pod);
  t.name = name;
  t.family = family;
  sim::Simulator sim;
  DnsSystem sys(sim, world, tuning, seed);
  t.conf = sys.resolv_conf(pod);
  sys.set_trace(&t.queries);
  sim::spawn(sim, traced(sys, pod, name, family, t.result));
  sim.run();
  return t;
}

DnsLoadResult run_dns_load(const scenario::Scenario& s, const DnsWorld& world, const DnsLoadOptions& options) {
  DnsLoadResult out;
  out.scenario = s.name;
  out.seed = options.seed.value_or(s.seed);
  out.duration = options.duration.value_or(s.duration);
  out.flows.resize(s.dns.traffic.size());

  sim::Simulator sim;
  DnsSystem sys(sim, world, dns_tuning(s), out.seed);
  std::vector<std::unique_ptr<FlowState>> flows;
  for (std::size_t i = 0; i < s.dns.traffic.size(); ++i) {
    const scenario::DnsTrafficSpec& spec = s.dns.traffic[i];
    DnsFlowResult& r = out.flows[i];
    const auto& wl = s.clusters[spec.cluster].objects.workloads[spec.workload];
    r.from = s.clusters[spec.cluster].name + "/" + wl.namespace_name + "/" + wl.name;
    r.name = spec.name;
    r.rate_per_second = spec.rate_per_second;
    r.where = spec.where;
    const std::string id = "dns/traffic/" + std::to_string(i);
    auto f = std::make_unique<FlowState>(FlowState{
        r, spec, {}, sim::RandomStream(out.seed, 0, id, "arrivals"), sim::RandomStream(out.seed, 0, id, "pod"), 0});
    const std::string workload = wl.namespace_name + "/" + wl.name;
    for (std::uint32_t p = 0; p < world.pods.size(); ++p) {
      if (world.pods[p].cluster == spec.cluster && world.pods[p].workload == workload) f->pods.push_back(p);
    }
    r.source_pods = static_cast<std::uint32_t>(f->pods.size());
    if (!f->pods.empty()) sim::spawn(sim, source(sim, sys, *f, out.duration));
    flows.push_back(std::move(f));
  }
  sim.run();
  out.events = sim.events_run();
  out.resolver = sys.resolver_counters();
  out.coredns = sys.coredns_counters();
  out.node_local = sys.node_local_counters();
  return out;
}

}  // namespace eksim::dns
