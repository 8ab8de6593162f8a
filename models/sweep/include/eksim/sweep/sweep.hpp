// A sweep: one base scenario run at every point of a grid of overrides,
// several replications each, or (knee search) at rates found by bisection.
// Reference: docs/sweep.md.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eksim/scenario/scenario.hpp"
#include "eksim/sweep/run_metrics.hpp"
#include "eksim/sweep/task_runner.hpp"
#include "eksim/sweep/yaml_path.hpp"

namespace eksim::sweep {

// One grid axis: a path into the scenario and the values it takes, each
// kept as the sweep file's own node (so errors point at it).
struct Axis {
  YamlPath path;
  scenario::SourceLocation where;  // the path's key in the sweep file
  std::vector<YAML::Node> values;
  std::vector<std::string> labels;  // each value as written, for tables
};

struct SweepSpec {
  std::string file;           // the sweep file
  std::string name;           // sweep.name, or the file's stem
  std::string scenario_path;  // the base scenario, relative to the sweep file
  std::string scenario_text;  // its bytes, read once
  std::uint32_t replications = 1;
  std::optional<sim::Time> duration;  // default: each point's scenario's
  std::vector<Axis> axes;             // in the order written
};

// Reads and checks a sweep file: its keys, the base scenario, and that
// every axis path exists in the base scenario. Throws LoadError.
SweepSpec load_sweep(const std::string& path);

// Points are numbered row-major: the first axis changes slowest.
std::size_t point_count(const SweepSpec& spec);
// The value index of each axis at `point`.
std::vector<std::size_t> point_values(const SweepSpec& spec, std::size_t point);

// A path set to a value computed by eksim rather than written in the sweep
// file (a knee search's rate); errors at it name `where`.
struct ExtraOverride {
  const YamlPath* path;
  YAML::Node value;
  scenario::SourceLocation where;
};

// The base scenario with the point's values (and `extra`) in place, loaded
// and validated like a hand-written file. Throws LoadError at the sweep
// file for a bad value.
scenario::Scenario point_scenario(const SweepSpec& spec, std::size_t point,
                                  const std::vector<ExtraOverride>& extra = {});

// Every point loaded, so a bad value stops a sweep before any run.
std::vector<scenario::Scenario> load_points(const SweepSpec& spec, const std::vector<ExtraOverride>& extra = {});

// The seed of replication `r` of a scenario seeded `scenario_seed`: drawn
// from the stream keyed (scenario seed, r, "sweep", "replication"), so
// replications are independent and every point shares them (common random
// numbers make points comparable). `eksim run --seed` with it repeats the run.
std::uint64_t replication_seed(std::uint64_t scenario_seed, std::uint32_t r);

// One run of the grid.
struct RunRow {
  std::size_t point = 0;
  std::uint32_t replication = 0;
  std::uint64_t seed = 0;
  RunMetrics metrics;
};

struct SweepResult {
  std::vector<RunRow> runs;  // by point, then replication
};

// Runs every (point, replication) as one task of `runner`. Only the root
// runner's result holds the runs.
SweepResult run_sweep(const SweepSpec& spec, TaskRunner& runner,
                      const std::function<void(double)>& progress = {});
// Same, with the points already loaded by load_points(spec).
SweepResult run_sweep(const SweepSpec& spec, const std::vector<scenario::Scenario>& points, TaskRunner& runner,
                      const std::function<void(double)>& progress = {});

// --find-knee: per point of the other axes, the highest rate at `rate_path`
// whose mean (over replications) `metric` of flow `flow` stays below `bound`.
struct KneeOptions {
  YamlPath rate_path;
  scenario::SourceLocation where;  // where rate_path came from, for errors
  double low = 0;                  // requests per second
  double high = 0;
  double tolerance = 0.01;  // stop when high - low <= tolerance * high
  std::string metric = "p99";
  double bound = 0;  // in the metric's unit
  std::string bound_text;  // as the user wrote it: "p99<20ms"
  // The metric's kind (set by parse_bound) and the flow of that kind:
  // traffic.N or dnsTraffic.N (dns_servers has one, whatever N).
  FlowKind kind = FlowKind::traffic;
  std::uint32_t flow = 0;
};

struct Probe {
  double rate = 0;
  double value = 0;  // mean of the metric over replications
  bool below = false;
};

struct KneeRow {
  std::size_t point = 0;  // of the grid without the rate axis
  // found: bound crossed between low and high; below_low: already crossed
  // at low; above_high: still below the bound at high.
  std::string status;
  double knee = 0;  // highest probed rate below the bound (0 if none)
  std::vector<Probe> probes;
};

struct KneeResult {
  SweepSpec grid;  // the spec without the rate axis
  std::vector<KneeRow> rows;
};

// "p99<20ms" (a time metric takes a duration) or "error_rate<0.01" into
// options.metric and options.bound. Throws LoadError at "--bound".
void parse_bound(const std::string& text, KneeOptions& options);

// The rate's path into options.rate_path (errors at "--rate") and the flow
// the bound reads: N for traffic.N.rate and dnsTraffic.N.rate, else 0.
void set_knee_rate(const std::string& path, KneeOptions& options);

// The grid without the knee's rate axis (if the grid has it). When
// options.low or high is 0, takes them from that axis's smallest and
// largest rates. Throws LoadError on bad options.
SweepSpec knee_grid(const SweepSpec& spec, KneeOptions& options);

// Checks the options against every point of `grid` (from knee_grid): both
// ends of the search load, the flow and the metric exist. Returns the
// metric's index in metric_catalog(options.kind). Throws LoadError.
std::size_t check_knee(const SweepSpec& grid, const KneeOptions& options);

// Checks as above, then bisects at each point as one task of `runner`.
KneeResult find_knee(const SweepSpec& spec, const KneeOptions& options, TaskRunner& runner,
                     const std::function<void(double)>& progress = {});

}  // namespace eksim::sweep
