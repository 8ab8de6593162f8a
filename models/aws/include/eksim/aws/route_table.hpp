// A VPC route table. Routing is longest-prefix match over the table's routes;
// the local routes (one per VPC block) are always present, so traffic inside
// the VPC never leaves it. No matching route means the packet is dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eksim/aws/entity_index.hpp"
#include "eksim/aws/route_destination.hpp"

namespace eksim::aws {

enum class RouteTargetKind {
  local,             // inside the VPC
  internet_gateway,  // target_index into NetworkModel::internet_gateways
  nat_gateway,       // into NetworkModel::nat_gateways
  peering,           // into NetworkModel::peerings
  transit_gateway,   // into NetworkModel::transit_gateways
  // Drops matching traffic. AWS shows a route as a blackhole when its target
  // was deleted; scenarios use it to ask "what if this gateway went away".
  blackhole,
};

// "local", "internet-gateway", "nat-gateway", "peering", "transit-gateway", "blackhole".
std::string_view to_string(RouteTargetKind kind);

struct Route {
  RouteDestination destination;
  RouteTargetKind target = RouteTargetKind::local;
  EntityIndex target_index = 0;  // unused for local and blackhole
  std::string where;             // empty for the implicit local routes
};

struct RouteTable {
  std::string name;  // unique within its VPC
  EntityIndex vpc = 0;
  bool main = false;      // used by every subnet of the VPC without an explicit association
  bool implicit = false;  // the main table AWS creates with the VPC, not declared in the scenario
  // The local routes first, one per VPC block in the VPC's order, then the
  // declared routes in declared order. Destinations are unique in a table.
  std::vector<Route> routes;
  std::string where;  // the declaration, or the VPC's for an implicit table
};

}  // namespace eksim::aws
