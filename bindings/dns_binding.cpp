// Scenario.dns() and Scenario.dns_load(): one lookup traced query by query,
// and the scenario's dnsTraffic run as load, as `eksim dns` does both.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "eksim/dns/dns_load.hpp"
#include "eksim/dns/scenario_world.hpp"
#include "eksim/report/dns_report.hpp"

namespace eksim::python {
namespace {

std::vector<std::string> addresses_of(const std::vector<net::Ipv4Address>& addresses) {
  std::vector<std::string> out;
  for (const auto& a : addresses) out.push_back(a.to_string());
  return out;
}

py::object optional_ns(const std::optional<sim::Time>& t, sim::Time since) {
  if (!t) return py::none();
  return py::int_((*t - since).count());
}

}  // namespace

void bind_dns(py::module_& m, ScenarioClass& scenario) {
  using namespace dns;
  py::class_<ResolvConf>(m, "ResolvConf", "A pod's /etc/resolv.conf as the kubelet writes it.")
      .def_property_readonly("nameservers", [](const ResolvConf& c) { return addresses_of(c.nameservers); }, "At most 3.")
      .def_readonly("search", &ResolvConf::searches, "Search list, in order.")
      .def_readonly("ndots", &ResolvConf::ndots, "options ndots.")
      .def_property_readonly("timeout_ns", [](const ResolvConf& c) { return c.timeout.count(); }, "options timeout (ns).")
      .def_readonly("attempts", &ResolvConf::attempts, "options attempts.")
      .def("__str__", &ResolvConf::text, "As the file would read.");

  py::class_<TracedLookup>(m, "DnsLookup", "One lookup traced query by query, as `eksim dns --from --name`; str() is its text.")
      .def_readonly("from_", &TracedLookup::from, "The pod that looked up.")
      .def_readonly("name", &TracedLookup::name, "The name as the application passed it.")
      .def_readonly("resolv_conf", &TracedLookup::conf, "The pod's resolv.conf (ResolvConf).")
      .def_property_readonly("status", [](const TracedLookup& t) { return std::string(to_string(t.result.status)); },
                             "'resolved', 'NXDOMAIN', 'NODATA' or 'timeout' style status code.")
      .def_property_readonly("resolved", [](const TracedLookup& t) { return t.result.status == LookupStatus::Resolved; },
                             "Whether an address came back.")
      .def_property_readonly("answered_name", [](const TracedLookup& t) { return t.result.answered_name; },
                             "The candidate name that resolved.")
      .def_property_readonly("addresses", [](const TracedLookup& t) { return addresses_of(t.result.addresses); }, "IPv4 addresses.")
      .def_property_readonly("cnames", [](const TracedLookup& t) { return t.result.cnames; }, "CNAME chain followed.")
      .def_property_readonly("notes", [](const TracedLookup& t) { return t.result.notes; }, "Explanations of denials.")
      .def_property_readonly("total_ns", [](const TracedLookup& t) { return (t.result.finished - t.result.started).count(); },
                             "Time the lookup took (ns).")
      .def_property_readonly("query_count", [](const TracedLookup& t) { return t.result.queries; }, "Query packets sent.")
      .def_property_readonly(
          "queries",
          [](const TracedLookup& t) {
            py::list out;
            for (const QueryRecord& q : t.queries) {
              py::dict d;
              d["name"] = q.name;
              d["type"] = std::string(to_string(q.type));
              d["attempt"] = q.attempt;
              d["server"] = q.server;
              d["path"] = q.path;
              d["answer"] = q.outcome;
              d["note"] = q.note;
              d["sent_ns"] = (q.sent - t.result.started).count();
              d["answered_ns"] = optional_ns(q.answered, t.result.started);
              d["after_timeout"] = q.too_late;
              out.append(d);
            }
            return out;
          },
          "Each query as a dict (keys as in `eksim dns --format json`), in the order sent; times from the lookup's start.")
      .def("__str__", [](const TracedLookup& t) { return report::dns_lookup_text(t); });

  py::class_<DnsFlowResult>(m, "DnsFlowResult", "One dnsTraffic stream of a load run.")
      .def_readonly("from_", &DnsFlowResult::from, "'cluster/namespace/workload'.")
      .def_readonly("name", &DnsFlowResult::name, "Name pattern looked up.")
      .def_readonly("rate_per_second", &DnsFlowResult::rate_per_second, "Lookups per second asked for.")
      .def_readonly("source_pods", &DnsFlowResult::source_pods, "Running pods that look up.")
      .def_readonly("lookups", &DnsFlowResult::lookups, "Lookups made.")
      .def_readonly("resolved", &DnsFlowResult::resolved, "Lookups that got an address.")
      .def_readonly("nxdomain", &DnsFlowResult::nxdomain, "Lookups answered NXDOMAIN.")
      .def_readonly("nodata", &DnsFlowResult::nodata, "Lookups answered NODATA.")
      .def_readonly("timeouts", &DnsFlowResult::timeouts, "Lookups that failed on timeouts.")
      .def_readonly("queries", &DnsFlowResult::queries, "Query packets the clients sent.")
      .def_readonly("slower_than_1s", &DnsFlowResult::slower_than_1s, "Lookups that waited out at least one timeout.")
      .def_property_readonly("latency", [](const DnsFlowResult& f) { return &f.latency; }, py::return_value_policy::reference_internal,
                             "Histogram of lookup latency (ns).");
  py::class_<EniCounters>(m, "ResolverCounters", "Packets one ENI sent to the VPC resolver (1,024/s limit).")
      .def_readonly("eni", &EniCounters::eni, "The ENI.")
      .def_readonly("passed", &EniCounters::passed, "Packets let through.")
      .def_readonly("dropped", &EniCounters::dropped, "Packets dropped over the limit.");
  py::class_<ServerCounters>(m, "DnsServerCounters", "One CoreDNS replica or NodeLocal DNSCache.")
      .def_readonly("name", &ServerCounters::name, "'kube-system/coredns-0' or 'node-local-dns on c/ng-0'.")
      .def_readonly("queries", &ServerCounters::queries, "Queries served.")
      .def_property_readonly("cache_hits", [](const ServerCounters& s) { return s.cache.hits; }, "Cache hits.")
      .def_property_readonly("cache_misses", [](const ServerCounters& s) { return s.cache.misses; }, "Cache misses.")
      .def_readonly("waited", &ServerCounters::waited, "Queries that found the server busy.");
  py::class_<DnsLoadResult>(m, "DnsLoadResult", "A dnsTraffic load run, as `eksim dns --load`; str() is its text.")
      .def_readonly("scenario", &DnsLoadResult::scenario, "Scenario name.")
      .def_readonly("seed", &DnsLoadResult::seed, "Seed used.")
      .def_property_readonly("duration_ns", [](const DnsLoadResult& r) { return r.duration.count(); }, "Time of arrivals (ns).")
      .def_readonly("events", &DnsLoadResult::events, "Events the kernel ran.")
      .def_property_readonly("flows", list_property(&DnsLoadResult::flows), "list[DnsFlowResult]")
      .def_property_readonly("resolver", list_property(&DnsLoadResult::resolver), "list[ResolverCounters]")
      .def_property_readonly("coredns", list_property(&DnsLoadResult::coredns), "list[DnsServerCounters]")
      .def_property_readonly("node_local", list_property(&DnsLoadResult::node_local), "list[DnsServerCounters]")
      .def("__str__", [](const DnsLoadResult& r) { return report::dns_load_text(r); });

  scenario.def(
      "dns",
      [](const ScenarioHandle& h, const std::string& pod, const std::string& name, std::optional<std::string> type) {
        if (name.empty() || name.size() > 254) throw py::value_error("name: expected a DNS name");
        const DnsTuning tuning = dns_tuning(h.model());
        LookupFamily family = tuning.parallel_aaaa ? LookupFamily::Both : LookupFamily::A;
        if (type) {
          if (*type == "A") {
            family = LookupFamily::A;
          } else if (*type == "AAAA") {
            family = LookupFamily::AAAA;
          } else {
            throw py::value_error("type: expected 'A' or 'AAAA', got '" + *type + "'");
          }
        }
        py::gil_scoped_release release;
        const DnsWorld& world = h.dns_world();
        std::string error;
        const auto index = world.find_pod(pod, &error);
        if (!index) throw py::value_error("pod: " + error);
        return trace_lookup(world, tuning, *index, name, family, h.model().seed);
      },
      py::arg("pod"), py::arg("name"), py::arg("type") = py::none(),
      "Trace one lookup of `name` from `pod` ('namespace/pod', or 'cluster/namespace/pod' with several "
      "clusters) query by query, as `eksim dns --from POD --name NAME`. type: 'A' or 'AAAA' (default both, "
      "or A alone when the scenario sets dns.parallelAaaa: false).");

  scenario.def(
      "dns_load",
      [](const ScenarioHandle& h, std::optional<std::uint64_t> seed, const py::object& duration) {
        if (h.model().dns.traffic.empty()) throw py::value_error("dns_load: the scenario has no dnsTraffic");
        DnsLoadOptions options;
        options.seed = seed;
        options.duration = duration_argument(duration, "duration");
        py::gil_scoped_release release;
        return run_dns_load(h.model(), h.dns_world(), options);
      },
      py::arg("seed") = py::none(), py::arg("duration") = py::none(),
      "Run the scenario's dnsTraffic as `eksim dns --load`: per-stream lookups, failures and latency, and "
      "the VPC resolver's per-ENI packets passed and dropped. The GIL is released while it runs.");
}

}  // namespace eksim::python
