// How a run's results are printed: a text table for people, JSON for tools.
#pragma once

#include <string>
#include <vector>

#include "eksim/traffic/run.hpp"

namespace eksim::report {

std::string run_text(const traffic::RunResult& r, const std::vector<traffic::ExpectationOutcome>& outcomes);
// JSON: run metadata, per-flow summaries, and tidy rows
// {run, seed, entity, metric, value} as DESIGN.md asks of every result.
std::string run_json(const traffic::RunResult& r, const std::vector<traffic::ExpectationOutcome>& outcomes);

}  // namespace eksim::report
