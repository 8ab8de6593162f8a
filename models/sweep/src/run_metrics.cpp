#include "eksim/sweep/run_metrics.hpp"

namespace eksim::sweep {

RunMetrics run_metrics(const traffic::RunResult& r) {
  RunMetrics out;
  const double seconds = r.duration.seconds();
  constexpr double kMs = 1e-6;  // histogram values are nanoseconds
  for (std::uint32_t i = 0; i < r.flows.size(); ++i) {
    const traffic::FlowResult& f = r.flows[i];
    out.flows.push_back({f.from, f.to});
    auto add = [&](const char* name, const char* unit, double value) {
      out.metrics.push_back({i, name, unit, value});
    };
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
  }
  return out;
}

std::vector<Metric> metric_catalog() {
  traffic::RunResult one_flow;
  one_flow.flows.resize(1);
  return run_metrics(one_flow).metrics;
}

}  // namespace eksim::sweep
