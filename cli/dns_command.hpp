// `eksim dns`: one lookup from a pod, query by query, or the scenario's
// dnsTraffic as a load run. Registered in main.cpp's command list.
#pragma once

#include <vector>

#include "args.hpp"

namespace eksim::cli {

extern const char* const kDnsSummary;
extern const char* const kDnsUsage;
std::vector<OptionSpec> dns_options();
// Exit codes: 0 the name resolved (or the load run finished), 1 it did not
// (NXDOMAIN, NODATA or a timeout), 2 bad input.
int run_dns(const ParsedArgs& args);

}  // namespace eksim::cli
