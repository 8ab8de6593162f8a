// The capacity planner's view of a scenario: its subnets, its clusters'
// node groups and CNI settings, and every pod the clusters would run,
// the EKS system pods included.
#pragma once

#include "eksim/capacity/capacity_planner.hpp"
#include "eksim/scenario/scenario.hpp"

namespace eksim::capacity {

// Workloads come in this order per cluster: the host-network DaemonSets of
// every EKS node (aws-node, kube-proxy, and node-local-dns when NodeLocal
// DNSCache is on), CoreDNS, then the cluster's manifests in file order.
CapacityInput capacity_input(const scenario::Scenario& s);

}  // namespace eksim::capacity
