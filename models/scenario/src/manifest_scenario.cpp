#include "eksim/scenario/manifest_scenario.hpp"

#include <algorithm>

#include "eksim/k8s/manifest_loader.hpp"

namespace eksim::scenario {
namespace {

// An m5.4xlarge node takes 234 pods (8 ENIs x 29 secondary addresses + 2);
// planning for 200 keeps room for the DaemonSets and the warm pool.
constexpr int kPodsPerNode = 200;
constexpr int kAzs = 3;

}  // namespace

Scenario scenario_for_manifests(const std::string& folder) {
  // Read once to size the node group; the scenario load below reads them again
  // together with the EKS add-ons and reports any problem at its place.
  const k8s::ManifestSet objects = k8s::load_manifests({folder});
  int pods = 0;
  int per_node = 0;
  for (const k8s::Workload& w : objects.workloads) {
    if (w.per_node) {
      ++per_node;
    } else {
      pods += std::max(w.replicas, 0);
    }
  }
  const int per_node_room = std::max(kPodsPerNode - per_node - 4, 1);  // 4: aws-node, kube-proxy, CoreDNS share
  const int nodes = std::max(kAzs, ((pods + per_node_room - 1) / per_node_room + kAzs - 1) / kAzs * kAzs);

  std::string quoted;  // a YAML single-quoted scalar doubles its quotes
  for (char c : folder) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  std::string yaml =
      "scenario: {name: manifests}\n"
      "regions: {us-east-1: {azs: [use1-az1, use1-az2, use1-az4]}}\n"
      "vpcs:\n"
      "  - name: vpc\n"
      "    cidrs: [10.0.0.0/16]\n"
      "    subnets:\n"
      "      - {name: subnet-a, az: use1-az1, cidr: 10.0.0.0/18}\n"
      "      - {name: subnet-b, az: use1-az2, cidr: 10.0.64.0/18}\n"
      "      - {name: subnet-c, az: use1-az4, cidr: 10.0.128.0/18}\n"
      "clusters:\n"
      "  - name: cluster\n"
      "    vpc: vpc\n"
      "    nodeGroups:\n"
      "      - {name: nodes, instanceType: m5.4xlarge, count: " +
      std::to_string(nodes) +
      ", subnets: [subnet-a, subnet-b, subnet-c]}\n"
      "    manifests: ['" +
      quoted + "']\n";
  // A name without a folder, so that the manifest path resolves as the user
  // gave it and messages print it the same way.
  Scenario s = load_scenario_text(yaml, "default-placement");
  s.file = folder;
  // The made-up nodes carry none of the labels the manifests' nodeSelectors
  // may ask for (a node group, an instance type); scheduling is not the
  // question here, so every pod may run anywhere.
  for (k8s::Workload& w : s.clusters.front().objects.workloads) w.pod.node_selector.clear();
  return s;
}

}  // namespace eksim::scenario
