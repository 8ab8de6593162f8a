// Counters and latency histograms in the Prometheus text exposition format
// (version 0.0.4, which OpenMetrics parsers accept as well): a HELP and a
// TYPE line per metric family, then its samples; histograms as cumulative
// `_bucket{le="..."}` series ending with le="+Inf", then `_sum` and `_count`.
// Label values escape backslash, double quote and newline.
//
// Bucket bounds: a sim::Histogram knows counts per bucket of its own
// log-linear layout, not per arbitrary value, so each requested bound is
// rounded up to the upper edge of the histogram bucket holding it (at most
// 0.4% above it) and `le` prints that edge exactly in seconds. The cumulative
// count at that edge is then exact. `_sum` is the exact sum; `_count` equals
// Histogram::count().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eksim/sim/histogram.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::observe {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// {cluster, namespace, workload, flow}: the labels every per-flow series carries.
MetricLabels flow_labels(std::string cluster, std::string namespace_name, std::string workload, std::string flow);

// Bounds used when none are given: 100us to 10s in 1-2.5-5 steps.
const std::vector<sim::Time>& default_latency_bounds();

// The `le` edge used for a requested bound: the upper edge (ns) of the histogram bucket holding it.
std::int64_t histogram_edge(sim::Time bound);

class MetricsText {
 public:
  // A counter family sample; the name gets "_total" if it lacks it.
  void counter(std::string_view name, std::string_view help, const MetricLabels& labels, std::uint64_t value);
  // A latency histogram in seconds; the name should end in "_seconds".
  void histogram(std::string_view name, std::string_view help, const MetricLabels& labels, const sim::Histogram& h,
                 const std::vector<sim::Time>& bounds = default_latency_bounds());

  // Families in the order first used, samples in the order added.
  [[nodiscard]] std::string str() const;

 private:
  struct Family {
    std::string name;
    std::string help;
    const char* type;
    std::string samples;
  };
  Family& family(std::string name, std::string_view help, const char* type);
  std::vector<Family> families_;
};

std::string escape_label_value(std::string_view v);
// Nanoseconds as decimal seconds, exactly ("0.000100352", "12").
std::string seconds_text(std::int64_t ns);

}  // namespace eksim::observe
