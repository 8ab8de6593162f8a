// The capacity planner's view of a scenario: its subnets, its clusters'
// node groups and CNI settings, and every pod the clusters would run,
// the EKS system pods included.
#pragma once

#include "eksim/capacity/capacity_planner.hpp"
#include "eksim/scenario/scenario.hpp"

namespace eksim::capacity {

// Workloads come in the order of each cluster's objects: the EKS add-ons
// (aws-node and kube-proxy on every node with the host's network, the "+2"
// of the max-pods formula; CoreDNS; node-local-dns when on), then the
// scenario's manifests in file order.
CapacityInput capacity_input(const scenario::Scenario& s);

}  // namespace eksim::capacity
