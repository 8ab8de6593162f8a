#include "eksim/aws/route_table.hpp"

namespace eksim::aws {

std::string_view to_string(RouteTargetKind kind) {
  switch (kind) {
    case RouteTargetKind::local:
      return "local";
    case RouteTargetKind::internet_gateway:
      return "internet-gateway";
    case RouteTargetKind::nat_gateway:
      return "nat-gateway";
    case RouteTargetKind::peering:
      return "peering";
    case RouteTargetKind::transit_gateway:
      return "transit-gateway";
    case RouteTargetKind::blackhole:
      return "blackhole";
  }
  return "unknown";
}

}  // namespace eksim::aws
