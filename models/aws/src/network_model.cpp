#include "eksim/aws/network_model.hpp"

namespace eksim::aws {

namespace {

template <typename Entities>
std::optional<EntityIndex> find_by_name(const Entities& entities, std::string_view name) {
  for (EntityIndex i = 0; i < entities.size(); ++i) {
    if (entities[i].name == name) return i;
  }
  return std::nullopt;
}

template <typename Entities>
std::optional<EntityIndex> find_in_vpc(const Entities& entities, EntityIndex vpc, std::string_view name) {
  for (EntityIndex i = 0; i < entities.size(); ++i) {
    if (entities[i].vpc == vpc && entities[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace

std::optional<EntityIndex> NetworkModel::find_region(std::string_view name) const {
  return find_by_name(regions, name);
}
std::optional<EntityIndex> NetworkModel::find_availability_zone(std::string_view name) const {
  return find_by_name(availability_zones, name);
}
std::optional<EntityIndex> NetworkModel::find_prefix_list(std::string_view name) const {
  return find_by_name(prefix_lists, name);
}
std::optional<EntityIndex> NetworkModel::find_vpc(std::string_view name) const { return find_by_name(vpcs, name); }
std::optional<EntityIndex> NetworkModel::find_subnet(std::string_view name) const {
  return find_by_name(subnets, name);
}
std::optional<EntityIndex> NetworkModel::find_internet_gateway(std::string_view name) const {
  return find_by_name(internet_gateways, name);
}
std::optional<EntityIndex> NetworkModel::find_nat_gateway(std::string_view name) const {
  return find_by_name(nat_gateways, name);
}
std::optional<EntityIndex> NetworkModel::find_peering(std::string_view name) const {
  return find_by_name(peerings, name);
}
std::optional<EntityIndex> NetworkModel::find_transit_gateway(std::string_view name) const {
  return find_by_name(transit_gateways, name);
}
std::optional<EntityIndex> NetworkModel::find_route_table(EntityIndex vpc, std::string_view name) const {
  return find_in_vpc(route_tables, vpc, name);
}
std::optional<EntityIndex> NetworkModel::find_security_group(EntityIndex vpc, std::string_view name) const {
  return find_in_vpc(security_groups, vpc, name);
}
std::optional<EntityIndex> NetworkModel::find_network_acl(EntityIndex vpc, std::string_view name) const {
  return find_in_vpc(network_acls, vpc, name);
}

std::optional<EntityIndex> NetworkModel::peering_between(EntityIndex vpc_a, EntityIndex vpc_b) const {
  for (EntityIndex i = 0; i < peerings.size(); ++i) {
    const PeeringConnection& p = peerings[i];
    if (p.connects(vpc_a) && p.peer_of(vpc_a) == vpc_b && vpc_a != vpc_b) return i;
  }
  return std::nullopt;
}

std::optional<EntityIndex> NetworkModel::subnet_containing(EntityIndex vpc, net::Ipv4Address address) const {
  if (vpc >= vpcs.size()) return std::nullopt;
  for (const EntityIndex s : vpcs[vpc].subnets) {
    if (subnets[s].cidr.contains(address)) return s;
  }
  return std::nullopt;
}

}  // namespace eksim::aws
