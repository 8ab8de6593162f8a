// A NAT gateway in one subnet (and so one Availability Zone).
#pragma once

#include <string>

#include "eksim/aws/entity_index.hpp"

namespace eksim::aws {

struct NatGateway {
  std::string name;
  EntityIndex vpc = 0;
  EntityIndex subnet = 0;
  // ConnectivityType: public gateways translate to an Elastic IP and reach the
  // internet through the VPC's internet gateway; private ones translate to
  // their own private address and reach other VPCs or on-premises networks
  // through a transit gateway or a virtual private gateway.
  bool is_public = true;
  std::string where;
};

}  // namespace eksim::aws
