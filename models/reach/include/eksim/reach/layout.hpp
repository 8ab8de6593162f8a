// Where everything of a scenario sits on the network, as reachability needs
// it: each running pod with its address and node, each node with its subnet,
// address and security groups, and each Service's ClusterIP.
//
// Pods and nodes come from the capacity planner (the same placement `eksim
// capacity` reports), so a pod that cannot get an address does not appear:
// nothing can reach a pod that does not run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eksim/aws/entity_index.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/net/ipv4_address.hpp"
#include "eksim/scenario/scenario.hpp"

namespace eksim::reach {

struct LaidOutNode {
  std::uint32_t cluster = 0;
  std::string name;  // "general-0": node group and index, unique in the cluster
  net::Ipv4Address address;
  aws::EntityIndex subnet = 0;      // of the primary ENI, into NetworkModel::subnets
  aws::EntityIndex pod_subnet = 0;  // where pod addresses come from (custom networking differs)
  std::vector<aws::EntityIndex> security_groups;
};

struct LaidOutPod {
  std::uint32_t cluster = 0;
  std::uint32_t workload = 0;  // into Cluster::objects.workloads
  int replica = 0;
  std::uint32_t node = 0;  // into Layout::nodes
  net::Ipv4Address address;
  // "web/frontend-2": the workload's name and the replica index (real pod
  // names carry random suffixes; the index keeps reports stable).
  std::string name;
  std::vector<aws::EntityIndex> security_groups;  // at the pod's ENI, after security groups for pods
};

struct Layout {
  std::vector<LaidOutNode> nodes;
  std::vector<LaidOutPod> pods;  // running pods only, by cluster, then in the planner's order
  std::vector<net::Cidr> service_cidrs;  // per cluster
  // [cluster][service]: the ClusterIP, or nullopt for headless and ExternalName Services.
  std::vector<std::vector<std::optional<net::Ipv4Address>>> cluster_ips;
  // [cluster][service][port]: the NodePort of each port of a NodePort or
  // LoadBalancer Service (0 for other types).
  std::vector<std::vector<std::vector<std::uint16_t>>> node_ports;
};

// EKS picks the Service range when the cluster is created: 172.20.0.0/16 when
// the VPC's blocks lie in 10.0.0.0/8 (so the two do not collide), else
// 10.100.0.0/16 (EKS API, KubernetesNetworkConfigRequest.serviceIpv4Cidr).
net::Cidr default_service_cidr(const scenario::Scenario& s, std::uint32_t cluster);

Layout lay_out(const scenario::Scenario& s);

}  // namespace eksim::reach
