// How a run's results are printed: a text table for people, JSON and CSV
// for tools.
#pragma once

#include <string>
#include <vector>

#include "eksim/traffic/run.hpp"

namespace eksim::report {

// Per flow: requests, throughput, latency percentiles and errors; then where
// the time goes, the errors by cause, data moved and its cost, expectations.
std::string run_text(const traffic::RunResult& r, const std::vector<traffic::ExpectationOutcome>& outcomes);
// JSON: run metadata, per-flow results (percentiles, histogram buckets,
// stages, errors, bytes, cost, time series), expectations, and tidy rows
// {run, seed, entity, metric, value} as DESIGN.md asks of every result.
std::string run_json(const traffic::RunResult& r, const std::vector<traffic::ExpectationOutcome>& outcomes);
// The tidy rows as CSV: run,seed,entity,metric,value.
std::string run_csv(const traffic::RunResult& r);

}  // namespace eksim::report
