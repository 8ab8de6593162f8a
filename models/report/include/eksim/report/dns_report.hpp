// `eksim dns` output: one lookup query by query, or a DNS load run, as text
// tables or JSON. Reference: docs/cli.md.
#pragma once

#include <string>

#include "eksim/dns/dns_load.hpp"

namespace eksim::report {

std::string dns_lookup_text(const dns::TracedLookup& t);
std::string dns_lookup_json(const dns::TracedLookup& t, const std::string& scenario);
std::string dns_load_text(const dns::DnsLoadResult& r);
std::string dns_load_json(const dns::DnsLoadResult& r);

}  // namespace eksim::report
