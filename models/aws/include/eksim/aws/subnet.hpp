// A subnet: one CIDR block inside one of its VPC's blocks, in one
// Availability Zone, using exactly one route table and one network ACL.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "eksim/aws/entity_index.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/net/interval_set.hpp"

namespace eksim::aws {

struct Subnet {
  // AWS keeps the first four addresses (network, VPC router, DNS, future use)
  // and the last (broadcast, which VPCs do not support) of every subnet.
  static constexpr std::uint64_t kReservedAddresses = 5;

  std::string name;
  EntityIndex vpc = 0;
  EntityIndex az = 0;  // into NetworkModel::availability_zones
  net::Cidr cidr;
  // The route table and network ACL in force: the explicitly associated one,
  // or else the VPC's main route table / default network ACL.
  EntityIndex route_table = 0;
  bool route_table_explicit = false;
  EntityIndex network_acl = 0;
  bool network_acl_explicit = false;
  std::string where;

  // Addresses EC2 can hand to ENIs: 4,091 for a /20, 11 for a /28.
  [[nodiscard]] std::uint64_t usable_addresses() const { return cidr.size() - kReservedAddresses; }
  // The reserved addresses as closed ranges, ready to insert into an IPAM
  // IntervalSet before carving out ENI addresses or /28 prefixes.
  [[nodiscard]] std::array<net::IntervalSet::Range, 2> reserved_ranges() const {
    const std::uint32_t first = cidr.first().value();
    return {net::IntervalSet::Range{first, first + 3},
            net::IntervalSet::Range{cidr.last().value(), cidr.last().value()}};
  }
};

}  // namespace eksim::aws
