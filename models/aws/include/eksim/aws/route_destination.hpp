// What a route matches: a CIDR block or every block of a prefix list. Shared
// by VPC route tables and Transit Gateway route tables, which both take either.
#pragma once

#include <string_view>

#include "eksim/aws/entity_index.hpp"
#include "eksim/net/cidr.hpp"

namespace eksim::aws {

struct RouteDestination {
  enum class Kind { cidr, prefix_list };

  Kind kind = Kind::cidr;
  net::Cidr cidr{};             // when kind == cidr
  EntityIndex prefix_list = 0;  // when kind == prefix_list, into NetworkModel::prefix_lists

  static RouteDestination of(net::Cidr block) { return RouteDestination{Kind::cidr, block, 0}; }
  static RouteDestination of_prefix_list(EntityIndex list) { return RouteDestination{Kind::prefix_list, {}, list}; }
  bool operator==(const RouteDestination&) const = default;
};

}  // namespace eksim::aws
