// A VPC: one primary IPv4 CIDR block plus optional secondary blocks (for
// example 100.64.0.0/16 for EKS custom networking), and the per-VPC resources
// that hang off it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "eksim/aws/entity_index.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/net/ipv4_address.hpp"

namespace eksim::aws {

struct Vpc {
  std::string name;
  EntityIndex region = 0;
  // cidrs[0] is the primary block; the rest are secondary blocks in declared order.
  std::vector<net::Cidr> cidrs;

  // Indices into the NetworkModel vectors, in declared order. Every VPC has a
  // main route table, a default network ACL and a default security group,
  // declared or implicit, as AWS creates them with the VPC.
  std::vector<EntityIndex> subnets;
  std::vector<EntityIndex> route_tables;
  EntityIndex main_route_table = 0;
  std::optional<EntityIndex> internet_gateway;
  std::vector<EntityIndex> nat_gateways;
  std::vector<EntityIndex> security_groups;
  EntityIndex default_security_group = 0;
  std::vector<EntityIndex> network_acls;
  EntityIndex default_network_acl = 0;
  std::string where;

  [[nodiscard]] const net::Cidr& primary_cidr() const { return cidrs.front(); }
  // The Amazon-provided DNS server (Route 53 Resolver) answers at the primary
  // block's base plus two, e.g. 10.0.0.2 for 10.0.0.0/16 (it also answers at
  // 169.254.169.253, which is the same resolver).
  [[nodiscard]] net::Ipv4Address resolver_address() const {
    return net::Ipv4Address(primary_cidr().network().value() + 2);
  }
  // True when `address` lies in one of the VPC's blocks, i.e. the local route covers it.
  [[nodiscard]] bool contains(net::Ipv4Address address) const {
    for (const net::Cidr& block : cidrs) {
      if (block.contains(address)) return true;
    }
    return false;
  }
};

}  // namespace eksim::aws
