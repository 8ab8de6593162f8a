// What one node of a scenario would show to someone logged in on it: its
// ENIs with their addresses (secondary IPs or /28 prefixes) and the pods on
// each, its routes and policy-routing rules as the VPC CNI programs them, and
// the nat table kube-proxy and the VPC CNI program (`eksim node`).
//
// Everything comes from the placement `eksim capacity` reports (the same
// planner) and the Service layout `eksim reach` uses; nothing is invented
// here beyond the naming conventions documented in docs/observability.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/net/cidr.hpp"
#include "eksim/net/ipv4_address.hpp"
#include "eksim/scenario/scenario.hpp"

namespace eksim::observe {

struct NodeViewPod {
  std::string namespace_name;
  std::string name;  // "cart-0": workload name and replica index
  std::string workload;  // "namespace/name"
  net::Ipv4Address address;
  bool host_network = false;
  std::string veth;     // host side "eni" + 11 hex of sha1("namespace.name"); "" for host network
  int device_index = 0;  // the ENI whose address the pod uses
};

struct NodeViewSlot {
  net::Cidr block;                 // a /32 secondary IP or a /28 prefix
  std::vector<std::uint32_t> pods;  // into NodeView::pods, using an address of the block
};

struct NodeViewEni {
  int device_index = 0;
  std::string interface;  // eth0, eth1, ...
  std::string subnet;
  net::Cidr subnet_cidr;
  net::Ipv4Address gateway;  // the subnet's router: its first address + 1
  std::vector<std::string> security_groups;
  net::Ipv4Address primary;
  bool carries_pods = true;
  std::vector<NodeViewSlot> slots;
};

struct NodeView {
  std::string name;  // cluster/group-i
  std::string cluster;
  std::string node_group;
  std::string instance_type;
  std::string az;
  net::Ipv4Address address;
  bool prefix_delegation = false;
  std::vector<NodeViewEni> enis;
  std::vector<NodeViewPod> pods;  // bound to the node and running, host-network ones included
  std::vector<std::string> ip_rules;   // `ip rule` lines
  std::vector<std::string> main_routes;  // `ip route` (main table)
  struct Table {
    int id = 0;  // device index + 1
    std::vector<std::string> routes;  // `ip route show table N`
  };
  std::vector<Table> eni_tables;
  std::string nat;  // `iptables-save -t nat`
};

// The node named "cluster/group-i" (nodes numbered from 1; the cluster may be
// left out when the scenario has one). Throws std::invalid_argument naming
// the closest node when there is no such node.
NodeView node_view(const scenario::Scenario& s, std::string_view node);

// "eni" + the first 11 hex digits of sha1("namespace.pod"), as the VPC CNI
// names the host side of a pod's veth pair (AWS_VPC_K8S_CNI_VETHPREFIX=eni).
std::string host_veth_name(std::string_view namespace_name, std::string_view pod);

std::string node_view_text(const NodeView& v);
std::string node_view_json(const NodeView& v);

}  // namespace eksim::observe
