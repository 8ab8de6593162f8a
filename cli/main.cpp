// The eksim command: parses arguments, calls the model, prints results.
// Exit codes: 0 ok, 1 an expectation failed, 2 bad input.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "args.hpp"
#include "dns_command.hpp"
#include "eksim/capacity/scenario_capacity.hpp"
#include "eksim/report/capacity_report.hpp"
#include "eksim/topology/topology.hpp"
#include "eksim/report/output_file.hpp"
#include "eksim/report/run_report.hpp"
#include "eksim/report/scenario_summary.hpp"
#include "eksim/scenario/load_error.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/traffic/run.hpp"
#include "eksim/util/closest_name.hpp"
#include "progress.hpp"

namespace {

using eksim::cli::OptionSpec;
using eksim::cli::ParsedArgs;
using eksim::cli::UsageError;

constexpr int kOk = 0;
constexpr int kExpectationFailed = 1;
constexpr int kBadInput = 2;

struct Command {
  const char* name;
  const char* summary;
  const char* usage;
  std::vector<OptionSpec> options;
  int (*run)(const ParsedArgs&);
};

const OptionSpec kFormat{"format", true, "output format: text (default) or json"};
const OptionSpec kOutput{"output", true, "write the report to FILE (atomically) instead of stdout"};
const OptionSpec kHelp{"help", false, "show this help"};

std::string format_of(const ParsedArgs& a, const std::vector<std::string>& formats = {"text", "json"}) {
  const std::string f = a.get("format").value_or("text");
  if (std::find(formats.begin(), formats.end(), f) == formats.end()) {
    std::string expected;
    for (std::size_t i = 0; i < formats.size(); ++i) {
      expected += (i == 0 ? "" : i + 1 == formats.size() ? " or " : ", ") + formats[i];
    }
    throw UsageError("unknown format '" + f + "'" + eksim::util::did_you_mean(f, formats) + " (expected " +
                     expected + ")");
  }
  return f;
}

std::string single_path(const ParsedArgs& a, const char* what) {
  if (a.positional.size() != 1) throw UsageError(std::string("expected exactly one ") + what);
  return a.positional[0];
}

void emit(const ParsedArgs& a, const std::string& text) {
  if (const auto out = a.get("output")) {
    eksim::report::write_file_atomically(*out, text);
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
}

int cmd_run(const ParsedArgs& a) {
  const std::string format = format_of(a);
  const auto scenario = eksim::scenario::load_scenario(single_path(a, "scenario file"));
  eksim::traffic::RunOptions options;
  if (const auto seed = a.get("seed")) {
    std::size_t used = 0;
    try {
      options.seed = std::stoull(*seed, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != seed->size() || seed->empty() || (*seed)[0] == '-') throw UsageError("--seed: expected a whole number, got '" + *seed + "'");
  }
  if (const auto d = a.get("duration")) {
    std::string error;
    options.duration = eksim::sim::parse_duration(*d, &error);
    if (!options.duration) throw UsageError("--duration: " + error);
    if (*options.duration <= eksim::sim::Time{}) throw UsageError("--duration: must be longer than 0s");
  }
  eksim::cli::ProgressBar bar("simulating " + scenario.name);
  options.progress = [&bar](double f) { bar.update(f); };
  const auto result = eksim::traffic::run_scenario(scenario, options);
  const auto outcomes = eksim::traffic::evaluate(scenario, result);
  emit(a, format == "json" ? eksim::report::run_json(result, outcomes) : eksim::report::run_text(result, outcomes));
  for (const auto& o : outcomes) {
    if (!o.passed) return kExpectationFailed;
  }
  return kOk;
}

int cmd_capacity(const ParsedArgs& a) {
  const std::string format = format_of(a);
  const auto scenario = eksim::scenario::load_scenario(single_path(a, "scenario file"));
  eksim::capacity::PlanOptions options;
  options.headroom = !a.has("no-headroom");
  const auto plan = eksim::capacity::plan_capacity(eksim::capacity::capacity_input(scenario), options);
  emit(a, format == "json" ? eksim::report::capacity_json(plan) : eksim::report::capacity_text(plan));
  return kOk;
}

int cmd_validate(const ParsedArgs& a) {
  const std::string format = format_of(a, {"text", "json", "dot"});
  const std::string path = single_path(a, "scenario file");
  const auto s = eksim::scenario::load_scenario(path);
  std::string text;
  if (format == "dot") {
    text = eksim::topology::Topology(s).dot();
  } else if (format == "json") {
    text = eksim::report::summary_json(s);
  } else {
    text = eksim::report::summary_text(s);
  }
  emit(a, text);
  return kOk;
}

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands{
      {"run", "simulate a scenario request by request and print per-flow latency",
       "eksim run SCENARIO [--format text|json] [--seed N] [--duration D] [--output FILE]",
       {kFormat, kOutput, {"seed", true, "random seed (default: the scenario's)"},
        {"duration", true, "simulated time, e.g. 30s (default: the scenario's)"}, kHelp},
       cmd_run},
      {"capacity", "VPC CNI capacity: max pods, subnet addresses, pods that cannot run, headroom",
       "eksim capacity SCENARIO [--format text|json] [--no-headroom] [--output FILE]",
       {kFormat, kOutput, {"no-headroom", false, "skip the per-workload headroom search"}, kHelp},
       cmd_capacity},
      {"validate", "load and check a scenario without running it; --format dot draws its topology",
       "eksim validate SCENARIO [--format text|json|dot] [--output FILE]",
       {{"format", true, "output format: text (default), json, or dot (Graphviz topology)"}, kOutput, kHelp},
       cmd_validate},
      {"dns", eksim::cli::kDnsSummary, eksim::cli::kDnsUsage, eksim::cli::dns_options(), eksim::cli::run_dns},
  };
  return kCommands;
}

void print_usage(std::FILE* to) {
  std::fprintf(to,
               "eksim: a discrete-event network simulator for AWS EKS topologies\n\n"
               "usage: eksim COMMAND [ARGS] [--help]\n\ncommands:\n");
  for (const auto& c : commands()) std::fprintf(to, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(to, "\nexit codes: 0 ok, 1 an expectation failed, 2 bad input\n");
}

void print_command_help(const Command& c) {
  std::printf("%s\n\n%s\n\noptions:\n", c.usage, c.summary);
  for (const auto& o : c.options) {
    std::printf("  --%-20s %s\n", (o.name + (o.takes_value ? " VALUE" : "")).c_str(), o.help.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(stderr);
    return kBadInput;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(stdout);
    return kOk;
  }
  const Command* command = nullptr;
  for (const auto& c : commands()) {
    if (args[0] == c.name) command = &c;
  }
  if (command == nullptr) {
    std::vector<std::string> names;
    for (const auto& c : commands()) names.emplace_back(c.name);
    std::fprintf(stderr, "eksim: unknown command '%s'%s\n", args[0].c_str(),
                 eksim::util::did_you_mean(args[0], names).c_str());
    print_usage(stderr);
    return kBadInput;
  }
  try {
    const ParsedArgs parsed = eksim::cli::parse_args({args.begin() + 1, args.end()}, command->options);
    if (parsed.has("help")) {
      print_command_help(*command);
      return kOk;
    }
    return command->run(parsed);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "eksim %s: %s\nusage: %s\n", command->name, e.what(), command->usage);
    return kBadInput;
  } catch (const eksim::scenario::LoadError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return kBadInput;
  } catch (const std::exception& e) {
    // Output files are written last and atomically, so nothing is half written.
    std::fprintf(stderr, "eksim %s: %s\n", command->name, e.what());
    return kBadInput;
  }
}
