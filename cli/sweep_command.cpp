#include "sweep_command.hpp"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "eksim/report/output_file.hpp"
#include "eksim/report/sweep_report.hpp"
#include "eksim/scenario/yaml_reader.hpp"
#include "eksim/sweep/sweep.hpp"
#include "eksim/util/closest_name.hpp"
#include "mpi_runner.hpp"
#include "progress.hpp"

namespace eksim::cli {

const char* const kSweepSummary = "run a scenario over a grid of overrides with replications, or find each point's knee rate";
const char* const kSweepUsage =
    "eksim sweep SWEEP.yaml [--format text|csv|json] [--output FILE] [--output-dir DIR]\n"
    "       eksim sweep SWEEP.yaml --find-knee --bound 'p99<20ms' [--rate PATH] [--low R] [--high R]\n"
    "                   [--tolerance 1%] [--format text|csv|json] [--output FILE] [--output-dir DIR]\n"
    "       mpirun -n N eksim sweep ...   (built with -DEKSIM_MPI=ON: the runs spread over the ranks)";

std::vector<OptionSpec> sweep_options() {
  return {{"format", true, "stdout format: text (the summary, default), csv or json (the tidy table)"},
          {"output", true, "write that format to FILE (atomically) instead of stdout"},
          {"output-dir", true, "also write rows.csv, rows.json and summary.txt (knee: knee.csv, knee.json, knee.txt)"},
          {"find-knee", false, "per point of the other axes, bisect for the highest rate that keeps --bound"},
          {"bound", true, "with --find-knee: METRIC<VALUE on the mean over replications, e.g. 'p99<20ms'"},
          {"rate", true, "with --find-knee: the rate's path in the scenario (default traffic.0.rate; dnsTraffic.N.rate too)"},
          {"low", true, "with --find-knee: lowest rate, e.g. 100/s (default: the rate axis's smallest value)"},
          {"high", true, "with --find-knee: highest rate (default: the rate axis's largest value)"},
          {"tolerance", true, "with --find-knee: stop when high - low is within this share of high (default 1%)"},
          {"help", false, "show this help"}};
}

namespace {

constexpr int kOk = 0;
constexpr int kBadInput = 2;

std::string format_of(const ParsedArgs& a) {
  const std::string f = a.get("format").value_or("text");
  const std::vector<std::string> formats{"text", "csv", "json"};
  if (std::find(formats.begin(), formats.end(), f) == formats.end()) {
    throw UsageError("unknown format '" + f + "'" + util::did_you_mean(f, formats) + " (expected text, csv or json)");
  }
  return f;
}

double rate_option(const ParsedArgs& a, const std::string& name) {
  const auto text = a.get(name);
  if (!text) return 0;
  const auto r = scenario::YamlReader::from_string(*text, "--" + name);
  const double rate = r.rate(r.root(), "--" + name);
  if (rate <= 0) throw UsageError("--" + name + ": must be above 0/s");
  return rate;
}

double tolerance_option(const ParsedArgs& a) {
  std::string text = a.get("tolerance").value_or("1%");
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw UsageError("--tolerance: expected a share such as 1% or 0.01, got '" + a.get("tolerance").value_or("") + "'");
  }
  if (percent) v /= 100;
  if (!(v > 0 && v < 1)) throw UsageError("--tolerance: must lie between 0% and 100%");
  return v;
}

sweep::KneeOptions knee_options(const ParsedArgs& a) {
  sweep::KneeOptions o;
  sweep::set_knee_rate(a.get("rate").value_or("traffic.0.rate"), o);
  const auto bound = a.get("bound");
  if (!bound) throw UsageError("--find-knee needs --bound, e.g. --bound 'p99<20ms'");
  sweep::parse_bound(*bound, o);
  o.low = rate_option(a, "low");
  o.high = rate_option(a, "high");
  o.tolerance = tolerance_option(a);
  return o;
}

struct Outputs {
  std::string csv;
  std::string json;
  std::string text;
};

void write_outputs(const ParsedArgs& a, const Outputs& out, const char* stem, const char* text_name) {
  if (const auto dir = a.get("output-dir")) {
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    if (ec) throw std::runtime_error("cannot create " + *dir + ": " + ec.message());
    const std::filesystem::path d(*dir);
    report::write_file_atomically((d / (std::string(stem) + ".csv")).string(), out.csv);
    report::write_file_atomically((d / (std::string(stem) + ".json")).string(), out.json);
    report::write_file_atomically((d / text_name).string(), out.text);
  }
  const std::string format = format_of(a);
  const std::string& chosen = format == "csv" ? out.csv : format == "json" ? out.json : out.text;
  if (const auto file = a.get("output")) {
    report::write_file_atomically(*file, chosen);
  } else {
    std::fwrite(chosen.data(), 1, chosen.size(), stdout);
  }
}

}  // namespace

int run_sweep(const ParsedArgs& a) {
  const auto runner = make_task_runner();
  // Everything that can be wrong with the input is found before any run, on
  // every rank; the ranks then agree, so none waits for a rank that quit.
  std::optional<sweep::SweepSpec> spec;
  std::optional<sweep::KneeOptions> knee;
  std::vector<scenario::Scenario> points;
  std::string error;
  bool usage = false;
  try {
    if (a.positional.size() != 1) throw UsageError("expected exactly one sweep file");
    format_of(a);
    spec = sweep::load_sweep(a.positional[0]);
    if (a.has("find-knee")) {
      knee = knee_options(a);
      spec = sweep::knee_grid(*spec, *knee);
      sweep::check_knee(*spec, *knee);
    } else {
      for (const char* k : {"bound", "rate", "low", "high", "tolerance"}) {
        if (a.has(k)) throw UsageError(std::string("--") + k + " goes with --find-knee");
      }
      points = sweep::load_points(*spec);
    }
  } catch (const UsageError& e) {
    error = e.what();
    usage = true;
  } catch (const std::exception& e) {
    error = e.what();
  }
  bool root_ok = true;
  if (!runner->all_ok(error.empty(), &root_ok)) {
    if (!error.empty() && (runner->is_root() || root_ok)) {
      const std::string who = runner->is_root() ? "" : " (MPI rank " + std::to_string(runner->rank()) + ")";
      if (usage) {
        std::fprintf(stderr, "eksim sweep%s: %s\nusage: %s\n", who.c_str(), error.c_str(), kSweepUsage);
      } else {
        std::fprintf(stderr, "%s%s\n", error.c_str(), who.empty() ? "" : who.c_str());
      }
    }
    return kBadInput;
  }

  try {
    std::optional<ProgressBar> bar;
    if (runner->is_root()) bar.emplace("sweep " + spec->name);
    const auto progress = [&bar](double f) {
      if (bar) bar->update(f);
    };
    Outputs out;
    if (knee) {
      const auto result = sweep::find_knee(*spec, *knee, *runner, progress);
      bar.reset();
      if (!runner->is_root()) return kOk;
      out = {report::knee_csv(result, *knee), report::knee_json(result, *knee), report::knee_text(result, *knee)};
      write_outputs(a, out, "knee", "knee.txt");
    } else {
      const auto result = sweep::run_sweep(*spec, points, *runner, progress);
      bar.reset();
      if (!runner->is_root()) return kOk;
      out = {report::sweep_csv(*spec, result), report::sweep_json(*spec, result), report::sweep_text(*spec, result)};
      write_outputs(a, out, "rows", "summary.txt");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eksim sweep: %s\n", e.what());
    runner->abort_others(kBadInput);
    return kBadInput;
  }
  return kOk;
}

}  // namespace eksim::cli
