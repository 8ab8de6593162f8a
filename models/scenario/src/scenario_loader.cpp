#include <algorithm>
#include <map>

#include "eksim/scenario/network_loader.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/scenario/yaml_reader.hpp"
#include "eksim/util/closest_name.hpp"

namespace eksim::scenario {
namespace {

using sim::Time;

// Loaded once per process: the shipped instance tables.
const aws::InstanceCatalog& instance_catalog() {
  static const aws::InstanceCatalog catalog = [] {
    std::string error;
    auto c = aws::InstanceCatalog::load(&error);
    if (!c) throw LoadError(SourceLocation{aws::InstanceCatalog::default_path().string(), 0, 0}, error);
    return *std::move(c);
  }();
  return catalog;
}

Scenario load(const YamlReader& r, ReferencedFiles files) {
  const YAML::Node& root = r.root();
  if (!root.IsDefined() || root.IsNull()) r.fail(root, "the scenario file is empty");
  r.check_keys(root,
               {"scenario", "regions", "prefixLists", "vpcs", "peerings", "transitGateways", "clusters", "hopLatency",
                "servers", "traffic", "expect"},
               "scenario file");

  Scenario s;
  s.file = r.file();
  const YAML::Node head = r.required(root, "scenario", "scenario file");
  r.check_keys(head, {"name", "seed", "duration"}, "scenario");
  s.name = r.string(r.required(head, "name", "scenario"), "scenario.name");
  if (head["seed"]) s.seed = static_cast<std::uint64_t>(r.integer(head["seed"], "scenario.seed", 0, INT64_MAX));
  if (head["duration"]) s.duration = r.duration(head["duration"], "scenario.duration");
  if (s.duration <= Time{}) r.fail(head["duration"], "scenario.duration: must be longer than 0s");

  load_network(r, root, s.network);
  if (const YAML::Node clusters = root["clusters"]) {
    const aws::InstanceCatalog& catalog = instance_catalog();
    const aws::NetworkModel& net = s.network;
    NetworkLookup lookup;
    lookup.vpc = [&net](const std::string& name) { return net.find_vpc(name); };
    lookup.subnet = [&net](const std::string& name) -> std::optional<SubnetRef> {
      const auto i = net.find_subnet(name);
      if (!i) return std::nullopt;
      const aws::Subnet& subnet = net.subnets[*i];
      return SubnetRef{*i, subnet.vpc, net.availability_zones[subnet.az].name};
    };
    lookup.vpc_names = [&net] {
      std::vector<std::string> names;
      for (const auto& v : net.vpcs) names.push_back(v.name);
      return names;
    };
    lookup.subnet_names = [&net] {
      std::vector<std::string> names;
      for (const auto& v : net.subnets) names.push_back(v.name);
      return names;
    };
    s.clusters = load_clusters(r, clusters, lookup, catalog, files == ReferencedFiles::read);
  }

  if (const YAML::Node hops = root["hopLatency"]) {
    r.check_keys(hops, {"sameNode", "sameAz", "crossAz"}, "hopLatency");
    if (hops["sameNode"]) s.hops.same_node = r.duration(hops["sameNode"], "hopLatency.sameNode");
    if (hops["sameAz"]) s.hops.same_az = r.duration(hops["sameAz"], "hopLatency.sameAz");
    if (hops["crossAz"]) s.hops.cross_az = r.duration(hops["crossAz"], "hopLatency.crossAz");
  }

  // Workloads by "cluster/namespace/name", for servers and flows.
  std::map<std::string, WorkloadRef> workloads;
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    const auto& objects = s.clusters[c].objects;
    for (std::uint32_t w = 0; w < objects.workloads.size(); ++w) {
      const auto& wl = objects.workloads[w];
      // The first of two same-named workloads of different kinds wins; name
      // them apart in the manifests to address the other.
      workloads.emplace(s.clusters[c].name + "/" + wl.namespace_name + "/" + wl.name, WorkloadRef{c, w});
    }
  }
  auto workload = [&](const YAML::Node& node, std::string_view what) {
    const std::string name = r.string(node, what);
    const auto it = workloads.find(name);
    if (it != workloads.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& [n, _] : workloads) names.push_back(n);
    std::string hint = util::did_you_mean(name, names);
    if (hint.empty() && std::count(name.begin(), name.end(), '/') != 2) {
      hint = " (workloads are named cluster/namespace/name, e.g. shop/web/frontend)";
    }
    r.fail(node, "unknown workload '" + name + "'" + hint);
  };

  if (const YAML::Node servers = root["servers"]) {
    r.expect_sequence(servers, "servers");
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::string> seen;
    for (const YAML::Node& n : servers) {
      r.check_keys(n, {"workload", "workers", "serviceTime"}, "server");
      Server server;
      server.workload = workload(r.required(n, "workload", "server"), "server workload");
      const auto [it, fresh] = seen.emplace(std::pair(server.workload.cluster, server.workload.workload), r.at(n).str());
      if (!fresh) r.fail(n, "server: workload already described at " + it->second);
      if (n["workers"]) server.workers = static_cast<std::uint32_t>(r.integer(n["workers"], "server workers", 1, 1'000'000));
      if (n["serviceTime"]) server.service_time = r.duration(n["serviceTime"], "server serviceTime");
      s.servers.push_back(server);
    }
  }

  if (const YAML::Node traffic = root["traffic"]) {
    r.expect_sequence(traffic, "traffic");
    for (const YAML::Node& f : traffic) {
      r.check_keys(f, {"from", "to", "rate"}, "flow");
      Flow flow;
      flow.from = workload(r.required(f, "from", "flow"), "flow from");
      flow.to = workload(r.required(f, "to", "flow"), "flow to");
      flow.rate_per_second = r.rate(r.required(f, "rate", "flow"), "flow rate");
      if (flow.rate_per_second <= 0 || flow.rate_per_second > 1e8) {
        r.fail(f["rate"], "flow rate: must be above 0/s and at most 100000000/s");
      }
      s.flows.push_back(flow);
    }
  }

  if (const YAML::Node expect = root["expect"]) {
    r.expect_sequence(expect, "expect");
    for (const YAML::Node& e : expect) {
      r.check_keys(e, {"flow", "p50Below", "p99Below"}, "expectation");
      Expectation x;
      x.where = r.at(e).str();
      const YAML::Node flow = r.required(e, "flow", "expectation");
      if (s.flows.empty()) r.fail(flow, "expectation: the scenario has no traffic flows");
      x.flow = static_cast<std::uint32_t>(
          r.integer(flow, "expectation flow", 0, static_cast<std::int64_t>(s.flows.size()) - 1));
      if (e["p50Below"]) x.p50_below = r.duration(e["p50Below"], "expectation p50Below");
      if (e["p99Below"]) x.p99_below = r.duration(e["p99Below"], "expectation p99Below");
      if (!x.p50_below && !x.p99_below) r.fail(e, "expectation: give p50Below or p99Below");
      s.expectations.push_back(std::move(x));
    }
  }
  return s;
}

}  // namespace

std::string workload_name(const Scenario& s, const WorkloadRef& w) {
  const Cluster& c = s.clusters.at(w.cluster);
  const auto& wl = c.objects.workloads.at(w.workload);
  return c.name + "/" + wl.namespace_name + "/" + wl.name;
}

Scenario load_scenario(const std::string& path) { return load(YamlReader::from_file(path), ReferencedFiles::read); }

Scenario load_scenario_text(const std::string& text, const std::string& name, ReferencedFiles files) {
  return load(YamlReader::from_string(text, name), files);
}

}  // namespace eksim::scenario
