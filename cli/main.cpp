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
#include "eksim/report/reach_report.hpp"
#include "eksim/reach/connectivity.hpp"
#include "eksim/scenario/manifest_scenario.hpp"
#include <filesystem>
#include "eksim/report/latency_plot.hpp"
#include "eksim/report/run_report.hpp"
#include "eksim/report/scenario_summary.hpp"
#include "eksim/scenario/load_error.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/observe/node_view.hpp"
#include "eksim/observe/run_observers.hpp"
#include "eksim/traffic/run.hpp"
#include "eksim/util/closest_name.hpp"
#include "progress.hpp"
#include "sweep_command.hpp"

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
  const std::string format = format_of(a, {"text", "json", "csv"});
  const auto scenario = eksim::scenario::load_scenario(single_path(a, "scenario file"));
  eksim::traffic::RunOptions options;
  if (const auto seed = eksim::cli::seed_option(a)) options.seed = *seed;
  if (const auto duration = eksim::cli::duration_option(a)) options.duration = *duration;
  if (const auto window = eksim::cli::duration_option(a, "window")) options.window = *window;
  // Files for production tooling (docs/observability.md), filled as requests end.
  eksim::observe::RunFilesOptions files;
  files.flow_logs = a.has("flow-logs");
  files.metrics = a.has("metrics");
  files.access_log = a.has("access-log");
  const auto trace_sample = eksim::cli::count_option(a, "trace-sample");
  if (trace_sample && !a.has("trace")) throw UsageError("--trace-sample: only with --trace FILE");
  if (a.has("trace")) files.trace_every = trace_sample.value_or(1000);
  eksim::observe::RunFiles observer(files);
  if (files.flow_logs || files.metrics || files.access_log || files.trace_every) options.observer = &observer;
  eksim::cli::ProgressBar bar("simulating " + scenario.name);
  options.progress = [&bar](double f) { bar.update(f); };
  const auto result = eksim::traffic::run_scenario(scenario, options);
  const auto outcomes = eksim::traffic::evaluate(scenario, result);
  // Everything is rendered before anything is written.
  const std::string json = eksim::report::run_json(result, outcomes);
  const std::string csv = eksim::report::run_csv(result);
  const std::string main = format == "json" ? json : format == "csv" ? csv : eksim::report::run_text(result, outcomes);
  std::string svg;
  if (a.has("plot")) {
    std::vector<eksim::report::LatencySeries> series;
    for (const auto& f : result.flows) series.push_back({f.name + ": " + f.from + " -> " + f.to, &f.latency});
    eksim::report::LatencyPlotOptions plot;
    plot.title = "Request latency, " + scenario.name + " (seed " + std::to_string(result.seed) + ")";
    svg = eksim::report::latency_plot_svg(series, plot);
  }
  if (const auto path = a.get("json")) eksim::report::write_file_atomically(*path, json);
  if (const auto path = a.get("csv")) eksim::report::write_file_atomically(*path, csv);
  if (const auto path = a.get("plot")) eksim::report::write_file_atomically(*path, svg);
  if (const auto path = a.get("flow-logs")) eksim::report::write_file_atomically(*path, observer.flow_logs());
  if (const auto path = a.get("metrics")) eksim::report::write_file_atomically(*path, observer.metrics());
  if (const auto path = a.get("trace")) eksim::report::write_file_atomically(*path, observer.trace());
  if (const auto path = a.get("access-log")) eksim::report::write_file_atomically(*path, observer.access_log());
  emit(a, format == "text" && a.has("plot") ? main + "\nlatency CDF: " + *a.get("plot") + "\n" : main);
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

// A scenario file, or a folder of Kubernetes manifests given a made-up placement.
bool is_folder(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

eksim::scenario::Scenario scenario_or_manifests(const std::string& path) {
  if (is_folder(path)) return eksim::scenario::scenario_for_manifests(path);
  return eksim::scenario::load_scenario(path);
}

eksim::reach::ReachOptions reach_options(const ParsedArgs& a, const std::string& path) {
  eksim::reach::ReachOptions o;
  o.aws_layers = !is_folder(path);
  if (const auto v = a.get("ipblock-matches-pods")) {
    if (*v != "true" && *v != "false") {
      throw UsageError("--ipblock-matches-pods: expected true or false, got '" + *v + "'");
    }
    o.ip_block_matches_pods = *v == "true";
  }
  return o;
}

eksim::scenario::EndpointRef endpoint_option(const ParsedArgs& a, const char* name) {
  const auto text = a.get(name);
  if (!text) throw UsageError(std::string("--") + name + " is required");
  std::string error;
  auto ref = eksim::scenario::parse_endpoint_ref(*text, &error);
  if (!ref) throw UsageError(std::string("--") + name + ": " + error);
  return *std::move(ref);
}

eksim::scenario::PortRefText port_option(const std::string& text) {
  std::string error;
  auto port = eksim::scenario::parse_port_protocol(text, &error);
  if (!port) throw UsageError("--port: " + error);
  return *port;
}

// Shell-style wildcard match ('*' any run, '?' one character) for --from/--to.
bool wildcard_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

int cmd_reach(const ParsedArgs& a) {
  const std::string format = format_of(a, {"text", "json", "csv", "dot"});
  const std::string path = single_path(a, "scenario file or manifest folder");
  const auto scenario = scenario_or_manifests(path);
  const eksim::reach::Connectivity net(scenario, reach_options(a, path));
  std::vector<eksim::reach::ReachPair> pairs = net.matrix();
  const auto from = a.get("from");
  const auto to = a.get("to");
  std::optional<eksim::scenario::PortRefText> port;
  if (const auto p = a.get("port")) port = port_option(*p);
  // A pattern without a [Kind] also matches names that carry one, so the
  // endpoint notation of explain (web/frontend) selects web/frontend[Deployment].
  auto matches = [](const std::string& pattern, const std::string& name) {
    if (wildcard_match(pattern, name)) return true;
    const auto bracket = name.rfind('[');
    return pattern.find('[') == std::string::npos && bracket != std::string::npos &&
           wildcard_match(pattern, name.substr(0, bracket));
  };
  // A filter that matches no peer at all is a typo, not an empty answer.
  for (const auto& [option, pattern] : {std::pair("from", from), std::pair("to", to)}) {
    if (!pattern) continue;
    std::vector<std::string> names;
    bool any = false;
    for (const auto& p : pairs) {
      for (const std::string* n : {&p.from, &p.to}) {
        any = any || matches(*pattern, *n);
        names.push_back(n->substr(0, n->rfind('[')));
      }
    }
    if (!any && !pairs.empty()) {
      throw UsageError(std::string("--") + option + " '" + *pattern + "' matches no workload or range" +
                       eksim::util::did_you_mean(*pattern, names));
    }
  }
  std::erase_if(pairs, [&](const eksim::reach::ReachPair& p) {
    if (from && !matches(*from, p.from)) return true;
    if (to && !matches(*to, p.to)) return true;
    if (port) {
      const auto protocol = port->protocol == "UDP"    ? eksim::k8s::Protocol::Udp
                            : port->protocol == "SCTP" ? eksim::k8s::Protocol::Sctp
                                                       : eksim::k8s::Protocol::Tcp;
      return !(p.allowed | p.partial).contains(protocol, port->port);
    }
    return false;
  });
  std::string text;
  if (format == "json") {
    text = eksim::report::reach_json(pairs, net.warnings());
  } else {
    // Warnings go beside the answer, never into a table or graph.
    std::fputs(eksim::report::warnings_text(net.warnings()).c_str(), stderr);
    if (format == "csv") {
      text = eksim::report::reach_csv(pairs);
    } else if (format == "dot") {
      text = eksim::report::reach_dot(pairs);
    } else {
      text = eksim::report::reach_text(pairs);
    }
  }
  emit(a, text);
  return kOk;
}

int cmd_explain(const ParsedArgs& a) {
  const std::string format = format_of(a);
  const std::string path = single_path(a, "scenario file or manifest folder");
  const auto scenario = scenario_or_manifests(path);
  const auto from = endpoint_option(a, "from");
  const auto to = endpoint_option(a, "to");
  const auto port_text = a.get("port");
  if (!port_text) throw UsageError("--port is required, e.g. --port 8080/TCP");
  const auto port = port_option(*port_text);
  const eksim::reach::Connectivity net(scenario, reach_options(a, path));
  const auto answer = net.explain(from, to, port);
  emit(a, format == "json" ? eksim::report::explain_json(answer) : eksim::report::explain_text(answer));
  return kOk;
}

int cmd_check(const ParsedArgs& a) {
  const std::string format = format_of(a);
  const std::string path = single_path(a, "scenario file");
  const auto scenario = eksim::scenario::load_scenario(path);
  if (scenario.reach_expectations.empty() && scenario.expectations.empty()) {
    throw UsageError(
        "the scenario has no expectations (expect: entries with from, to, port and allowed, or with flow and "
        "p50Below, p99Below or errorRateBelow)");
  }
  std::vector<eksim::report::CheckOutcome> outcomes;
  bool all_passed = true;
  if (!scenario.reach_expectations.empty()) {
    const eksim::reach::Connectivity net(scenario, reach_options(a, path));
    for (const auto& x : scenario.reach_expectations) {
      eksim::report::CheckOutcome o{x.where, net.explain(x.from, x.to, x.port), x.allowed, false};
      o.passed = x.allowed ? o.answer.all_allowed() : o.answer.none_allowed();
      all_passed = all_passed && o.passed;
      outcomes.push_back(std::move(o));
    }
  }
  // Latency and error-rate expectations need a run (the scenario's seed and duration).
  std::vector<eksim::report::LatencyCheck> latency;
  if (!scenario.expectations.empty()) {
    eksim::cli::ProgressBar bar("simulating " + scenario.name);
    eksim::traffic::RunOptions options;
    options.progress = [&bar](double f) { bar.update(f); };
    const auto result = eksim::traffic::run_scenario(scenario, options);
    for (const auto& o : eksim::traffic::evaluate(scenario, result)) {
      latency.push_back({o.expectation->where, result.flows[o.expectation->flow].name, o.passed, o.detail});
      all_passed = all_passed && o.passed;
    }
  }
  emit(a, format == "json" ? eksim::report::check_json(outcomes, latency)
                           : eksim::report::check_text(outcomes, latency));
  return all_passed ? kOk : kExpectationFailed;
}

int cmd_diff(const ParsedArgs& a) {
  const std::string format = format_of(a);
  if (a.positional.size() != 2) throw UsageError("expected two designs: scenario files or manifest folders");
  const auto before = eksim::reach::Connectivity(scenario_or_manifests(a.positional[0]),
                                                 reach_options(a, a.positional[0])).matrix();
  const auto after = eksim::reach::Connectivity(scenario_or_manifests(a.positional[1]),
                                                reach_options(a, a.positional[1])).matrix();
  const auto changes = eksim::report::diff_pairs(before, after);
  emit(a, format == "json" ? eksim::report::diff_json(changes) : eksim::report::diff_text(changes));
  return changes.empty() ? kOk : kExpectationFailed;
}

int cmd_node(const ParsedArgs& a) {
  const std::string format = format_of(a);
  if (a.positional.size() != 2) throw UsageError("expected a scenario file and a node (cluster/nodegroup-i)");
  const auto scenario = eksim::scenario::load_scenario(a.positional[0]);
  const auto view = eksim::observe::node_view(scenario, a.positional[1]);
  emit(a, format == "json" ? eksim::observe::node_view_json(view) : eksim::observe::node_view_text(view));
  return kOk;
}

const OptionSpec kIpBlock{"ipblock-matches-pods", true,
                          "true or false: whether NetworkPolicy ipBlocks match pod addresses (default: the scenario's, true)"};

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands{
      {"run", "simulate a scenario request by request and print per-flow latency",
       "eksim run SCENARIO [--format text|json|csv] [--seed N] [--duration D] [--window W] [--json FILE] "
       "[--csv FILE] [--plot FILE.svg] [--output FILE] [--flow-logs FILE] [--metrics FILE] [--trace FILE "
       "[--trace-sample N]] [--access-log FILE]",
       {{"format", true, "output format: text (default), json, or csv (tidy rows)"}, kOutput,
        {"seed", true, "random seed (default: the scenario's)"},
        {"duration", true, "simulated time, e.g. 30s (default: the scenario's)"},
        {"window", true, "time-series window, e.g. 1s (default 1s)"},
        {"json", true, "also write the results as JSON to FILE"},
        {"csv", true, "also write the tidy result rows as CSV to FILE"},
        {"plot", true, "also draw the flows' latency CDFs as an SVG picture to FILE"},
        {"flow-logs", true, "also write VPC Flow Logs (version 2, 60 s windows) to FILE"},
        {"metrics", true, "also write the flows' counters and latency histograms (Prometheus text) to FILE"},
        {"trace", true, "also write sampled requests' timelines (Chrome trace JSON, opens in Perfetto) to FILE"},
        {"trace-sample", true, "trace every Nth request by id (default 1000)"},
        {"access-log", true, "also write Envoy access log lines of requests through sidecars to FILE"}, kHelp},
       cmd_run},
      {"capacity", "VPC CNI capacity: max pods, subnet addresses, pods that cannot run, headroom",
       "eksim capacity SCENARIO [--format text|json] [--no-headroom] [--output FILE]",
       {kFormat, kOutput, {"no-headroom", false, "skip the per-workload headroom search"}, kHelp},
       cmd_capacity},
      {"validate", "load and check a scenario without running it; --format dot draws its topology",
       "eksim validate SCENARIO [--format text|json|dot] [--output FILE]",
       {{"format", true, "output format: text (default), json, or dot (Graphviz topology)"}, kOutput, kHelp},
       cmd_validate},
      {"reach", "who can reach whom: every ordered pair of workloads and external ranges with the traffic allowed",
       "eksim reach SCENARIO|MANIFEST_FOLDER [--format text|json|csv|dot] [--from GLOB] [--to GLOB] [--port P/PROTO]",
       {{"format", true, "output format: text (default), json, csv, or dot (Graphviz)"}, kOutput,
        {"from", true, "only sources whose name matches, e.g. 'web/*'"},
        {"to", true, "only destinations whose name matches"},
        {"port", true, "only pairs allowing this port, e.g. 8080/TCP"}, kIpBlock, kHelp},
       cmd_reach},
      {"explain", "one connection through every layer: the path hop by hop, and where and why it is blocked",
       "eksim explain SCENARIO|MANIFEST_FOLDER --from A --to B --port 8080/TCP [--format text|json]",
       {kFormat, kOutput, {"from", true, "source: cluster/namespace/name, namespace/name[Kind] or an address"},
        {"to", true, "destination, in the same notation (a Service: namespace/name[Service])"},
        {"port", true, "destination port and protocol, e.g. 8080/TCP (a Service's port for a Service)"}, kIpBlock,
        kHelp},
       cmd_explain},
      {"check", "evaluate the scenario's reachability, latency and error-rate expectations; exit 1 when one fails",
       "eksim check SCENARIO [--format text|json]", {kFormat, kOutput, kIpBlock, kHelp}, cmd_check},
      {"diff", "pairs whose allowed traffic differs between two designs; exit 1 when any does",
       "eksim diff A B [--format text|json]", {kFormat, kOutput, kIpBlock, kHelp}, cmd_diff},
      {"node", "what a node shows: its ENIs and addresses, pods, ip rule/ip route, and iptables-save -t nat",
       "eksim node SCENARIO NODE [--format text|json] [--output FILE]   (NODE: cluster/nodegroup-i, from 1)",
       {kFormat, kOutput, kHelp}, cmd_node},
      {"dns", eksim::cli::kDnsSummary, eksim::cli::kDnsUsage, eksim::cli::dns_options(), eksim::cli::run_dns},
      {"sweep", eksim::cli::kSweepSummary, eksim::cli::kSweepUsage, eksim::cli::sweep_options(),
       eksim::cli::run_sweep},
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
