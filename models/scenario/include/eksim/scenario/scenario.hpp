// The scenario: what a user describes in one YAML file: the AWS network
// (regions, VPCs, subnets, gateways, peerings, transit gateways), the EKS
// clusters with their node groups and Kubernetes manifests, request flows
// between workloads, and expectations. Reference: docs/scenario.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/aws/network_model.hpp"
#include "eksim/scenario/cluster.hpp"
#include "eksim/scenario/dns_scenario.hpp"
#include "eksim/scenario/endpoint_ref.hpp"
#include "eksim/scenario/traffic_scenario.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::scenario {

// A reachability expectation: `eksim check` fails when the connection's
// verdict differs from `allowed`.
struct ReachExpectation {
  EndpointRef from;
  EndpointRef to;
  PortRefText port;
  bool allowed = true;
  std::string where;  // file:line:column of the entry, for reports
};

// How policies are read where implementations differ (policy-semantics.md).
struct PolicySettings {
  // Item 12: whether an ipBlock matches pod addresses. The EKS VPC CNI
  // network policy agent matches on addresses, so true; Cilium did not.
  bool ip_block_matches_pods = true;
};

struct Scenario {
  std::string file;
  std::string name;
  std::uint64_t seed = 1;
  sim::Time duration = sim::Time::s(10);
  aws::NetworkModel network;
  std::vector<Cluster> clusters;
  HopLatencies hops;
  Mesh mesh;
  std::vector<ApiGateway> api_gateways;
  std::vector<Server> servers;
  std::vector<Flow> flows;
  std::vector<Expectation> expectations;
  std::vector<ReachExpectation> reach_expectations;
  PolicySettings policy;
  // Scheduling ignores nodeSelectors: a made-up placement (a folder of
  // manifests) has no nodes with the labels they ask for.
  bool ignore_node_selectors = false;
  DnsScenario dns;  // top-level dns, privateHostedZones, cloudMap, dnsTraffic
};

// "cluster/namespace/name" of a workload.
std::string workload_name(const Scenario& s, const WorkloadRef& w);

// Reads the top-level DNS keys (dns, privateHostedZones, cloudMap,
// dnsTraffic) into s.dns; needs s.network and s.clusters loaded.
void load_dns(const YamlReader& r, const YAML::Node& root, Scenario& s);

// A DNS name as Route 53 takes it: labels of letters, digits, '-' and '_',
// 1 to 63 characters each, 253 in all (without the trailing dot).
bool valid_dns_name(std::string_view name);

// Whether the files a scenario names (its clusters' manifests) are read.
enum class ReferencedFiles { read, ignore };

// Loads and validates a scenario file; throws LoadError on any problem.
Scenario load_scenario(const std::string& path);
// Same, from text in memory (`name` stands in for the file name in errors,
// and its folder is where relative manifest paths start). `ignore` leaves
// manifest paths unread, for fuzzing the scenario language alone.
Scenario load_scenario_text(const std::string& text, const std::string& name,
                            ReferencedFiles files = ReferencedFiles::read);
// Same, from a document already parsed (a sweep point: a base scenario with
// some values replaced); the reader's file is where manifest paths start.
Scenario load_scenario_document(const YamlReader& reader);

}  // namespace eksim::scenario
