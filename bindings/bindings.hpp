// Shared pieces of the Python module: the scenario handle every binding
// hangs its methods on, and the registration function of each concept.
// Times cross into Python as integer nanoseconds (names ending in _ns), as in
// the CLI's JSON, so values compare exactly.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "eksim/scenario/scenario.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::dns {
struct DnsWorld;
}
namespace eksim::reach {
class Connectivity;
}

namespace eksim::python {

namespace py = pybind11;

// A loaded scenario. The model is immutable once loaded, so the derived
// structures (reachability, the DNS world) are built once, on first use,
// and shared by later calls.
class ScenarioHandle {
 public:
  explicit ScenarioHandle(scenario::Scenario s);
  ~ScenarioHandle();
  ScenarioHandle(const ScenarioHandle&) = delete;
  ScenarioHandle& operator=(const ScenarioHandle&) = delete;

  [[nodiscard]] const scenario::Scenario& model() const { return scenario_; }
  // The reachability engine with the scenario's own policy settings.
  [[nodiscard]] const reach::Connectivity& connectivity() const;
  [[nodiscard]] const dns::DnsWorld& dns_world() const;

 private:
  scenario::Scenario scenario_;
  mutable std::once_flag connectivity_once_;
  mutable std::unique_ptr<reach::Connectivity> connectivity_;
  mutable std::once_flag dns_once_;
  mutable std::unique_ptr<dns::DnsWorld> dns_world_;
};

using ScenarioClass = py::class_<ScenarioHandle, std::shared_ptr<ScenarioHandle>>;

// The elements of a vector inside a bound object, as a list of references
// that keep the owner alive (no copies, however often the attribute is read).
template <typename T>
py::list list_of(const py::object& owner, const std::vector<T>& items) {
  py::list out;
  for (const T& item : items) out.append(py::cast(&item, py::return_value_policy::reference_internal, owner));
  return out;
}

// A read-only property listing a vector member of Owner (see list_of).
template <typename Owner, typename T>
auto list_property(std::vector<T> Owner::*member) {
  return [member](const py::object& self) { return list_of(self, self.cast<const Owner&>().*member); };
}

// A duration from Python: seconds as a number, or text as in scenarios ("30s", "500ms").
std::optional<sim::Time> duration_argument(const py::object& value, const char* what);

void bind_errors(py::module_& m);
ScenarioClass bind_scenario(py::module_& m);
void bind_histogram(py::module_& m);
void bind_capacity(py::module_& m, ScenarioClass& scenario);
void bind_reach(py::module_& m, ScenarioClass& scenario);
void bind_dns(py::module_& m, ScenarioClass& scenario);
void bind_run(py::module_& m, ScenarioClass& scenario);
void bind_sweep(py::module_& m);

}  // namespace eksim::python
