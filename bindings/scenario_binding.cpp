// eksim.load / eksim.loads, the Scenario class, and LoadError.
#include <pybind11/stl.h>

#include <stdexcept>

#include "bindings.hpp"
#include "eksim/dns/scenario_world.hpp"
#include "eksim/reach/connectivity.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::python {

ScenarioHandle::ScenarioHandle(scenario::Scenario s) : scenario_(std::move(s)) {}
ScenarioHandle::~ScenarioHandle() = default;

const reach::Connectivity& ScenarioHandle::connectivity() const {
  std::call_once(connectivity_once_,
                 [this] { connectivity_ = std::make_unique<reach::Connectivity>(scenario_, reach::ReachOptions{}); });
  return *connectivity_;
}

const dns::DnsWorld& ScenarioHandle::dns_world() const {
  std::call_once(dns_once_, [this] { dns_world_ = std::make_unique<dns::DnsWorld>(dns::dns_world(scenario_)); });
  return *dns_world_;
}

std::optional<sim::Time> duration_argument(const py::object& value, const char* what) {
  if (value.is_none()) return std::nullopt;
  sim::Time t{};
  if (py::isinstance<py::str>(value)) {
    std::string error;
    const auto parsed = sim::parse_duration(value.cast<std::string>(), &error);
    if (!parsed) throw py::value_error(std::string(what) + ": " + error);
    t = *parsed;
  } else if (py::isinstance<py::float_>(value) || py::isinstance<py::int_>(value)) {
    const double seconds = value.cast<double>();
    // Whole nanoseconds, as the scenario format keeps them; a day at most keeps
    // the product far from overflowing.
    if (!(seconds <= 86'400.0)) throw py::value_error(std::string(what) + ": at most 86400 seconds");
    t = sim::Time::ns(static_cast<std::int64_t>(seconds * 1e9 + 0.5));
  } else {
    throw py::type_error(std::string(what) + ": expected seconds (a number) or text such as '30s'");
  }
  if (t <= sim::Time{}) throw py::value_error(std::string(what) + ": must be longer than 0s");
  return t;
}

void bind_errors(py::module_& m) {
  static py::exception<scenario::LoadError> load_error(m, "LoadError", PyExc_ValueError);
  load_error.doc() =
      "A problem in a scenario or manifest: `str(e)` is 'file:line:column: message'; the attributes "
      "`file`, `line` and `column` (1-based, 0 when unknown) say where, and `message` what.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const scenario::LoadError& e) {
      py::object error = py::handle(load_error.ptr())(py::str(e.what()));
      error.attr("file") = e.where().file;
      error.attr("line") = e.where().line;
      error.attr("column") = e.where().column;
      error.attr("message") = e.message();
      PyErr_SetObject(load_error.ptr(), error.ptr());
    }
  });
}

namespace {

std::shared_ptr<ScenarioHandle> load_file(const std::string& path) {
  scenario::Scenario s;
  {
    py::gil_scoped_release release;
    s = scenario::load_scenario(path);
  }
  return std::make_shared<ScenarioHandle>(std::move(s));
}

std::shared_ptr<ScenarioHandle> load_text(const std::string& text, const std::string& name) {
  scenario::Scenario s;
  {
    py::gil_scoped_release release;
    s = scenario::load_scenario_text(text, name);
  }
  return std::make_shared<ScenarioHandle>(std::move(s));
}

}  // namespace

ScenarioClass bind_scenario(py::module_& m) {
  m.def("load", &load_file, py::arg("path"),
        "Load a scenario file (YAML, as `eksim run` reads it) and its manifests.\n\n"
        "Raises LoadError with the file, line and column of the first problem.");
  m.def("loads", &load_text, py::arg("text"), py::arg("name") = "<string>",
        "Load a scenario from YAML text. `name` stands for the file in error messages, and its folder "
        "is where relative manifest paths start (the current directory for the default).\n\n"
        "Raises LoadError with the line and column of the first problem.");

  ScenarioClass cls(m, "Scenario",
                    "A loaded scenario: the AWS network, the EKS clusters and their manifests, servers, flows "
                    "and expectations. Immutable; made by load(), loads() or ScenarioBuilder.build().");
  cls.def_property_readonly("name", [](const ScenarioHandle& h) { return h.model().name; }, "The scenario's name.")
      .def_property_readonly("file", [](const ScenarioHandle& h) { return h.model().file; },
                             "The file it was loaded from (the `name` given to loads()).")
      .def_property_readonly("seed", [](const ScenarioHandle& h) { return h.model().seed; },
                             "The scenario's random seed, used when run() is given none.")
      .def_property_readonly("duration_ns", [](const ScenarioHandle& h) { return h.model().duration.count(); },
                             "The scenario's simulated time in nanoseconds, used when run() is given none.")
      .def_property_readonly(
          "clusters",
          [](const ScenarioHandle& h) {
            std::vector<std::string> names;
            for (const auto& c : h.model().clusters) names.push_back(c.name);
            return names;
          },
          "Names of the EKS clusters.")
      .def_property_readonly(
          "workloads",
          [](const ScenarioHandle& h) {
            std::vector<std::string> names;
            const auto& s = h.model();
            for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
              for (std::uint32_t w = 0; w < s.clusters[c].objects.workloads.size(); ++w) {
                names.push_back(scenario::workload_name(s, {c, w}));
              }
            }
            return names;
          },
          "Every workload as 'cluster/namespace/name', the EKS add-ons first, in manifest order.")
      .def("__repr__", [](const ScenarioHandle& h) {
        return "<eksim.Scenario '" + h.model().name + "' from '" + h.model().file + "'>";
      });
  return cls;
}

}  // namespace eksim::python
