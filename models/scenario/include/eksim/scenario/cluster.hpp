// EKS clusters of a scenario: node groups by instance type, VPC CNI and DNS
// settings, and the Kubernetes manifests that run on them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eksim/aws/instance_catalog.hpp"
#include "eksim/aws/network_model.hpp"
#include "eksim/aws/vpc_cni_config.hpp"
#include "eksim/k8s/manifest_set.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/scenario/traffic_scenario.hpp"
#include "eksim/scenario/yaml_reader.hpp"

namespace eksim::scenario {

struct NodeGroup {
  std::string name;
  aws::InstanceType instance_type;
  int count = 0;
  std::vector<std::uint32_t> subnets;  // network subnet indices
  std::optional<int> max_pods;         // kubelet --max-pods, when set by the user
  bool managed = true;                 // managed node groups cap max pods at 110/250
  // Groups on the nodes' ENIs (network security-group indices, sorted): the
  // node group's `securityGroups`, else the cluster security group, which
  // EKS attaches to managed node groups' nodes by default.
  std::vector<std::uint32_t> security_groups;
};

struct DnsSettings {
  int coredns_replicas = 2;  // what EKS deploys (aws-eks-facts.md 2.5)
  bool node_local_cache = false;
};

struct Cluster {
  std::string name;
  std::uint32_t vpc = 0;
  // The security group EKS creates with the cluster, eks-cluster-sg-<name>
  // (all traffic from itself, all egress), added to the network model as an
  // implicit group of the cluster's VPC.
  std::uint32_t cluster_security_group = 0;
  aws::CniConfig cni;
  std::map<std::string, std::uint32_t> eni_configs;  // AZ -> pod subnet (custom networking)
  std::vector<NodeGroup> node_groups;
  DnsSettings dns;
  KubeProxy kube_proxy;
  std::vector<std::filesystem::path> manifests;  // resolved against the scenario file's folder
  // What the cluster runs: the EKS add-ons of data/eks-addons/ (aws-node,
  // kube-proxy, CoreDNS behind kube-dns, node-local-dns when on), then the
  // scenario's manifests.
  k8s::ManifestSet objects;
};

// What the cluster loader needs to know of the network, without depending
// on how the network model stores it.
struct SubnetRef {
  std::uint32_t index = 0;
  std::uint32_t vpc = 0;
  std::string az;
};
struct NetworkLookup {
  std::function<std::optional<std::uint32_t>(const std::string&)> vpc;
  std::function<std::optional<SubnetRef>(const std::string&)> subnet;
  std::function<std::vector<std::string>()> vpc_names;
  std::function<std::vector<std::string>()> subnet_names;
  // The model itself, for security groups: node groups name groups of the
  // cluster's VPC, and each cluster's security group is added to it.
  aws::NetworkModel* model = nullptr;
};

// The name of the security group EKS creates for a cluster (AWS appends a
// unique id, which a design does not know): "eks-cluster-sg-<cluster>".
std::string cluster_security_group_name(const std::string& cluster);

// Reads the `clusters` list; every problem is a LoadError at its place.
// With read_manifests false, manifest paths are kept but neither checked nor read.
std::vector<Cluster> load_clusters(const YamlReader& r, const YAML::Node& clusters, const NetworkLookup& network,
                                   const aws::InstanceCatalog& catalog, bool read_manifests = true);

}  // namespace eksim::scenario
