// A Transit Gateway with VPC attachments and its own route tables.
//
// Each attachment is associated with at most one TGW route table, which
// decides where traffic arriving from that attachment goes. Attachments
// propagate their VPC's CIDR blocks into the tables they propagate to; static
// routes point a destination at an attachment or blackhole it, and win over
// propagated routes for the same destination. Traffic enters the TGW only from
// Availability Zones where the attachment has a subnet.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "eksim/aws/entity_index.hpp"
#include "eksim/aws/route_destination.hpp"

namespace eksim::aws {

struct TransitGatewayAttachment {
  std::string name;  // unique within its transit gateway; defaults to the VPC's name
  EntityIndex vpc = 0;
  std::vector<EntityIndex> subnets;  // at most one per Availability Zone, in declared order
  // Index into TransitGateway::route_tables; empty when the attachment is not
  // associated with any table (AWS then drops its traffic).
  std::optional<EntityIndex> route_table;
  std::string where;
};

struct TransitGatewayRoute {
  RouteDestination destination;
  bool blackhole = false;
  EntityIndex attachment = 0;  // index into TransitGateway::attachments; unused for a blackhole
  std::string where;
};

struct TransitGatewayRouteTable {
  std::string name;                         // unique within its transit gateway
  std::vector<EntityIndex> propagations;    // attachment indices, in declared order
  std::vector<TransitGatewayRoute> routes;  // static and blackhole routes, unique destinations
  // The default route table AWS creates when no tables are declared: every
  // attachment is associated with it and propagates to it.
  bool implicit = false;
  std::string where;
};

struct TransitGateway {
  std::string name;
  EntityIndex region = 0;
  std::vector<TransitGatewayAttachment> attachments;
  std::vector<TransitGatewayRouteTable> route_tables;
  std::string where;

  // The attachment of `vpc` (AWS allows one per VPC and transit gateway).
  [[nodiscard]] std::optional<EntityIndex> attachment_for_vpc(EntityIndex vpc) const {
    for (EntityIndex i = 0; i < attachments.size(); ++i) {
      if (attachments[i].vpc == vpc) return i;
    }
    return std::nullopt;
  }
};

}  // namespace eksim::aws
