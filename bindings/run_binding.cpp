// Scenario.run(): a simulation run as `eksim run` makes it. Kept thin and in
// one file on purpose: traffic::RunResult is growing, and each new field is
// one line below (vectors of samples: view_of(...) from numpy_array.hpp).
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "eksim/report/run_report.hpp"
#include "eksim/traffic/run.hpp"
#include "numpy_array.hpp"

namespace eksim::python {
namespace {

// The result with the scenario it came from, which its expectation outcomes
// point into.
struct RunHandle {
  std::shared_ptr<ScenarioHandle> scenario;
  traffic::RunResult result;
  std::vector<traffic::ExpectationOutcome> outcomes;
};

}  // namespace

void bind_run(py::module_& m, ScenarioClass& scenario) {
  using traffic::FlowResult;
  py::class_<FlowResult>(m, "FlowResult", "One request flow of a run.")
      .def_readonly("from_", &FlowResult::from, "Source workload, 'cluster/namespace/name'.")
      .def_readonly("to", &FlowResult::to, "Destination workload.")
      .def_readonly("offered_rate", &FlowResult::offered_rate, "Requests per second asked for.")
      .def_property_readonly("requests", [](const FlowResult& f) { return f.latency.count(); }, "Requests completed.")
      .def_property_readonly("latency", [](const FlowResult& f) { return &f.latency; }, py::return_value_policy::reference_internal,
                             "Histogram of request latency (ns, request sent to response received).")
      .def_readonly("waited", &FlowResult::waited, "Requests that found every worker busy.")
      .def_readonly("source_pods", &FlowResult::source_pods, "Running pods the requests come from.")
      .def_readonly("destination_pods", &FlowResult::destination_pods, "Running pods that serve them.")
      .def_property_readonly("mean_queue_wait_ns", [](const FlowResult& f) { return f.mean_queue_wait.count(); },
                             "Mean time a request queued for a worker (ns).");

  py::class_<traffic::ExpectationOutcome>(m, "ExpectationOutcome", "A latency expectation of the scenario, checked.")
      .def_property_readonly("flow", [](const traffic::ExpectationOutcome& o) { return o.expectation->flow; }, "Flow index.")
      .def_readonly("passed", &traffic::ExpectationOutcome::passed, "Whether it held.")
      .def_readonly("detail", &traffic::ExpectationOutcome::detail, "e.g. 'p99 24.58ms < 40ms'.")
      .def_property_readonly("where", [](const traffic::ExpectationOutcome& o) { return o.expectation->where; },
                             "file:line:column of the expectation.");

  py::class_<RunHandle>(m, "RunResult", "A run's results, as `eksim run` reports them; str() is its text.")
      .def_property_readonly("scenario", [](const RunHandle& r) { return r.result.scenario; }, "Scenario name.")
      .def_property_readonly("seed", [](const RunHandle& r) { return r.result.seed; }, "Seed used.")
      .def_property_readonly("replication", [](const RunHandle& r) { return r.result.replication; }, "Replication index.")
      .def_property_readonly("duration_ns", [](const RunHandle& r) { return r.result.duration.count(); },
                             "Simulated time of arrivals (ns).")
      .def_property_readonly("finished_at_ns", [](const RunHandle& r) { return r.result.finished_at.count(); },
                             "When the last request in flight finished (ns).")
      .def_property_readonly("events", [](const RunHandle& r) { return r.result.events; }, "Events the kernel ran.")
      .def_property_readonly("flows", [](const py::object& self) { return list_of(self, self.cast<const RunHandle&>().result.flows); },
                             "list[FlowResult], in the scenario's order.")
      .def_property_readonly("expectations", [](const py::object& self) { return list_of(self, self.cast<const RunHandle&>().outcomes); },
                             "list[ExpectationOutcome] for the scenario's latency expectations.")
      .def("__str__", [](const RunHandle& r) { return report::run_text(r.result, r.outcomes); });

  // The scenario's side of the run model lives here too, as it changes with it.
  scenario.def_property_readonly(
      "flows",
      [](const ScenarioHandle& h) {
        std::vector<py::tuple> out;
        const auto& s = h.model();
        for (const auto& f : s.flows) {
          out.push_back(
              py::make_tuple(scenario::workload_name(s, f.from), scenario::workload_name(s, f.to), f.rate_per_second));
        }
        return out;
      },
      "The request flows as (from, to, requests per second) tuples, in the scenario's order.");

  scenario.def(
      "run",
      [](const std::shared_ptr<ScenarioHandle>& h, std::optional<std::uint64_t> seed, const py::object& duration,
         std::uint64_t replication, const py::object& progress) {
        traffic::RunOptions options;
        options.seed = seed;
        options.duration = duration_argument(duration, "duration");
        options.replication = replication;
        // The callback runs Python, so it takes the GIL; an exception it raises
        // is kept, later calls are skipped, and it is raised when the run ends
        // (it must not unwind through the engine).
        std::exception_ptr failure;
        if (!progress.is_none()) {
          options.progress = [&progress, &failure](double fraction) {
            py::gil_scoped_acquire gil;
            if (failure) return;
            try {
              progress(fraction);
            } catch (py::error_already_set&) {
              failure = std::current_exception();
            }
          };
        }
        auto run = std::make_unique<RunHandle>();
        run->scenario = h;
        {
          py::gil_scoped_release release;
          run->result = traffic::run_scenario(h->model(), options);
          run->outcomes = traffic::evaluate(h->model(), run->result);
        }
        if (failure) std::rethrow_exception(failure);
        return run;
      },
      py::arg("seed") = py::none(), py::arg("duration") = py::none(), py::arg("replication") = 0,
      py::arg("progress") = py::none(),
      "Simulate the scenario request by request, as `eksim run`. seed and duration (seconds, or text such "
      "as '30s') default to the scenario's. progress, when given, is called with the fraction of simulated "
      "time done at each 1% (as the CLI's progress bar; these ticks are kernel events, so `events` counts "
      "them, as the CLI's does). The GIL is released while the engine runs.");
}

}  // namespace eksim::python
