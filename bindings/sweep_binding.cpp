// eksim.sweep(path) and eksim.find_knee(path, bound): a sweep file run as
// `eksim sweep` (and `--find-knee`) runs it serially, with the tidy table as
// row objects (and pandas), the summary or the knees, and the CLI's own CSV,
// JSON and text from the same result.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "eksim/report/sweep_report.hpp"
#include "eksim/sweep/sweep.hpp"

namespace eksim::python {
namespace {

// A row of the tidy table, flattened for Python.
struct SweepRow {
  std::size_t point = 0;
  std::uint32_t replication = 0;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> values;  // axis path, value as written
  std::uint32_t flow = 0;
  std::string kind;
  std::uint32_t index = 0;
  std::string from;
  std::string to;
  std::string metric;
  std::string unit;
  double value = 0;
};

struct SweepSummaryRow {
  std::size_t point = 0;
  std::vector<std::pair<std::string, std::string>> values;
  std::uint32_t flow = 0;
  std::string kind;
  std::string metric;
  std::string unit;
  std::size_t n = 0;
  double mean = 0;
  std::optional<double> ci95_low;
  std::optional<double> ci95_high;
};

struct SweepHandle {
  sweep::SweepSpec spec;
  sweep::SweepResult result;
  std::vector<SweepRow> rows;
  std::vector<SweepSummaryRow> summary;
};

struct KneeHandle {
  sweep::KneeOptions options;
  sweep::KneeResult result;
};

std::vector<std::pair<std::string, std::string>> values_of(const sweep::SweepSpec& spec, std::size_t point) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto at = sweep::point_values(spec, point);
  for (std::size_t a = 0; a < spec.axes.size(); ++a) out.emplace_back(spec.axes[a].path.text, spec.axes[a].labels[at[a]]);
  return out;
}

py::dict dict_of(const std::vector<std::pair<std::string, std::string>>& values) {
  py::dict d;
  for (const auto& [k, v] : values) d[py::str(k)] = v;
  return d;
}

std::function<void(double)> progress_of(const py::object& progress) {
  if (progress.is_none()) return {};
  return [progress](double f) {
    py::gil_scoped_acquire acquire;
    progress(f);
  };
}

std::shared_ptr<SweepHandle> run(const std::string& path, const py::object& progress) {
  auto h = std::make_shared<SweepHandle>();
  // Made (and dropped) with the GIL held: it holds a reference to `progress`.
  const auto report = progress_of(progress);
  {
    py::gil_scoped_release release;
    h->spec = sweep::load_sweep(path);
    const auto points = sweep::load_points(h->spec);
    sweep::SerialRunner runner;
    h->result = sweep::run_sweep(h->spec, points, runner, report);
  }
  for (const auto& run : h->result.runs) {
    const auto values = values_of(h->spec, run.point);
    for (const auto& m : run.metrics.metrics) {
      const auto& f = run.metrics.flows[m.flow];
      h->rows.push_back({run.point, run.replication, run.seed, values, m.flow, std::string(sweep::to_string(f.kind)),
                         f.index, f.from, f.to, m.name, m.unit, m.value});
    }
  }
  for (const auto& s : report::sweep_summary(h->spec, h->result)) {
    SweepSummaryRow row{s.point, values_of(h->spec, s.point), s.metric->flow, std::string(sweep::to_string(s.flow->kind)),
                        s.metric->name, s.metric->unit, s.interval.n, s.interval.mean, std::nullopt, std::nullopt};
    if (s.interval.has_interval) {
      row.ci95_low = s.interval.low;
      row.ci95_high = s.interval.high;
    }
    h->summary.push_back(std::move(row));
  }
  return h;
}

std::shared_ptr<KneeHandle> knee(const std::string& path, const std::string& bound, const std::string& rate,
                                 std::optional<double> low, std::optional<double> high, double tolerance,
                                 const py::object& progress) {
  if (!(tolerance > 0 && tolerance < 1)) throw py::value_error("tolerance: must lie between 0 and 1 (0.01 is 1%)");
  for (const auto& [name, value] : {std::pair{"low", low}, std::pair{"high", high}}) {
    if (value && !(*value > 0)) throw py::value_error(std::string(name) + ": must be above 0 requests per second");
  }
  auto h = std::make_shared<KneeHandle>();
  const auto report = progress_of(progress);  // before the release: it holds a reference
  py::gil_scoped_release release;
  const auto spec = sweep::load_sweep(path);
  sweep::set_knee_rate(rate, h->options);
  sweep::parse_bound(bound, h->options);
  h->options.low = low.value_or(0);
  h->options.high = high.value_or(0);
  h->options.tolerance = tolerance;
  const auto grid = sweep::knee_grid(spec, h->options);
  sweep::SerialRunner runner;
  h->result = sweep::find_knee(grid, h->options, runner, report);
  return h;
}

}  // namespace

void bind_sweep(py::module_& m) {
  py::class_<SweepRow>(m, "SweepRow", "One row of a sweep's tidy table: a point, replication, flow and metric.")
      .def_readonly("point", &SweepRow::point, "The grid point, numbered row-major (first axis slowest).")
      .def_readonly("replication", &SweepRow::replication, "The replication, from 0.")
      .def_readonly("seed", &SweepRow::seed, "The run's seed: `eksim run POINT --seed SEED` repeats it.")
      .def_property_readonly("values", [](const SweepRow& r) { return dict_of(r.values); },
                             "The point's value of each axis, {path: value as written}.")
      .def_readonly("flow", &SweepRow::flow, "The row's flow: request flows, then dnsTraffic streams, then the DNS servers.")
      .def_readonly("kind", &SweepRow::kind, "'traffic', 'dns' (a dnsTraffic stream) or 'dns_servers'.")
      .def_readonly("index", &SweepRow::index, "The flow's number within its kind (traffic.N, dnsTraffic.N).")
      .def_readonly("from_", &SweepRow::from, "Source workload, 'cluster/namespace/name' ('dns' for the servers).")
      .def_readonly("to", &SweepRow::to, "Destination, or the name a dnsTraffic stream looks up.")
      .def_readonly("metric", &SweepRow::metric, "The metric's name, e.g. 'p99', 'lookup_p99', 'resolver_dropped'.")
      .def_readonly("unit", &SweepRow::unit, "'ms', '1/s', 'count', 'ratio' or 'usd'.")
      .def_readonly("value", &SweepRow::value, "The value.")
      .def("__repr__", [](const SweepRow& r) {
        return "SweepRow(point=" + std::to_string(r.point) + ", replication=" + std::to_string(r.replication) +
               ", flow=" + std::to_string(r.flow) + ", metric='" + r.metric + "')";
      });
  py::class_<SweepSummaryRow>(m, "SweepSummaryRow", "A (point, flow, metric) over its replications.")
      .def_readonly("point", &SweepSummaryRow::point, "The grid point.")
      .def_property_readonly("values", [](const SweepSummaryRow& r) { return dict_of(r.values); },
                             "The point's value of each axis, {path: value as written}.")
      .def_readonly("flow", &SweepSummaryRow::flow, "The flow, numbered as in SweepRow.flow.")
      .def_readonly("kind", &SweepSummaryRow::kind, "'traffic', 'dns' or 'dns_servers'.")
      .def_readonly("metric", &SweepSummaryRow::metric, "The metric's name.")
      .def_readonly("unit", &SweepSummaryRow::unit, "The metric's unit.")
      .def_readonly("n", &SweepSummaryRow::n, "Replications averaged.")
      .def_readonly("mean", &SweepSummaryRow::mean, "Mean over the replications.")
      .def_readonly("ci95_low", &SweepSummaryRow::ci95_low, "Low end of the 95% Student t interval (None below 2).")
      .def_readonly("ci95_high", &SweepSummaryRow::ci95_high, "High end of the 95% Student t interval (None below 2).");
  py::class_<SweepHandle, std::shared_ptr<SweepHandle>>(m, "SweepResult",
                                                        "A sweep as `eksim sweep` runs it; str() is its summary text.")
      .def_property_readonly("name", [](const SweepHandle& h) { return h.spec.name; }, "sweep.name, or the file's stem.")
      .def_property_readonly("scenario", [](const SweepHandle& h) { return h.spec.scenario_path; },
                             "The base scenario's path.")
      .def_property_readonly("replications", [](const SweepHandle& h) { return h.spec.replications; },
                             "Replications per point.")
      .def_property_readonly(
          "duration_ns",
          [](const SweepHandle& h) -> std::optional<std::int64_t> {
            if (!h.spec.duration) return std::nullopt;
            return h.spec.duration->count();
          },
          "sweep.duration (ns), or None when each point runs its scenario's duration.")
      .def_property_readonly(
          "axes",
          [](const SweepHandle& h) {
            py::list out;
            for (const auto& a : h.spec.axes) out.append(py::make_tuple(a.path.text, a.labels));
            return out;
          },
          "The grid: (path, [values as written]) per axis, in the order written.")
      .def_property_readonly("points", [](const SweepHandle& h) { return sweep::point_count(h.spec); },
                             "Number of grid points.")
      .def_property_readonly("rows", list_property(&SweepHandle::rows), "The tidy table, as `--format json`'s rows.")
      .def_property_readonly("summary", list_property(&SweepHandle::summary),
                             "Mean and 95% interval per point, flow and metric.")
      .def("csv", [](const SweepHandle& h) { return report::sweep_csv(h.spec, h.result); },
           "The tidy table as `eksim sweep --format csv` writes it.")
      .def("json", [](const SweepHandle& h) { return report::sweep_json(h.spec, h.result); },
           "The rows and summary as `eksim sweep --format json` writes them.")
      .def("__str__", [](const SweepHandle& h) { return report::sweep_text(h.spec, h.result); });
  py::class_<sweep::KneeRow>(m, "KneeRow", "One point's knee: the highest rate probed below the bound.")
      .def_readonly("point", &sweep::KneeRow::point, "The point of the grid without the rate axis.")
      .def_readonly("status", &sweep::KneeRow::status,
                    "'found', 'below_low' (the bound is crossed at the low rate) or 'above_high' (not at the high).")
      .def_readonly("knee_rate", &sweep::KneeRow::knee, "Requests per second (0 when below_low).")
      .def_property_readonly(
          "probes",
          [](const sweep::KneeRow& r) {
            py::list out;
            for (const auto& p : r.probes) out.append(py::make_tuple(p.rate, p.value, p.below));
            return out;
          },
          "Every probe in order: (rate, mean of the metric over replications, below the bound).");
  py::class_<KneeHandle, std::shared_ptr<KneeHandle>>(m, "KneeResult",
                                                      "A knee search as `eksim sweep --find-knee`; str() is its text.")
      .def_property_readonly("rate_path", [](const KneeHandle& h) { return h.options.rate_path.text; },
                             "The rate searched, a path into the scenario.")
      .def_property_readonly("metric", [](const KneeHandle& h) { return h.options.metric; }, "The bound's metric.")
      .def_property_readonly("bound", [](const KneeHandle& h) { return h.options.bound; },
                             "The bound, in the metric's unit (ms for times).")
      .def_property_readonly("flow", [](const KneeHandle& h) { return h.options.flow; },
                             "The flow (or dnsTraffic stream) of the metric's kind the bound reads.")
      .def_property_readonly("low", [](const KneeHandle& h) { return h.options.low; }, "Lowest rate searched (1/s).")
      .def_property_readonly("high", [](const KneeHandle& h) { return h.options.high; }, "Highest rate searched (1/s).")
      .def_property_readonly("tolerance", [](const KneeHandle& h) { return h.options.tolerance; },
                             "The search stops when high - low is within this share of high.")
      .def_property_readonly(
          "rows",
          [](const py::object& self) { return list_of(self, self.cast<const KneeHandle&>().result.rows); },
          "One KneeRow per point of the grid without the rate axis.")
      .def_property_readonly(
          "values",
          [](const KneeHandle& h) {
            py::list out;
            for (std::size_t p = 0; p < sweep::point_count(h.result.grid); ++p) out.append(dict_of(values_of(h.result.grid, p)));
            return out;
          },
          "Each row's point as {axis path: value as written}, in the order of rows.")
      .def("csv", [](const KneeHandle& h) { return report::knee_csv(h.result, h.options); },
           "As `eksim sweep --find-knee --format csv`.")
      .def("json", [](const KneeHandle& h) { return report::knee_json(h.result, h.options); },
           "As `eksim sweep --find-knee --format json`.")
      .def("__str__", [](const KneeHandle& h) { return report::knee_text(h.result, h.options); });
  m.def("find_knee", &knee, py::arg("path"), py::arg("bound"), py::arg("rate") = "traffic.0.rate",
        py::arg("low") = py::none(), py::arg("high") = py::none(), py::arg("tolerance") = 0.01,
        py::arg("progress") = py::none(),
        "Per point of the sweep file's grid without the rate axis, bisect for the highest rate at `rate` whose "
        "mean `bound` ('p99<20ms', 'timeout_rate<0.01') holds, as `eksim sweep PATH --find-knee`. low and high "
        "(requests/s) default to the rate axis's smallest and largest values. Raises LoadError on bad input.");
  m.def("sweep", &run, py::arg("path"), py::arg("progress") = py::none(),
        "Run a sweep file (`eksim sweep PATH`, serially): every grid point and replication. "
        "progress(fraction) is called now and then. Raises LoadError on a bad sweep file or value.");
}

}  // namespace eksim::python
