// AWS Regions and the Availability Zones a scenario may place things in.
#pragma once

#include <string>
#include <vector>

#include "eksim/aws/entity_index.hpp"

namespace eksim::aws {

// An Availability Zone, named as the scenario names it: an AZ ID such as
// use1-az1 (the same physical zone in every account) or a zone name such as
// us-east-1a. Names are unique across all regions.
struct AvailabilityZone {
  std::string name;
  EntityIndex region = 0;
  std::string where;  // "file:line:column" of its declaration
};

struct Region {
  std::string name;              // "us-east-1"
  std::vector<EntityIndex> azs;  // into NetworkModel::availability_zones, in declared order
  std::string where;
};

}  // namespace eksim::aws
