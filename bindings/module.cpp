// The compiled half of `import eksim` (eksim/__init__.py re-exports it).
#include "bindings.hpp"

PYBIND11_MODULE(_eksim, m) {
  m.doc() =
      "eksim's engine: scenario loading, capacity, reachability, DNS, runs and sweeps. "
      "Import the `eksim` package rather than this module.";
  auto scenario = eksim::python::bind_scenario(m);
  eksim::python::bind_errors(m);
  eksim::python::bind_histogram(m);
  eksim::python::bind_capacity(m, scenario);
  eksim::python::bind_reach(m, scenario);
  eksim::python::bind_dns(m, scenario);
  eksim::python::bind_run(m, scenario);
  eksim::python::bind_sweep(m);
}
