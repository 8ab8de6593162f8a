// Scenario.reach() and Scenario.explain(): the reachability engine of
// `eksim reach` and `eksim explain`, the matrix as a numpy array.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>

#include "bindings.hpp"
#include "eksim/reach/connectivity.hpp"
#include "eksim/report/reach_report.hpp"

namespace eksim::python {
namespace {

// Matrix cell values.
constexpr std::int8_t kNothing = 0;
constexpr std::int8_t kSomePodPairs = 1;  // only some pod pairs (ReachPair::partial)
constexpr std::int8_t kAllPodPairs = 2;   // every pod pair

struct ReachMatrix {
  std::vector<std::string> labels;  // every peer that appears in a pair, sorted
  std::vector<reach::ReachPair> pairs;
  std::vector<reach::ReachWarning> warnings;
  std::optional<scenario::PortRefText> port;
};

k8s::Protocol protocol_of(const scenario::PortRefText& p) {
  return p.protocol == "UDP" ? k8s::Protocol::Udp : p.protocol == "SCTP" ? k8s::Protocol::Sctp : k8s::Protocol::Tcp;
}

scenario::PortRefText port_argument(const py::object& port) {
  const std::string text = py::isinstance<py::int_>(port) ? std::to_string(port.cast<long long>()) : py::str(port).cast<std::string>();
  std::string error;
  const auto parsed = scenario::parse_port_protocol(text, &error);
  if (!parsed) throw py::value_error("port: " + error);
  return *parsed;
}

scenario::EndpointRef endpoint_argument(const std::string& text, const char* what) {
  std::string error;
  auto ref = scenario::parse_endpoint_ref(text, &error);
  if (!ref) throw py::value_error(std::string(what) + ": " + error);
  return *std::move(ref);
}

py::array_t<std::int8_t> cells(const ReachMatrix& r) {
  const auto n = static_cast<py::ssize_t>(r.labels.size());
  py::array_t<std::int8_t> out({n, n});
  std::fill_n(out.mutable_data(), n * n, kNothing);
  auto index = [&r](const std::string& name) {
    return std::lower_bound(r.labels.begin(), r.labels.end(), name) - r.labels.begin();
  };
  auto view = out.mutable_unchecked<2>();
  for (const auto& p : r.pairs) {
    std::int8_t v = kNothing;
    if (r.port) {
      const auto proto = protocol_of(*r.port);
      v = p.allowed.contains(proto, r.port->port) ? kAllPodPairs
          : p.partial.contains(proto, r.port->port) ? kSomePodPairs
                                                     : kNothing;
    } else {
      v = !p.allowed.empty() ? kAllPodPairs : !p.partial.empty() ? kSomePodPairs : kNothing;
    }
    view(index(p.from), index(p.to)) = v;
  }
  return out;
}

}  // namespace

void bind_reach(py::module_& m, ScenarioClass& scenario) {
  using namespace reach;
  m.attr("NOTHING") = kNothing;
  m.attr("SOME_POD_PAIRS") = kSomePodPairs;
  m.attr("ALL_POD_PAIRS") = kAllPodPairs;

  py::class_<ReachPair>(m, "ReachPair", "One ordered pair of peers with the traffic every layer lets through.")
      .def_readonly("from_", &ReachPair::from, "Source peer, as `eksim reach` names it.")
      .def_readonly("to", &ReachPair::to, "Destination peer.")
      .def_property_readonly("connections", [](const ReachPair& p) { return p.allowed.empty() ? std::string() : p.allowed.to_string(); },
                             "Traffic allowed for every pod pair, e.g. 'TCP 8080'; '' for none.")
      .def_property_readonly("some_connections", [](const ReachPair& p) { return p.partial.empty() ? std::string() : p.partial.to_string(); },
                             "Traffic allowed for some pod pairs only; '' for none.")
      .def("__repr__", [](const ReachPair& p) { return "<ReachPair " + p.from + " => " + p.to + ">"; });

  py::class_<ReachWarning>(m, "ReachWarning", "Where EKS would not enforce what the manifests say.")
      .def_readonly("where", &ReachWarning::where, "file:line:column")
      .def_readonly("message", &ReachWarning::message, "What and why.");

  py::class_<ReachMatrix>(m, "ReachMatrix",
                          "Who can reach whom. `matrix[i, j]` is NOTHING (0), SOME_POD_PAIRS (1) or ALL_POD_PAIRS "
                          "(2) for traffic from labels[i] to labels[j] (any traffic, or the port given to reach()). "
                          "Labels are the peers that appear in some pair, sorted; str() is `eksim reach`'s text.")
      .def_readonly("labels", &ReachMatrix::labels, "Row and column labels (peer names), sorted.")
      .def_property_readonly("matrix", &cells, "numpy int8 array, shape (len(labels), len(labels)).")
      .def_property_readonly("pairs", list_property(&ReachMatrix::pairs),
                             "list[ReachPair]: the pairs with some allowed traffic, sorted, as `eksim reach` lists them.")
      .def_property_readonly("warnings", list_property(&ReachMatrix::warnings), "list[ReachWarning]")
      .def_property_readonly(
          "port",
          [](const ReachMatrix& r) -> py::object {
            if (!r.port) return py::none();
            return py::str(std::to_string(r.port->port) + "/" + r.port->protocol);
          },
          "The port the matrix is for, e.g. '8080/TCP'; None for any traffic.")
      .def(
          "to_pandas",
          [](const ReachMatrix& r) {
            py::module_ pd = py::module_::import("pandas");
            return pd.attr("DataFrame")(cells(r), py::arg("index") = r.labels, py::arg("columns") = r.labels);
          },
          "The matrix as a pandas DataFrame indexed by source, with destination columns.")
      .def("__str__", [](const ReachMatrix& r) { return report::reach_text(r.pairs); });

  py::class_<Hop>(m, "Hop", "One step of a connection's path.")
      .def_readonly("kind", &Hop::kind, "'pod', 'service', 'route-table', 'security-group', 'network-policy', ...")
      .def_readonly("component", &Hop::component, "Its name as the scenario or manifest writes it.")
      .def_readonly("detail", &Hop::detail, "What happened there.");
  py::class_<Blocked>(m, "Blocked", "Where and why a connection stopped.")
      .def_property_readonly("reason", [](const Blocked& b) { return std::string(to_string(b.reason)); },
                             "Reason code, e.g. 'NETPOL_INGRESS_DENY'.")
      .def_readonly("component", &Blocked::component, "The component that blocked it.")
      .def_readonly("rule", &Blocked::rule, "The rule; '' for an implicit default.")
      .def_readonly("message", &Blocked::message, "One sentence a user can act on.");
  py::class_<ConnectionAnswer::Case>(m, "ExplainCase", "One outcome shared by some pod pairs, with a representative pair.")
      .def_readonly("from_pod", &ConnectionAnswer::Case::from_pod, "Representative source pod.")
      .def_readonly("to_pod", &ConnectionAnswer::Case::to_pod, "Representative destination pod.")
      .def_readonly("pod_pairs", &ConnectionAnswer::Case::pairs, "Pod pairs with this outcome.")
      .def_property_readonly("allowed", [](const ConnectionAnswer::Case& c) { return c.verdict.allowed(); }, "Whether they connect.")
      .def_property_readonly("path", [](const py::object& self) { return list_of(self, self.cast<const ConnectionAnswer::Case&>().verdict.path); },
                             "list[Hop], up to and including the blocking component.")
      .def_property_readonly(
          "blocked",
          [](const py::object& self) -> py::object {
            const auto& c = self.cast<const ConnectionAnswer::Case&>();
            if (!c.verdict.blocked) return py::none();
            return py::cast(&*c.verdict.blocked, py::return_value_policy::reference_internal, self);
          },
          "Blocked, or None when allowed.");
  py::class_<ConnectionAnswer>(m, "Explanation",
                               "One connection through every layer, as `eksim explain` gives it; str() is its text.")
      .def_readonly("from_", &ConnectionAnswer::from, "Source as resolved.")
      .def_readonly("to", &ConnectionAnswer::to, "Destination as resolved.")
      .def_readonly("port", &ConnectionAnswer::port, "'8080/TCP'.")
      .def_property_readonly("allowed", &ConnectionAnswer::all_allowed, "True when every pod pair connects.")
      .def_property_readonly("none_allowed", &ConnectionAnswer::none_allowed, "True when no pod pair connects.")
      .def_property_readonly("cases", list_property(&ConnectionAnswer::cases), "list[ExplainCase], allowed first.")
      .def("__str__", [](const ConnectionAnswer& a) { return report::explain_text(a); });

  scenario.def(
      "reach",
      [](const ScenarioHandle& h, const py::object& port, std::optional<bool> ip_block_matches_pods) {
        ReachMatrix r;
        if (!port.is_none()) r.port = port_argument(port);
        py::gil_scoped_release release;
        auto fill = [&r](const Connectivity& net) {
          r.pairs = net.matrix();
          r.warnings = net.warnings();
        };
        if (ip_block_matches_pods) {
          ReachOptions options;
          options.ip_block_matches_pods = ip_block_matches_pods;
          fill(Connectivity(h.model(), options));
        } else {
          fill(h.connectivity());
        }
        for (const auto& p : r.pairs) {
          r.labels.push_back(p.from);
          r.labels.push_back(p.to);
        }
        std::sort(r.labels.begin(), r.labels.end());
        r.labels.erase(std::unique(r.labels.begin(), r.labels.end()), r.labels.end());
        return r;
      },
      py::arg("port") = py::none(), py::arg("ip_block_matches_pods") = py::none(),
      "Who can reach whom, as `eksim reach`: a ReachMatrix of every workload and external range. With "
      "`port` ('8080/TCP', '53/UDP' or 8080), the matrix cells say whether that port is allowed. "
      "`ip_block_matches_pods` overrides the scenario's policy setting.");

  scenario.def(
      "explain",
      [](const ScenarioHandle& h, const std::string& src, const std::string& dst, const py::object& port,
         std::optional<bool> ip_block_matches_pods) {
        const auto from = endpoint_argument(src, "src");
        const auto to = endpoint_argument(dst, "dst");
        const auto p = port_argument(port);
        py::gil_scoped_release release;
        if (ip_block_matches_pods) {
          ReachOptions options;
          options.ip_block_matches_pods = ip_block_matches_pods;
          return Connectivity(h.model(), options).explain(from, to, p);
        }
        return h.connectivity().explain(from, to, p);
      },
      py::arg("src"), py::arg("dst"), py::arg("port"), py::arg("ip_block_matches_pods") = py::none(),
      "Follow one connection through every layer, as `eksim explain`: src and dst in the reach notation "
      "('web/frontend', 'payments/payments[Service]', an address), port as '9090/TCP' or 9090. Raises "
      "ValueError naming the closest valid endpoint when one names nothing.");
}

}  // namespace eksim::python
