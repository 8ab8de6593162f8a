// The adapter from a loaded scenario to the DNS model's input.
//
// Where pods run, their addresses and the Services' ClusterIPs come from the
// reachability layout (reach::lay_out, itself from the capacity plan), so
// `eksim dns` and `eksim reach` see the same cluster. Two things the layout
// does not hold are filled in here, simply and deterministically:
// - the ENI a pod's address lives on, which the VPC resolver's limit counts
//   by: filled as the VPC CNI does, eni-1 after the primary's slots (none on
//   the primary with custom networking), (IPs per ENI - 1) per ENI, x16 with
//   prefix delegation; host-network pods use the node's primary ENI;
// - the addresses of a LoadBalancer Service's NLB: one per AZ of the
//   cluster's nodes, from the top of a node subnet.
#pragma once

#include "eksim/dns/dns_system.hpp"
#include "eksim/dns/dns_world.hpp"
#include "eksim/scenario/scenario.hpp"

namespace eksim::dns {

DnsWorld dns_world(const scenario::Scenario& s);
// Lookup behaviour from the scenario's `dns` and `hopLatency`.
DnsTuning dns_tuning(const scenario::Scenario& s);

}  // namespace eksim::dns
