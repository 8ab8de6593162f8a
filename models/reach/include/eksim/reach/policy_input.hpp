// The pods of one cluster as the policy engine sees them.
//
// A cluster of 100,000 pods has far fewer distinct pod shapes: every replica
// of a workload shares its template's labels, container ports, service
// account and host networking. So the shape lives once in a PodProfile and
// each pod holds only what differs between replicas (address, node, name)
// plus the index of its profile.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/labels.hpp"
#include "eksim/k8s/manifest_set.hpp"
#include "eksim/k8s/pod_template.hpp"
#include "eksim/net/ipv4_address.hpp"

namespace eksim::reach {

// What every pod of one template shares.
struct PodProfile {
  std::uint32_t namespace_index = 0;  // into ManifestSet::namespaces
  k8s::Labels labels;
  std::vector<k8s::ContainerPort> ports;  // every container port, containers in order (named ports resolve here)
  std::string service_account = "default";
  bool host_network = false;
};

struct PodInstance {
  std::string name;  // "namespace/name"
  std::uint32_t profile = 0;
  net::Ipv4Address address;  // a hostNetwork pod has its node's address
  std::uint32_t node = 0;      // into ClusterPods::nodes
  std::uint32_t workload = 0;  // into ManifestSet::workloads
};

struct NodeInstance {
  std::string name;
  net::Ipv4Address address;
};

struct ClusterPods {
  std::vector<PodProfile> profiles;
  std::vector<PodInstance> pods;
  std::vector<NodeInstance> nodes;
};

struct PolicySettings {
  // true (EKS VPC CNI agent, upstream e2e tests): an ipBlock matches pod
  // addresses too. false (Cilium's historical behaviour): an ipBlock only
  // matches addresses that are not pods of this cluster.
  bool ip_block_matches_pods = true;
};

// The one place the engine reads a pod's service account from, so that the
// field's home in k8s::PodTemplate can move without touching the engine.
std::string_view service_account_of(const k8s::PodTemplate& pod);

// The profile of a pod template living in a namespace.
PodProfile profile_of(const k8s::PodTemplate& pod, std::uint32_t namespace_index);

// Lays out the workloads of `set` as pods, for tests and tools that have no
// scheduler at hand: one profile per workload, `replicas` pods each (a
// DaemonSet one per node), named "<namespace>/<workload>-<i>", given
// consecutive addresses from `first_address` and placed on `nodes` round robin
// (one node "node-0" at 192.168.0.1 when `nodes` is empty).
ClusterPods lay_out_pods(const k8s::ManifestSet& set, net::Ipv4Address first_address,
                         std::vector<NodeInstance> nodes = {});

}  // namespace eksim::reach
