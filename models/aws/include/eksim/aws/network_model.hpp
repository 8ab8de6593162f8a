// The AWS network of a scenario: regions, VPCs and everything that routes or
// filters traffic between them, as validated plain data.
//
// Every entity lives in one vector here and is referred to by its index.
// Names are unique per kind: globally for regions, Availability Zones, prefix
// lists, VPCs, subnets, internet gateways, NAT gateways, peering connections
// and transit gateways; within their VPC for route tables, security groups and
// network ACLs (every VPC may have its own "private" route table); within
// their transit gateway for TGW attachments and TGW route tables.
//
// The find_* helpers scan linearly: they are for wiring names to indices at
// load time and in tests; engines keep indices.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "eksim/aws/entity_index.hpp"
#include "eksim/aws/internet_gateway.hpp"
#include "eksim/aws/nat_gateway.hpp"
#include "eksim/aws/network_acl.hpp"
#include "eksim/aws/peering_connection.hpp"
#include "eksim/aws/prefix_list.hpp"
#include "eksim/aws/region.hpp"
#include "eksim/aws/route_table.hpp"
#include "eksim/aws/security_group.hpp"
#include "eksim/aws/subnet.hpp"
#include "eksim/aws/transit_gateway.hpp"
#include "eksim/aws/vpc.hpp"

namespace eksim::aws {

struct NetworkModel {
  std::vector<Region> regions;
  std::vector<AvailabilityZone> availability_zones;
  std::vector<PrefixList> prefix_lists;
  std::vector<Vpc> vpcs;
  std::vector<Subnet> subnets;
  std::vector<RouteTable> route_tables;
  std::vector<InternetGateway> internet_gateways;
  std::vector<NatGateway> nat_gateways;
  std::vector<PeeringConnection> peerings;
  std::vector<TransitGateway> transit_gateways;
  std::vector<SecurityGroup> security_groups;
  std::vector<NetworkAcl> network_acls;

  [[nodiscard]] std::optional<EntityIndex> find_region(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_availability_zone(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_prefix_list(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_vpc(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_subnet(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_internet_gateway(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_nat_gateway(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_peering(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_transit_gateway(std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_route_table(EntityIndex vpc, std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_security_group(EntityIndex vpc, std::string_view name) const;
  [[nodiscard]] std::optional<EntityIndex> find_network_acl(EntityIndex vpc, std::string_view name) const;

  // The peering connection between two VPCs, in either direction (AWS allows one per pair).
  [[nodiscard]] std::optional<EntityIndex> peering_between(EntityIndex vpc_a, EntityIndex vpc_b) const;
  // The subnet whose block holds `address`, searching only `vpc`'s subnets.
  [[nodiscard]] std::optional<EntityIndex> subnet_containing(EntityIndex vpc, net::Ipv4Address address) const;
};

}  // namespace eksim::aws
