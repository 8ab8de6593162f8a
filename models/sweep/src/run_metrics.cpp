#include "eksim/sweep/run_metrics.hpp"

#include <algorithm>
#include <utility>

namespace eksim::sweep {
namespace {

constexpr double kMs = 1e-6;  // histograms and stage sums are nanoseconds

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

double hit_ratio(const dns::CacheStats& c) { return share(c.hits, c.hits + c.misses); }

// Adds a flow's label; the function returned adds one metric of that flow.
auto begin_flow(RunMetrics& out, FlowLabel label) {
  const auto flow = static_cast<std::uint32_t>(out.flows.size());
  out.flows.push_back(std::move(label));
  return [&out, flow](const char* name, const char* unit, double value) {
    out.metrics.push_back({flow, name, unit, value});
  };
}

}  // namespace

std::string_view to_string(FlowKind kind) {
  switch (kind) {
    case FlowKind::traffic:
      return "traffic";
    case FlowKind::dns:
      return "dns";
    case FlowKind::dns_servers:
      return "dns_servers";
  }
  return "traffic";
}

void add_run_metrics(const traffic::RunResult& r, RunMetrics& out) {
  const double seconds = r.duration.seconds();
  for (std::uint32_t i = 0; i < r.flows.size(); ++i) {
    const traffic::FlowResult& f = r.flows[i];
    const auto add = begin_flow(out, {FlowKind::traffic, i, f.from, f.to});
    add("requests", "count", static_cast<double>(f.requests));
    add("completed", "count", static_cast<double>(f.completed));
    add("throughput", "1/s", seconds > 0 ? f.throughput(r.duration) : 0);
    add("error_rate", "ratio", f.error_rate());
    add("mean", "ms", f.latency.mean() * kMs);
    add("p50", "ms", static_cast<double>(f.latency.quantile(0.5)) * kMs);
    add("p90", "ms", static_cast<double>(f.latency.quantile(0.9)) * kMs);
    add("p99", "ms", static_cast<double>(f.latency.quantile(0.99)) * kMs);
    add("p999", "ms", static_cast<double>(f.latency.quantile(0.999)) * kMs);
    add("max", "ms", static_cast<double>(f.latency.max()) * kMs);
    add("retries", "count", static_cast<double>(f.retries));
    add("data_cost", "usd", f.data_cost_usd);
    add("dns_mean", "ms", f.stage_mean_ns[static_cast<std::size_t>(traffic::Stage::dns)] * kMs);
  }
}

RunMetrics run_metrics(const traffic::RunResult& r) {
  RunMetrics out;
  add_run_metrics(r, out);
  return out;
}

void add_dns_metrics(const dns::DnsLoadResult& r, RunMetrics& out) {
  for (std::uint32_t i = 0; i < r.flows.size(); ++i) {
    const dns::DnsFlowResult& f = r.flows[i];
    const auto add = begin_flow(out, {FlowKind::dns, i, f.from, f.name});
    add("lookups", "count", static_cast<double>(f.lookups));
    add("resolved", "count", static_cast<double>(f.resolved));
    add("nxdomain_rate", "ratio", share(f.nxdomain, f.lookups));
    add("nodata_rate", "ratio", share(f.nodata, f.lookups));
    add("timeout_rate", "ratio", share(f.timeouts, f.lookups));
    add("queries", "count", static_cast<double>(f.queries));
    add("slower_than_1s", "count", static_cast<double>(f.slower_than_1s));
    add("lookup_mean", "ms", f.latency.mean() * kMs);
    add("lookup_p50", "ms", static_cast<double>(f.latency.quantile(0.5)) * kMs);
    add("lookup_p90", "ms", static_cast<double>(f.latency.quantile(0.9)) * kMs);
    add("lookup_p99", "ms", static_cast<double>(f.latency.quantile(0.99)) * kMs);
    add("lookup_max", "ms", static_cast<double>(f.latency.max()) * kMs);
  }
  if (r.flows.empty()) return;
  const auto add = begin_flow(out, {FlowKind::dns_servers, 0, "dns", "VPC resolver, CoreDNS, NodeLocal DNSCache"});
  std::uint64_t passed = 0, dropped = 0, worst = 0;
  for (const dns::EniCounters& e : r.resolver) {
    passed += e.passed;
    dropped += e.dropped;
    worst = std::max(worst, e.dropped);
  }
  dns::CacheStats coredns_cache, node_cache;
  std::uint64_t coredns_queries = 0, coredns_waited = 0, node_queries = 0;
  for (const dns::ServerCounters& c : r.coredns) {
    coredns_queries += c.queries;
    coredns_waited += c.waited;
    coredns_cache.hits += c.cache.hits;
    coredns_cache.misses += c.cache.misses;
  }
  for (const dns::ServerCounters& c : r.node_local) {
    node_queries += c.queries;
    node_cache.hits += c.cache.hits;
    node_cache.misses += c.cache.misses;
  }
  add("resolver_passed", "count", static_cast<double>(passed));
  add("resolver_dropped", "count", static_cast<double>(dropped));
  add("resolver_dropped_worst_eni", "count", static_cast<double>(worst));
  add("coredns_queries", "count", static_cast<double>(coredns_queries));
  add("coredns_hit_ratio", "ratio", hit_ratio(coredns_cache));
  add("coredns_waited", "count", static_cast<double>(coredns_waited));
  add("node_local_queries", "count", static_cast<double>(node_queries));
  add("node_local_hit_ratio", "ratio", hit_ratio(node_cache));
}

std::vector<Metric> metric_catalog(FlowKind kind) {
  RunMetrics m;
  if (kind == FlowKind::traffic) {
    traffic::RunResult one_flow;
    one_flow.flows.resize(1);
    add_run_metrics(one_flow, m);
    return m.metrics;
  }
  dns::DnsLoadResult one_stream;
  one_stream.flows.resize(1);
  add_dns_metrics(one_stream, m);
  std::vector<Metric> out;
  for (const Metric& x : m.metrics) {
    if (m.flows[x.flow].kind == kind) out.push_back(x);
  }
  return out;
}

bool metric_kind(const std::string& name, FlowKind* kind) {
  for (const FlowKind k : {FlowKind::traffic, FlowKind::dns, FlowKind::dns_servers}) {
    for (const Metric& m : metric_catalog(k)) {
      if (m.name == name) {
        *kind = k;
        return true;
      }
    }
  }
  return false;
}

const Metric* find_metric(const RunMetrics& m, FlowKind kind, std::uint32_t index, const std::string& name) {
  for (const Metric& x : m.metrics) {
    const FlowLabel& f = m.flows[x.flow];
    if (f.kind == kind && f.index == index && x.name == name) return &x;
  }
  return nullptr;
}

}  // namespace eksim::sweep
