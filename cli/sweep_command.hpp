// `eksim sweep`: a base scenario at every point of a grid, several
// replications each, or a knee search per point (--find-knee); spread over
// MPI ranks under mpirun. Registered in main.cpp's command list.
#pragma once

#include <vector>

#include "args.hpp"

namespace eksim::cli {

extern const char* const kSweepSummary;
extern const char* const kSweepUsage;
std::vector<OptionSpec> sweep_options();
// Exit codes: 0 ok, 2 bad input (the sweep file, an override, an option).
int run_sweep(const ParsedArgs& args);

}  // namespace eksim::cli
