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
      .def_readonly("name", &FlowResult::name, "The flow's name ('flow-0' unless the scenario names it).")
      .def_readonly("from_", &FlowResult::from, "Source workload, 'cluster/namespace/name'.")
      .def_readonly("to", &FlowResult::to, "Destination as the scenario writes it.")
      .def_readonly("offered_rate", &FlowResult::offered_rate, "Requests per second asked for (0 for closed loop).")
      .def_readonly("requests", &FlowResult::requests, "Requests started.")
      .def_readonly("completed", &FlowResult::completed, "Requests answered.")
      .def_readonly("failed", &FlowResult::failed, "Requests that ended in an error, after retries.")
      .def_readonly("retries", &FlowResult::retries, "Extra attempts made.")
      .def_readonly("waited", &FlowResult::waited, "Requests that found every worker of their server busy.")
      .def_property_readonly("latency", [](const FlowResult& f) { return &f.latency; }, py::return_value_policy::reference_internal,
                             "Histogram of request latency (ns, request start to response), answered requests.")
      .def_property_readonly(
          "samples",
          [](const py::object& self) {
            const auto& v = self.cast<const FlowResult&>().samples;
            // A view over the result's own vector: no copy; it lives as long as the result.
            return py::array_t<std::int64_t>({static_cast<py::ssize_t>(v.size())}, {sizeof(std::int64_t)}, v.data(), self);
          },
          "Every latency (ns) in completion order, as a numpy array over the result's memory; empty unless "
          "run(keep_samples=True).")
      .def_property_readonly(
          "errors",
          [](const FlowResult& f) {
            py::dict d;
            for (const auto& e : f.errors) d[py::str(e.cause)] = e.count;
            return d;
          },
          "Failed requests by cause, e.g. {'connect timeout: NETPOL_INGRESS_DENY': 12}.")
      .def_property_readonly(
          "stages",
          [](const FlowResult& f) {
            py::dict d;
            for (std::size_t i = 0; i < traffic::kStages; ++i) {
              d[py::str(std::string(traffic::to_string(static_cast<traffic::Stage>(i))))] = f.stage_mean_ns[i];
            }
            return d;
          },
          "Where the time goes: mean ns per answered request in each stage (dns, connect, network, queue, ...).")
      .def_property_readonly(
          "mean_queue_wait_ns",
          [](const FlowResult& f) { return f.stage_mean_ns[static_cast<std::size_t>(traffic::Stage::queue)]; },
          "Mean time an answered request queued for a worker (ns).")
      .def_readonly("new_connections", &FlowResult::new_connections, "Connections opened.")
      .def_readonly("bytes", &FlowResult::bytes, "Request and response bytes moved.")
      .def_readonly("cross_az_bytes", &FlowResult::cross_az_bytes, "Bytes that crossed an AZ boundary.")
      .def_readonly("transit_gateway_bytes", &FlowResult::transit_gateway_bytes, "Bytes through a Transit Gateway.")
      .def_readonly("nat_gateway_bytes", &FlowResult::nat_gateway_bytes, "Bytes through a NAT gateway.")
      .def_readonly("data_cost_usd", &FlowResult::data_cost_usd, "Cross-AZ, Transit Gateway and NAT data charges ($).")
      .def_property_readonly(
          "windows",
          [](const FlowResult& f) {
            std::vector<std::int64_t> start, p50, p99;
            std::vector<std::uint64_t> completed, failed;
            for (const auto& w : f.windows) {
              start.push_back(w.start.count());
              completed.push_back(w.completed);
              failed.push_back(w.failed);
              p50.push_back(w.latency.quantile(0.5));
              p99.push_back(w.latency.quantile(0.99));
            }
            py::dict d;
            d["start_ns"] = to_numpy(std::move(start));
            d["completed"] = to_numpy(std::move(completed));
            d["failed"] = to_numpy(std::move(failed));
            d["p50_ns"] = to_numpy(std::move(p50));
            d["p99_ns"] = to_numpy(std::move(p99));
            return d;
          },
          "The time series: numpy arrays start_ns, completed, failed, p50_ns, p99_ns, one element per window.")
      .def_readonly("source_pods", &FlowResult::source_pods, "Running pods the requests come from.")
      .def_readonly("destination_pods", &FlowResult::destination_pods, "Running pods that can serve them.")
      .def("throughput", [](const FlowResult& f, const py::object& run) {
             return f.throughput(sim::Time::ns(run.attr("duration_ns").cast<std::int64_t>()));
           }, py::arg("run"), "Answers per second of `run` (a RunResult) within its duration.")
      .def_property_readonly("error_rate", &FlowResult::error_rate, "failed / (completed + failed).");

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
          out.push_back(py::make_tuple(f.name, scenario::workload_name(s, f.from), f.to.text,
                                       f.arrivals.kind == scenario::Arrivals::Kind::closed
                                           ? 0.0
                                           : f.arrivals.rate_per_second));
        }
        return out;
      },
      "The request flows as (name, from, to, requests per second) tuples, in the scenario's order "
      "(rate 0 for closed-loop flows).");

  scenario.def(
      "run",
      [](const std::shared_ptr<ScenarioHandle>& h, std::optional<std::uint64_t> seed, const py::object& duration,
         std::uint64_t replication, const py::object& progress, bool keep_samples, const py::object& window) {
        traffic::RunOptions options;
        options.seed = seed;
        options.duration = duration_argument(duration, "duration");
        options.replication = replication;
        options.keep_samples = keep_samples;
        if (const auto w = duration_argument(window, "window")) options.window = *w;
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
      py::arg("progress") = py::none(), py::arg("keep_samples") = false, py::arg("window") = py::none(),
      "Simulate the scenario request by request, as `eksim run`. seed and duration (seconds, or text such "
      "as '30s') default to the scenario's. progress, when given, is called with the fraction of simulated "
      "time done at each 1% (as the CLI's progress bar; these ticks are kernel events, so `events` counts "
      "them, as the CLI's does). keep_samples keeps every latency for FlowResult.samples; window sets the "
      "time-series window (default 1 s). The GIL is released while the engine runs.");
}

}  // namespace eksim::python
