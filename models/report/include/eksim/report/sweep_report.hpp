// Sweep outputs: the tidy table (one row per point, replication, flow and
// metric) as CSV and JSON, the per-point summary (mean and 95% Student t
// interval over replications) as text, and the knee search's results.
#pragma once

#include <string>
#include <vector>

#include "eksim/sweep/confidence.hpp"
#include "eksim/sweep/sweep.hpp"

namespace eksim::report {

// One summary line: a (point, flow, metric) over its replications. The
// pointers are into the SweepResult summarised.
struct SummaryRow {
  std::size_t point;
  const sweep::FlowLabel* flow;
  const sweep::Metric* metric;
  sweep::Interval interval;
};
std::vector<SummaryRow> sweep_summary(const sweep::SweepSpec& spec, const sweep::SweepResult& r);

std::string sweep_csv(const sweep::SweepSpec& spec, const sweep::SweepResult& r);
std::string sweep_json(const sweep::SweepSpec& spec, const sweep::SweepResult& r);
std::string sweep_text(const sweep::SweepSpec& spec, const sweep::SweepResult& r);

std::string knee_csv(const sweep::KneeResult& k, const sweep::KneeOptions& o);
std::string knee_json(const sweep::KneeResult& k, const sweep::KneeOptions& o);
std::string knee_text(const sweep::KneeResult& k, const sweep::KneeOptions& o);

}  // namespace eksim::report
