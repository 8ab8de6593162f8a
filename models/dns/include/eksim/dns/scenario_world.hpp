// The adapter from a loaded scenario to the DNS model's input.
//
// Stand-in, until the reachability layout (models/reach/layout.hpp) and
// pod addresses in the capacity plan land: where pods run comes from the
// capacity planner; addresses and ENIs are laid out here, simply and
// deterministically:
// - Service ClusterIPs from the EKS range (172.20.0.0/16 when the VPC is in
//   10.0.0.0/8, else 10.100.0.0/16), kube-dns at .10, the others from .11
//   in import order (a clusterIP written in the manifest is kept);
// - node and pod addresses taken in turn from each subnet after the four
//   addresses AWS reserves; host-network pods use their node's;
// - pod ENIs filled as the VPC CNI does: eni-1 after the primary's slots
//   (none on the primary with custom networking), (IPs per ENI - 1) per ENI,
//   x16 with prefix delegation;
// - a LoadBalancer Service's NLB gets one address per AZ of its cluster's nodes.
// When the real layout exists, only this file changes.
#pragma once

#include "eksim/dns/dns_system.hpp"
#include "eksim/dns/dns_world.hpp"
#include "eksim/scenario/scenario.hpp"

namespace eksim::dns {

DnsWorld dns_world(const scenario::Scenario& s);
// Lookup behaviour from the scenario's `dns` and `hopLatency`.
DnsTuning dns_tuning(const scenario::Scenario& s);

}  // namespace eksim::dns
