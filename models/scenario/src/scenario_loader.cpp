#include <algorithm>
#include <map>

#include "eksim/scenario/network_loader.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/scenario/traffic_loader.hpp"
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

// Checks that an endpoint names something of the scenario, so a typo fails at
// load with its place and the closest name rather than at `eksim check`.
void check_endpoint(const YamlReader& r, const YAML::Node& node, const EndpointRef& ref, const Scenario& s) {
  if (ref.is_address()) return;
  std::vector<std::string> cluster_names;
  for (const Cluster& c : s.clusters) cluster_names.push_back(c.name);
  const Cluster* cluster = nullptr;
  if (ref.cluster.empty()) {
    if (s.clusters.size() != 1) {
      r.fail(node, "endpoint '" + ref.text + "': the scenario has " + std::to_string(s.clusters.size()) +
                       " clusters, so name one: cluster/namespace/name");
    }
    cluster = &s.clusters.front();
  } else {
    for (const Cluster& c : s.clusters) {
      if (c.name == ref.cluster) cluster = &c;
    }
    if (cluster == nullptr) {
      r.fail(node, "endpoint '" + ref.text + "': unknown cluster '" + ref.cluster + "'" +
                       util::did_you_mean(ref.cluster, cluster_names));
    }
  }
  const k8s::ManifestSet& objects = cluster->objects;
  std::vector<std::string> names;
  if (ref.kind == "Node") {
    for (const NodeGroup& g : cluster->node_groups) {
      // Nodes are numbered from 1 in each group, as `eksim capacity` names them.
      for (int i = 1; i <= g.count; ++i) names.push_back(g.name + "-" + std::to_string(i));
    }
    if (std::find(names.begin(), names.end(), ref.name) != names.end()) return;
    r.fail(node, "endpoint '" + ref.text + "': cluster '" + cluster->name + "' has no node '" + ref.name + "'" +
                     util::did_you_mean(ref.name, names));
  }
  if (ref.kind == "Service" || ref.kind == "LoadBalancer") {
    if (const auto i = objects.find_service(ref.namespace_name, ref.name)) {
      if (ref.kind == "LoadBalancer" && !objects.services[*i].load_balancer) {
        r.fail(node, "endpoint '" + ref.text + "': Service " + objects.services[*i].id +
                         " is not of type LoadBalancer, so it has no load balancer");
      }
      return;
    }
    for (const auto& svc : objects.services) names.push_back(svc.id);
    r.fail(node, "endpoint '" + ref.text + "': cluster '" + cluster->name + "' has no Service '" +
                     ref.namespace_name + "/" + ref.name + "'" +
                     util::did_you_mean(ref.namespace_name + "/" + ref.name, names));
  }
  for (const auto& w : objects.workloads) {
    if (w.namespace_name == ref.namespace_name && w.name == ref.name &&
        (ref.kind.empty() || w.kind_name == ref.kind)) {
      return;
    }
    names.push_back(w.namespace_name + "/" + w.name);
  }
  r.fail(node, "endpoint '" + ref.text + "': cluster '" + cluster->name + "' has no workload '" + ref.namespace_name +
                   "/" + ref.name + "'" + (ref.kind.empty() ? "" : " of kind " + ref.kind) +
                   util::did_you_mean(ref.namespace_name + "/" + ref.name, names));
}

ReachExpectation reach_expectation(const YamlReader& r, const YAML::Node& e, const Scenario& s) {
  r.check_keys(e, {"from", "to", "port", "allowed"}, "reachability expectation");
  ReachExpectation x;
  x.where = r.at(e).str();
  auto endpoint = [&](std::string_view key) {
    const YAML::Node node = r.required(e, key, "reachability expectation");
    std::string error;
    auto ref = parse_endpoint_ref(r.string(node, key), &error);
    if (!ref) r.fail(node, "reachability expectation " + std::string(key) + ": " + error);
    check_endpoint(r, node, *ref, s);
    return *std::move(ref);
  };
  x.from = endpoint("from");
  x.to = endpoint("to");
  const YAML::Node port = r.required(e, "port", "reachability expectation");
  std::string error;
  const auto parsed = parse_port_protocol(r.string(port, "port"), &error);
  if (!parsed) r.fail(port, "reachability expectation " + error);
  x.port = *parsed;
  x.allowed = r.boolean(r.required(e, "allowed", "reachability expectation"), "reachability expectation allowed");
  return x;
}

Scenario load(const YamlReader& r, ReferencedFiles files) {
  const YAML::Node& root = r.root();
  if (!root.IsDefined() || root.IsNull()) r.fail(root, "the scenario file is empty");
  r.check_keys(root,
               {"scenario", "regions", "prefixLists", "vpcs", "peerings", "transitGateways", "clusters", "hopLatency",
                "mesh", "servers", "traffic", "apiGateways", "policy", "expect", "dns", "privateHostedZones", "cloudMap", "dnsTraffic"},
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
    lookup.model = &s.network;
    s.clusters = load_clusters(r, clusters, lookup, catalog, files == ReferencedFiles::read);
  }

  load_traffic(r, root, s);

  load_dns(r, root, s);

  if (const YAML::Node policy = root["policy"]) {
    r.check_keys(policy, {"ipBlockMatchesPods"}, "policy");
    if (policy["ipBlockMatchesPods"]) {
      s.policy.ip_block_matches_pods = r.boolean(policy["ipBlockMatchesPods"], "policy.ipBlockMatchesPods");
    }
  }

  if (const YAML::Node expect = root["expect"]) {
    r.expect_sequence(expect, "expect");
    for (const YAML::Node& e : expect) {
      if (e.IsMap() && (e["from"] || e["to"] || e["allowed"] || e["port"])) {
        s.reach_expectations.push_back(reach_expectation(r, e, s));
        continue;
      }
      s.expectations.push_back(load_latency_expectation(r, e, s));
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

Scenario load_scenario_document(const YamlReader& reader) { return load(reader, ReferencedFiles::read); }

}  // namespace eksim::scenario
