// Loads the AWS network sections of a scenario file into an aws::NetworkModel:
// regions, prefixLists, vpcs (with their subnets, route tables, gateways,
// security groups and network ACLs), peerings and transitGateways.
//
// Everything is validated the way AWS validates it when the resources are
// created (CIDR sizes and ranges, overlaps, dangling or misplaced references,
// duplicate names, rule numbers, protocols and ports); the first violation is
// thrown as a LoadError at the offending node. The YAML shape and every rule
// are documented in docs/scenario-network.md.
#pragma once

#include <yaml-cpp/yaml.h>

#include <array>
#include <string_view>

#include "eksim/aws/network_model.hpp"
#include "eksim/scenario/yaml_reader.hpp"

namespace eksim::scenario {

// The top-level keys load_network reads; the caller allows them in its own
// check of the file's top-level keys.
inline constexpr std::array<std::string_view, 5> kNetworkKeys = {"regions", "prefixLists", "vpcs", "peerings",
                                                                 "transitGateways"};

// Reads the keys of kNetworkKeys present under `root` (absent ones are empty)
// and replaces `out` with the result. Throws LoadError on the first problem;
// `out` is then left in an unspecified state.
void load_network(const YamlReader& r, const YAML::Node& root, aws::NetworkModel& out);

}  // namespace eksim::scenario
