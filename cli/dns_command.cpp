#include "dns_command.hpp"

#include <cstdio>
#include <stdexcept>

#include "eksim/dns/dns_load.hpp"
#include "eksim/dns/scenario_world.hpp"
#include "eksim/report/dns_report.hpp"
#include "eksim/report/output_file.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/util/closest_name.hpp"

namespace eksim::cli {

const char* const kDnsSummary = "trace one DNS lookup from a pod query by query, or run the scenario's dnsTraffic";
const char* const kDnsUsage =
    "eksim dns SCENARIO --from NS/POD --name NAME [--type A|AAAA] [--format text|json] [--output FILE]\n"
    "       eksim dns SCENARIO --load [--seed N] [--duration D] [--format text|json] [--output FILE]";

std::vector<OptionSpec> dns_options() {
  return {{"from", true, "the pod that looks up: namespace/pod (cluster/namespace/pod with several clusters)"},
          {"name", true, "the name to look up, as the application passes it (a trailing dot makes it absolute)"},
          {"type", true, "A or AAAA only (default: A and AAAA together, or A when dns.parallelAaaa is false)"},
          {"load", false, "run the scenario's dnsTraffic instead of one lookup"},
          {"seed", true, "random seed for --load (default: the scenario's)"},
          {"duration", true, "arrivals for --load, e.g. 30s (default: the scenario's)"},
          {"format", true, "output format: text (default) or json"},
          {"output", true, "write the report to FILE (atomically) instead of stdout"},
          {"help", false, "show this help"}};
}

namespace {

constexpr int kOk = 0;
constexpr int kNotResolved = 1;

std::string format_of(const ParsedArgs& a) {
  const std::string f = a.get("format").value_or("text");
  if (f != "text" && f != "json") {
    throw UsageError("unknown format '" + f + "'" + util::did_you_mean(f, std::vector<std::string>{"text", "json"}) +
                     " (expected text or json)");
  }
  return f;
}

void emit(const ParsedArgs& a, const std::string& text) {
  if (const auto out = a.get("output")) {
    report::write_file_atomically(*out, text);
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
}

int run_load(const ParsedArgs& a, const scenario::Scenario& s, const dns::DnsWorld& world, const std::string& format) {
  for (const char* single : {"from", "name", "type"}) {
    if (a.has(single)) throw UsageError(std::string("--") + single + " goes with one lookup, not with --load");
  }
  if (s.dns.traffic.empty()) throw UsageError("--load: the scenario has no dnsTraffic");
  dns::DnsLoadOptions options;
  if (const auto seed = seed_option(a)) options.seed = *seed;
  if (const auto duration = duration_option(a)) options.duration = *duration;
  const auto result = dns::run_dns_load(s, world, options);
  emit(a, format == "json" ? report::dns_load_json(result) : report::dns_load_text(result));
  return kOk;
}

}  // namespace

int run_dns(const ParsedArgs& a) {
  const std::string format = format_of(a);
  if (a.positional.size() != 1) throw UsageError("expected exactly one scenario file");
  const auto s = scenario::load_scenario(a.positional[0]);
  const dns::DnsWorld world = dns::dns_world(s);
  if (a.has("load")) return run_load(a, s, world, format);
  for (const char* load_only : {"seed", "duration"}) {
    if (a.has(load_only)) throw UsageError(std::string("--") + load_only + " goes with --load");
  }
  const auto from = a.get("from");
  const auto name = a.get("name");
  if (!from || !name) throw UsageError("give --from NS/POD and --name NAME (or --load)");
  std::string error;
  const auto pod = world.find_pod(*from, &error);
  if (!pod) throw UsageError("--from: " + error);
  if (name->empty() || name->size() > 254) throw UsageError("--name: expected a DNS name");
  const dns::DnsTuning tuning = dns::dns_tuning(s);
  dns::LookupFamily family = tuning.parallel_aaaa ? dns::LookupFamily::Both : dns::LookupFamily::A;
  if (const auto type = a.get("type")) {
    if (*type == "A") {
      family = dns::LookupFamily::A;
    } else if (*type == "AAAA") {
      family = dns::LookupFamily::AAAA;
    } else {
      throw UsageError("--type: expected A or AAAA, got '" + *type + "'");
    }
  }
  dns::TracedLookup traced;
  try {
    traced = dns::trace_lookup(world, tuning, *pod, *name, family, s.seed);
  } catch (const std::invalid_argument& e) {
    throw UsageError("pod " + *from + ": " + e.what());
  }
  emit(a, format == "json" ? report::dns_lookup_json(traced, s.name) : report::dns_lookup_text(traced));
  return traced.result.status == dns::LookupStatus::Resolved ? kOk : kNotResolved;
}

}  // namespace eksim::cli
