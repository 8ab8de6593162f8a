#include "eksim/sweep/sweep.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "eksim/dns/dns_load.hpp"
#include "eksim/dns/scenario_world.hpp"
#include "eksim/scenario/yaml_reader.hpp"
#include "eksim/sim/random.hpp"
#include "eksim/traffic/run.hpp"
#include "eksim/util/closest_name.hpp"

namespace eksim::sweep {
namespace {

using scenario::LoadError;
using scenario::SourceLocation;
using scenario::YamlReader;

std::string label_of(const YAML::Node& value) {
  if (value.IsScalar()) return value.Scalar();
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << value;
  return out.c_str();
}

std::string shortest(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? end : buf);
}

void pack_metrics(Packer& p, const RunMetrics& m) {
  p.u64(m.flows.size());
  for (const auto& f : m.flows) {
    p.u64(static_cast<std::uint64_t>(f.kind));
    p.u64(f.index);
    p.str(f.from);
    p.str(f.to);
  }
  p.u64(m.metrics.size());
  for (const auto& x : m.metrics) {
    p.u64(x.flow);
    p.str(x.name);
    p.str(x.unit);
    p.f64(x.value);
  }
}

RunMetrics unpack_metrics(Unpacker& u) {
  RunMetrics m;
  m.flows.resize(u.u64());
  for (auto& f : m.flows) {
    f.kind = static_cast<FlowKind>(u.u64());
    f.index = static_cast<std::uint32_t>(u.u64());
    f.from = u.str();
    f.to = u.str();
  }
  m.metrics.resize(u.u64());
  for (auto& x : m.metrics) {
    x.flow = static_cast<std::uint32_t>(u.u64());
    x.name = u.str();
    x.unit = u.str();
    x.value = u.f64();
  }
  return m;
}

// A point's runs with one seed: the request-level run of its traffic, and
// the DNS load run of its dnsTraffic when it has some. The two models run
// apart, each as `eksim run` and `eksim dns --load` would with this seed:
// dnsTraffic is not background load for the request flows.
RunMetrics run_once(const scenario::Scenario& s, std::uint64_t seed, std::optional<sim::Time> duration,
                    const std::function<void(double)>& within) {
  RunMetrics out;
  const bool dns_load = !s.dns.traffic.empty();
  const double traffic_share = dns_load ? (s.flows.empty() ? 0.0 : 0.5) : 1.0;
  if (!s.flows.empty() || !dns_load) {
    traffic::RunOptions options;
    options.seed = seed;
    options.duration = duration;
    if (within) options.progress = [&](double f) { within(f * traffic_share); };
    add_run_metrics(traffic::run_scenario(s, options), out);
  }
  if (dns_load) {
    dns::DnsLoadOptions options;
    options.seed = seed;
    options.duration = duration;
    add_dns_metrics(dns::run_dns_load(s, dns::dns_world(s), options), out);
    if (within) within(1.0);
  }
  return out;
}

std::string path_text(const YamlPath& p) {
  std::string out;
  for (const auto& s : p.steps) out += (out.empty() ? "" : ".") + s;
  return out;
}

}  // namespace

SweepSpec load_sweep(const std::string& path) {
  const YamlReader r = YamlReader::from_file(path);
  const YAML::Node& root = r.root();
  if (!root.IsDefined() || root.IsNull()) r.fail(root, "the sweep file is empty");
  r.check_keys(root, {"sweep", "grid"}, "sweep file");
  SweepSpec spec;
  spec.file = path;
  const YAML::Node head = r.required(root, "sweep", "sweep file");
  r.check_keys(head, {"name", "scenario", "replications", "duration"}, "sweep");
  spec.name = head["name"] ? r.string(head["name"], "sweep.name") : std::filesystem::path(path).stem().string();
  const YAML::Node scenario_node = r.required(head, "scenario", "sweep");
  const std::filesystem::path scenario = r.string(scenario_node, "sweep.scenario");
  spec.scenario_path = (scenario.is_absolute() ? scenario : std::filesystem::path(path).parent_path() / scenario)
                           .lexically_normal()
                           .string();
  std::ifstream in(spec.scenario_path, std::ios::binary);
  if (!in) r.fail(scenario_node, "sweep.scenario: cannot open '" + spec.scenario_path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  spec.scenario_text = text.str();
  if (head["replications"]) {
    spec.replications = static_cast<std::uint32_t>(r.integer(head["replications"], "sweep.replications", 1, 100000));
  }
  if (head["duration"]) {
    spec.duration = r.duration(head["duration"], "sweep.duration");
    if (*spec.duration <= sim::Time{}) r.fail(head["duration"], "sweep.duration: must be longer than 0s");
  }

  const YamlReader base = YamlReader::from_string(spec.scenario_text, spec.scenario_path);
  if (const YAML::Node grid = root["grid"]) {
    r.expect_map(grid, "grid");
    for (const auto& kv : grid) {
      if (!kv.first.IsScalar()) r.fail(kv.first, "grid: keys are paths into the scenario, e.g. traffic.0.rate");
      Axis axis;
      axis.where = r.at(kv.first);
      axis.path = parse_yaml_path(kv.first.Scalar(), axis.where);
      for (const Axis& other : spec.axes) {
        if (path_text(other.path) == path_text(axis.path)) {
          r.fail(kv.first, "grid: path '" + axis.path.text + "' already swept at " + other.where.str());
        }
      }
      find_yaml_path(base.root(), axis.path, axis.where, spec.scenario_path);
      r.expect_sequence(kv.second, "grid " + axis.path.text);
      if (kv.second.size() == 0) r.fail(kv.second, "grid " + axis.path.text + ": give at least one value");
      for (const YAML::Node& v : kv.second) {
        axis.values.push_back(v);
        axis.labels.push_back(label_of(v));
      }
      spec.axes.push_back(std::move(axis));
    }
  }
  return spec;
}

std::size_t point_count(const SweepSpec& spec) {
  std::size_t n = 1;
  for (const Axis& a : spec.axes) n *= a.values.size();
  return n;
}

std::vector<std::size_t> point_values(const SweepSpec& spec, std::size_t point) {
  std::vector<std::size_t> out(spec.axes.size());
  for (std::size_t a = spec.axes.size(); a-- > 0;) {
    out[a] = point % spec.axes[a].values.size();
    point /= spec.axes[a].values.size();
  }
  return out;
}

scenario::Scenario point_scenario(const SweepSpec& spec, std::size_t point, const std::vector<ExtraOverride>& extra) {
  // Parsed afresh for each point: the document is edited in place, and the
  // untouched nodes keep their marks in the base scenario for errors.
  YAML::Node root = YamlReader::from_string(spec.scenario_text, spec.scenario_path).root();
  std::vector<YamlReader::ForeignNode> foreign;
  const auto values = point_values(spec, point);
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    const Axis& axis = spec.axes[a];
    const YAML::Node& value = axis.values[values[a]];
    set_yaml_path(root, axis.path, value, axis.where, spec.scenario_path);
    foreign.push_back({value, spec.file});
  }
  for (const ExtraOverride& e : extra) {
    set_yaml_path(root, *e.path, e.value, e.where, spec.scenario_path);
    foreign.push_back({e.value, e.where.file});
  }
  return scenario::load_scenario_document(YamlReader::from_document(root, spec.scenario_path, std::move(foreign)));
}

std::vector<scenario::Scenario> load_points(const SweepSpec& spec, const std::vector<ExtraOverride>& extra) {
  std::vector<scenario::Scenario> out;
  const std::size_t n = point_count(spec);
  out.reserve(n);
  for (std::size_t p = 0; p < n; ++p) out.push_back(point_scenario(spec, p, extra));
  return out;
}

std::uint64_t replication_seed(std::uint64_t scenario_seed, std::uint32_t r) {
  return sim::stream_key(scenario_seed, r, "sweep", "replication");
}

SweepResult run_sweep(const SweepSpec& spec, TaskRunner& runner, const std::function<void(double)>& progress) {
  return run_sweep(spec, load_points(spec), runner, progress);
}

SweepResult run_sweep(const SweepSpec& spec, const std::vector<scenario::Scenario>& points, TaskRunner& runner,
                      const std::function<void(double)>& progress) {
  const std::uint32_t reps = spec.replications;
  const auto results = runner.run(
      points.size() * reps,
      [&](std::size_t task, const std::function<void(double)>& within) {
        const scenario::Scenario& s = points[task / reps];
        const std::uint64_t seed = replication_seed(s.seed, static_cast<std::uint32_t>(task % reps));
        Packer p;
        p.u64(seed);
        pack_metrics(p, run_once(s, seed, spec.duration, within));
        return p.take();
      },
      progress);
  SweepResult out;
  for (std::size_t task = 0; task < results.size(); ++task) {
    Unpacker u(results[task]);
    RunRow row;
    row.point = task / reps;
    row.replication = static_cast<std::uint32_t>(task % reps);
    row.seed = u.u64();
    row.metrics = unpack_metrics(u);
    out.runs.push_back(std::move(row));
  }
  return out;
}

SweepSpec knee_grid(const SweepSpec& spec, KneeOptions& options) {
  SweepSpec grid = spec;
  const YamlReader sweep_file = YamlReader::from_document(YAML::Node(), spec.file, {});
  for (std::size_t a = 0; a < grid.axes.size(); ++a) {
    const Axis& axis = grid.axes[a];
    if (path_text(axis.path) != path_text(options.rate_path)) continue;
    double lowest = 0, highest = 0;
    for (std::size_t v = 0; v < axis.values.size(); ++v) {
      const double rate = sweep_file.rate(axis.values[v], "knee rate " + axis.path.text);
      lowest = v == 0 ? rate : std::min(lowest, rate);
      highest = v == 0 ? rate : std::max(highest, rate);
    }
    if (options.low == 0) options.low = lowest;
    if (options.high == 0) options.high = highest;
    grid.axes.erase(grid.axes.begin() + static_cast<std::ptrdiff_t>(a));
    break;
  }
  if (options.low <= 0 || options.high <= 0) {
    throw LoadError(options.where, "--find-knee needs --low and --high rates, or '" + options.rate_path.text +
                                       "' as a grid axis whose smallest and largest values bound the search");
  }
  if (options.low >= options.high) {
    throw LoadError(options.where, "--find-knee: the low rate " + shortest(options.low) +
                                       "/s must be below the high rate " + shortest(options.high) + "/s");
  }
  return grid;
}

void parse_bound(const std::string& text, KneeOptions& options) {
  const SourceLocation where{"--bound", 0, 0};
  const auto lt = text.find('<');
  std::vector<Metric> catalog;
  for (const FlowKind k : {FlowKind::traffic, FlowKind::dns, FlowKind::dns_servers}) {
    const auto more = metric_catalog(k);
    catalog.insert(catalog.end(), more.begin(), more.end());
  }
  std::vector<std::string> names;
  for (const Metric& m : catalog) names.push_back(m.name);
  if (lt == std::string::npos || lt == 0 || lt + 1 == text.size()) {
    throw LoadError(where, "expected METRIC<VALUE such as p99<20ms, got '" + text + "'");
  }
  std::string name = text.substr(0, lt);
  std::string value = text.substr(lt + 1);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  const Metric* metric = nullptr;
  for (const Metric& m : catalog) {
    if (m.name == name) metric = &m;
  }
  if (metric == nullptr) throw LoadError(where, "unknown metric '" + name + "'" + util::did_you_mean(name, names));
  double bound = 0;
  if (metric->unit == "ms") {
    std::string error;
    const auto d = sim::parse_duration(value, &error);
    if (!d) throw LoadError(where, name + " is a time, so give its bound as a duration such as 20ms: " + error);
    bound = static_cast<double>(d->count()) * 1e-6;
  } else {
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), bound);
    if (ec != std::errc() || ptr != value.data() + value.size()) {
      throw LoadError(where, "expected a number after '<', got '" + value + "'");
    }
  }
  options.metric = name;
  metric_kind(name, &options.kind);
  options.bound = bound;
  options.bound_text = name + "<" + value;
}

void set_knee_rate(const std::string& path, KneeOptions& options) {
  options.where = SourceLocation{"--rate", 0, 0};
  options.rate_path = parse_yaml_path(path, options.where);
  // The bound is on the flow (traffic.N) or lookup stream (dnsTraffic.N)
  // whose rate is searched; the first of the metric's kind otherwise.
  options.flow = 0;
  const auto& steps = options.rate_path.steps;
  if (steps.size() == 3 && (steps[0] == "traffic" || steps[0] == "dnsTraffic") && steps[2] == "rate") {
    const auto [ptr, ec] = std::from_chars(steps[1].data(), steps[1].data() + steps[1].size(), options.flow);
    if (ec != std::errc() || ptr != steps[1].data() + steps[1].size()) options.flow = 0;
  }
}

std::size_t check_knee(const SweepSpec& grid, const KneeOptions& options) {
  // Both ends of the search loaded at every point before any run.
  std::vector<scenario::Scenario> points;
  for (const double rate : {options.low, options.high}) {
    points = load_points(grid, {{&options.rate_path, YAML::Node(shortest(rate)), options.where}});
  }
  for (const auto& s : points) {
    const std::size_t flows = options.kind == FlowKind::traffic       ? s.flows.size()
                              : options.kind == FlowKind::dns         ? s.dns.traffic.size()
                              : s.dns.traffic.empty()                 ? 0
                                                                      : 1;
    // The DNS servers are one entry whichever stream's rate is searched.
    const std::uint32_t flow = options.kind == FlowKind::dns_servers ? 0 : options.flow;
    if (flow >= flows) {
      const std::string what = options.kind == FlowKind::traffic ? "traffic" : "dnsTraffic";
      throw LoadError(options.where, "--find-knee: the bound " + options.metric + " is on " + what + " " +
                                         std::to_string(flow) +
                                         " but the scenario has " + std::to_string(flows) + " " + what +
                                         (flows == 1 ? " entry" : " entries"));
    }
  }
  const auto catalog = metric_catalog(options.kind);
  std::size_t metric_index = catalog.size();
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    if (catalog[i].name == options.metric) metric_index = i;
  }
  if (metric_index == catalog.size()) {
    throw LoadError(options.where, "--bound: unknown metric '" + options.metric + "'");
  }
  return metric_index;
}

KneeResult find_knee(const SweepSpec& spec, const KneeOptions& options, TaskRunner& runner,
                     const std::function<void(double)>& progress) {
  KneeResult out;
  out.grid = spec;
  const SweepSpec& grid = out.grid;
  check_knee(grid, options);
  const std::uint32_t flow = options.kind == FlowKind::dns_servers ? 0 : options.flow;
  // Bisection halves high - low until it is within tolerance * high.
  const int max_probes =
      2 + static_cast<int>(std::ceil(std::log2(std::max(1.0, (options.high - options.low) /
                                                                  (options.tolerance * options.high)))));

  const auto results = runner.run(
      point_count(grid),
      [&](std::size_t point, const std::function<void(double)>& within) {
        std::vector<Probe> probes;
        auto probe = [&](double rate) {
          const auto s = point_scenario(grid, point, {{&options.rate_path, YAML::Node(shortest(rate)), options.where}});
          double sum = 0;
          for (std::uint32_t r = 0; r < spec.replications; ++r) {
            const double done = static_cast<double>(probes.size()) +
                                static_cast<double>(r) / static_cast<double>(spec.replications);
            const RunMetrics m = run_once(s, replication_seed(s.seed, r), spec.duration, [&](double f) {
              if (within) {
                within(std::min(1.0, (done + f / static_cast<double>(spec.replications)) / max_probes));
              }
            });
            const Metric* x = find_metric(m, options.kind, flow, options.metric);
            if (x == nullptr) throw std::runtime_error("sweep: a run has no " + options.metric);
            sum += x->value;
          }
          const double mean = sum / static_cast<double>(spec.replications);
          probes.push_back({rate, mean, mean < options.bound});
          return probes.back().below;
        };
        std::string status = "found";
        double knee = 0;
        if (!probe(options.low)) {
          status = "below_low";
        } else if (probe(options.high)) {
          status = "above_high";
          knee = options.high;
        } else {
          double lo = options.low, hi = options.high;
          while (hi - lo > options.tolerance * hi) {
            const double mid = (lo + hi) / 2;
            (probe(mid) ? lo : hi) = mid;
          }
          knee = lo;
        }
        Packer p;
        p.str(status);
        p.f64(knee);
        p.u64(probes.size());
        for (const Probe& x : probes) {
          p.f64(x.rate);
          p.f64(x.value);
          p.u64(x.below ? 1 : 0);
        }
        return p.take();
      },
      progress);
  for (std::size_t point = 0; point < results.size(); ++point) {
    Unpacker u(results[point]);
    KneeRow row;
    row.point = point;
    row.status = u.str();
    row.knee = u.f64();
    row.probes.resize(u.u64());
    for (Probe& x : row.probes) {
      x.rate = u.f64();
      x.value = u.f64();
      x.below = u.u64() != 0;
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace eksim::sweep
