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

// Looks a name up in `index`, failing at `node` with the closest valid name.
std::uint32_t resolve(const YamlReader& r, const YAML::Node& node, const std::map<std::string, std::uint32_t>& index,
                      std::string_view kind) {
  const std::string name = r.string(node, kind);
  const auto it = index.find(name);
  if (it != index.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [n, _] : index) names.push_back(n);
  r.fail(node, "unknown " + std::string(kind) + " '" + name + "'" + util::did_you_mean(name, names));
}

Scenario load(const YamlReader& r) {
  const YAML::Node& root = r.root();
  if (!root.IsDefined() || root.IsNull()) r.fail(root, "the scenario file is empty");
  r.check_keys(root,
               {"scenario", "regions", "prefixLists", "vpcs", "peerings", "transitGateways", "clusters", "network",
                "nodes", "pods", "traffic", "expect"},
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
    s.clusters = load_clusters(r, clusters, lookup, catalog);
  }

  if (const YAML::Node net = root["network"]) {
    r.check_keys(net, {"sameNode", "sameAz", "crossAz"}, "network");
    if (net["sameNode"]) s.hops.same_node = r.duration(net["sameNode"], "network.sameNode");
    if (net["sameAz"]) s.hops.same_az = r.duration(net["sameAz"], "network.sameAz");
    if (net["crossAz"]) s.hops.cross_az = r.duration(net["crossAz"], "network.crossAz");
  }

  std::map<std::string, std::uint32_t> node_index;
  const YAML::Node nodes = root["nodes"] ? root["nodes"] : YAML::Node(YAML::NodeType::Sequence);
  r.expect_sequence(nodes, "nodes");
  for (const YAML::Node& n : nodes) {
    r.check_keys(n, {"name", "az"}, "node");
    Node node{r.string(r.required(n, "name", "node"), "node name"), r.string(r.required(n, "az", "node"), "node az")};
    if (!node_index.emplace(node.name, static_cast<std::uint32_t>(s.nodes.size())).second) {
      r.fail(n["name"], "node '" + node.name + "' is defined twice");
    }
    s.nodes.push_back(std::move(node));
  }

  std::map<std::string, std::uint32_t> pod_index;
  const YAML::Node pods = root["pods"] ? root["pods"] : YAML::Node(YAML::NodeType::Sequence);
  r.expect_sequence(pods, "pods");
  for (const YAML::Node& p : pods) {
    r.check_keys(p, {"name", "node", "workers", "serviceTime"}, "pod");
    Pod pod;
    pod.name = r.string(r.required(p, "name", "pod"), "pod name");
    const auto slash = pod.name.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == pod.name.size() ||
        pod.name.find('/', slash + 1) != std::string::npos) {
      r.fail(p["name"], "pod name '" + pod.name + "' must be namespace/name, e.g. web/frontend");
    }
    pod.node = resolve(r, r.required(p, "node", "pod"), node_index, "node");
    if (p["workers"]) pod.workers = static_cast<std::uint32_t>(r.integer(p["workers"], "pod workers", 1, 1'000'000));
    if (p["serviceTime"]) pod.service_time = r.duration(p["serviceTime"], "pod serviceTime");
    if (!pod_index.emplace(pod.name, static_cast<std::uint32_t>(s.pods.size())).second) {
      r.fail(p["name"], "pod '" + pod.name + "' is defined twice");
    }
    s.pods.push_back(std::move(pod));
  }

  if (const YAML::Node traffic = root["traffic"]) {
    r.expect_sequence(traffic, "traffic");
    for (const YAML::Node& f : traffic) {
      r.check_keys(f, {"from", "to", "rate"}, "flow");
      Flow flow;
      flow.from = resolve(r, r.required(f, "from", "flow"), pod_index, "pod");
      flow.to = resolve(r, r.required(f, "to", "flow"), pod_index, "pod");
      flow.rate_per_second = r.rate(r.required(f, "rate", "flow"), "flow rate");
      if (flow.rate_per_second <= 0 || flow.rate_per_second > 1e8) {
        r.fail(f["rate"], "flow rate: must be above 0/s and at most 100000000/s");
      }
      if (flow.from == flow.to) r.fail(f["to"], "flow: a pod cannot send requests to itself");
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

Scenario load_scenario(const std::string& path) { return load(YamlReader::from_file(path)); }

Scenario load_scenario_text(const std::string& text, const std::string& name) {
  return load(YamlReader::from_string(text, name));
}

}  // namespace eksim::scenario
