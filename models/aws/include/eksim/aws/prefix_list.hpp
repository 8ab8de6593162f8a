// A customer-managed prefix list: a named set of CIDR blocks that routes and
// security-group rules can use in place of a single CIDR. Prefix lists are
// regional, so only VPCs of the same region may reference one.
#pragma once

#include <string>
#include <vector>

#include "eksim/aws/entity_index.hpp"
#include "eksim/net/cidr.hpp"

namespace eksim::aws {

struct PrefixList {
  std::string name;
  EntityIndex region = 0;
  std::vector<net::Cidr> cidrs;  // distinct entries, in declared order
  std::string where;
};

}  // namespace eksim::aws
