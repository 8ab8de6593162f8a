// A VPC peering connection between two VPCs with disjoint CIDR blocks, in the
// same or different regions. Peering is not transitive: A-B and B-C do not
// connect A to C, and each side still needs routes to the other.
#pragma once

#include <string>

#include "eksim/aws/entity_index.hpp"

namespace eksim::aws {

struct PeeringConnection {
  std::string name;
  EntityIndex requester_vpc = 0;
  EntityIndex accepter_vpc = 0;
  std::string where;

  [[nodiscard]] bool connects(EntityIndex vpc) const { return vpc == requester_vpc || vpc == accepter_vpc; }
  // The VPC on the other side from `vpc` (which must be one of the two).
  [[nodiscard]] EntityIndex peer_of(EntityIndex vpc) const {
    return vpc == requester_vpc ? accepter_vpc : requester_vpc;
  }
};

}  // namespace eksim::aws
