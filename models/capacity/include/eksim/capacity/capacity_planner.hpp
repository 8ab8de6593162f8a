// Capacity planning: which pods of a design get a node and an address, and
// how far each workload can grow.
//
// Nodes are laid out from the node groups, pods are scheduled onto them
// replica by replica (spread over AZs, then over nodes, as the default
// topology spread does), and each node's VPC CNI pool is grown to the warm
// targets with addresses and /28 prefixes taken from the real subnets. What
// cannot happen is reported with the reason AWS or Kubernetes would give.
// See docs/capacity-model.md for the rules and their sources.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eksim/aws/instance_type.hpp"
#include "eksim/aws/ipamd_warm_pool.hpp"
#include "eksim/aws/vpc_cni_config.hpp"
#include "eksim/aws/vpc_cni_max_pods.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/net/ipv4_address.hpp"

namespace eksim::capacity {

struct SubnetSpec {
  std::string name;
  std::string az;
  net::Cidr cidr;
};

struct NodeGroupSpec {
  std::string name;
  aws::InstanceType type;
  int count = 0;
  std::vector<std::uint32_t> subnets;  // indices into CapacityInput::subnets
  std::optional<int> max_pods;         // kubelet --max-pods override
  bool managed = true;                 // managed node groups cap at 110/250 in every mode
};

struct ClusterSpec {
  std::string name;
  aws::CniConfig cni;
  // Custom networking: the pod subnet (ENIConfig) of each AZ.
  std::map<std::string, std::uint32_t> eni_configs;
  std::vector<NodeGroupSpec> node_groups;
};

struct WorkloadSpec {
  std::uint32_t cluster = 0;
  std::string name;  // "namespace/name"
  std::string kind;  // Deployment, StatefulSet, DaemonSet, ...
  int replicas = 1;  // ignored for DaemonSets: one per node
  bool per_node = false;
  bool host_network = false;  // takes a pod slot but no VPC address
  std::int32_t source = -1;   // index among the cluster's workloads (scenario::Cluster::objects); -1 if none
  // spec.nodeSelector: every pair must be among the node's labels (see
  // node_labels()).
  std::map<std::string, std::string, std::less<>> node_selector = {};
};

struct CapacityInput {
  std::vector<SubnetSpec> subnets;
  std::vector<ClusterSpec> clusters;
  std::vector<WorkloadSpec> workloads;  // in scheduling order
};

// Why a pod did not run.
enum class PendingReason {
  max_pods,                  // Unschedulable: every node holds its max pods
  node_selector,             // Unschedulable: no node has the labels the pod asks for
  insufficient_addresses,    // InsufficientFreeAddressesInSubnet
  insufficient_cidr_blocks,  // InsufficientCidrBlocks: no free aligned /28
  eni_limit,                 // the node's ENI and IP slots are all in use
};
std::string_view to_string(PendingReason reason);

// One ENI of a node as `eksim node` shows it: device index 0 is the primary
// ENI the instance boots with (the node's own address), then the ENIs ipamd
// attaches in order. Each pod slot (a secondary IP, or a /28 prefix under
// prefix delegation) belongs to the ENI that was filling when the slot was
// taken: ipamd fills an ENI's slots before it attaches the next one.
struct NodeEni {
  int device_index = 0;
  std::string subnet;
  net::Ipv4Address primary;       // the ENI's primary private address
  bool carries_pods = true;       // false: the primary ENI under custom networking
  std::vector<net::Cidr> held;    // /32 secondary IPs or /28 prefixes, in the order taken
};

struct NodeReport {
  std::string name;  // cluster/nodegroup-i
  std::string node_group;
  std::string az;
  std::string subnet;      // the primary ENI's subnet
  std::string pod_subnet;  // where pod addresses come from
  net::Ipv4Address address;  // the primary ENI's primary address: the node's own
  int kubelet_max_pods = 0;
  int pods = 0;             // pods bound to the node, host-network ones included
  int pods_with_ip = 0;     // pods that got a VPC address
  int enis = 0;             // attached by ipamd (trunk not counted)
  int prefixes = 0;         // /28 prefixes held (prefix delegation)
  int addresses = 0;        // pod addresses held: secondary IPs or prefixes x 16
  std::vector<NodeEni> eni_list;  // the `enis` ENIs, by device index
};

struct NodeGroupReport {
  std::string cluster;
  std::string name;
  std::string instance_type;
  int nodes = 0;
  aws::MaxPodsResult max_pods;
};

struct SubnetReport {
  std::string name;
  std::string az;
  std::string cidr;
  std::uint64_t usable = 0;         // size less the 5 AWS reserves
  std::uint64_t eni_primaries = 0;  // primary addresses of ENIs (nodes' own included)
  std::uint64_t assigned = 0;       // pod addresses in use
  std::uint64_t warm = 0;           // held by ipamd for pods yet to come
  std::uint64_t free = 0;
  std::uint64_t free_prefixes = 0;  // aligned /28 blocks still free
};

struct PendingPod {
  std::string workload;
  int replica = 0;
  std::string node;  // empty when not scheduled
  PendingReason reason;
  std::string detail;
};

struct Headroom {
  std::string workload;
  int replicas = 0;       // asked for now
  int more = 0;           // further replicas that would run
  std::string runs_out;   // what stops the next one
  bool capped = false;    // stopped by the search bound, not by a resource
};

// A pod bound to a node: the scheduler's decision, with or without an address.
struct PlacedPod {
  std::uint32_t workload = 0;  // into CapacityInput::workloads
  int replica = 0;
  std::uint32_t node = 0;  // into CapacityReport::nodes
  bool running = false;    // has an address, or needs none (host network)
  // Set exactly when running: the node's address for a host-network pod,
  // else the next of the addresses its node holds for pods, in the order the
  // node took them from the subnet (secondary IPs one by one, or each /28
  // prefix from its first address up).
  std::optional<net::Ipv4Address> address;
};

struct CapacityReport {
  std::vector<PlacedPod> pods;
  std::vector<NodeGroupReport> node_groups;
  std::vector<NodeReport> nodes;
  std::vector<SubnetReport> subnets;
  std::vector<PendingPod> pending;
  std::vector<Headroom> headroom;
};

struct PlanOptions {
  bool headroom = true;
  int headroom_limit = 100'000;  // replicas tried per workload at most
};

CapacityReport plan_capacity(const CapacityInput& input, const PlanOptions& options = {});

// The labels EKS puts on a node of this group in this AZ, which nodeSelector
// can match: eks.amazonaws.com/nodegroup, topology.kubernetes.io/zone,
// node.kubernetes.io/instance-type, kubernetes.io/os.
std::map<std::string, std::string, std::less<>> node_labels(const NodeGroupSpec& group, const std::string& az);

}  // namespace eksim::capacity
