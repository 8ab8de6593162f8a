// A scenario made up around a folder of Kubernetes manifests, so that
// `eksim reach k8s/` answers for manifests alone: one region with three
// Availability Zones, one VPC (10.0.0.0/16, a /18 subnet per AZ, default
// route table, network ACL and security groups, which allow everything
// inside the VPC), and one cluster "cluster" whose m5.4xlarge nodes, spread
// over the AZs, are enough for every replica the manifests ask for, and
// nodeSelectors are dropped so that every pod runs. The AWS layers then let
// everything through and only the policies decide.
// docs/reachability.md explains the choice.
#pragma once

#include <string>

#include "eksim/scenario/scenario.hpp"

namespace eksim::scenario {

Scenario scenario_for_manifests(const std::string& folder);

}  // namespace eksim::scenario
