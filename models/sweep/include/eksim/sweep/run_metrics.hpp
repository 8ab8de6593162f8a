// What a sweep keeps of one run: named numbers per flow. This is the one
// place that reads a traffic::RunResult for sweeps, so a richer run model
// (errors, timeouts, DNS) adds its metrics here and every sweep output,
// summary and --bound picks them up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eksim/traffic/run.hpp"

namespace eksim::sweep {

struct FlowLabel {
  std::string from;
  std::string to;
};

struct Metric {
  std::uint32_t flow = 0;
  std::string name;  // "p99"
  std::string unit;  // "ms", "1/s", "count", "ratio"
  double value = 0;
};

struct RunMetrics {
  std::vector<FlowLabel> flows;
  std::vector<Metric> metrics;  // flow by flow, each flow's in one fixed order
};

// requests, completed, throughput (completed per simulated second),
// error_rate (share of requests that did not complete), and the response
// time's mean, p50, p90, p99, p999 and max in milliseconds.
RunMetrics run_metrics(const traffic::RunResult& r);

// The metrics of one flow, names and units only, in run_metrics' order.
std::vector<Metric> metric_catalog();

}  // namespace eksim::sweep
