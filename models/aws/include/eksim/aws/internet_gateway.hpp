// An internet gateway attached to a VPC (at most one per VPC). Public NAT
// gateways need one, and routes to it give subnets a path to the internet.
#pragma once

#include <string>

#include "eksim/aws/entity_index.hpp"

namespace eksim::aws {

struct InternetGateway {
  std::string name;
  EntityIndex vpc = 0;
  std::string where;
};

}  // namespace eksim::aws
