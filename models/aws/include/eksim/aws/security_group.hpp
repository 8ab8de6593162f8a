// A security group: stateful allow-lists for traffic into (ingress) and out of
// (egress) the ENIs it is attached to. There is no deny; anything no rule
// allows is dropped, and replies of allowed connections are always allowed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eksim/aws/entity_index.hpp"
#include "eksim/aws/protocol_match.hpp"
#include "eksim/net/cidr.hpp"

namespace eksim::aws {

// The other end of a rule: the source of an ingress rule, the destination of an egress rule.
struct SecurityGroupPeer {
  enum class Kind { cidr, prefix_list, security_group };

  Kind kind = Kind::cidr;
  net::Cidr cidr{};  // when kind == cidr
  // When kind == prefix_list: into NetworkModel::prefix_lists. When kind ==
  // security_group: into NetworkModel::security_groups, meaning every ENI that
  // carries that group (in the same VPC or a same-region peered VPC).
  EntityIndex index = 0;
  bool operator==(const SecurityGroupPeer&) const = default;
};

struct SecurityGroupRule {
  ProtocolMatch match;
  SecurityGroupPeer peer;
  std::string description;
  std::string where;  // empty for the rules of an implicit default group and the default egress rule
};

struct SecurityGroup {
  std::string name;  // unique within its VPC
  EntityIndex vpc = 0;
  std::string description;
  std::vector<SecurityGroupRule> ingress;
  std::vector<SecurityGroupRule> egress;
  // The VPC's default group ("default"): AWS creates it with every VPC,
  // allowing all traffic from members of the group and all egress.
  bool is_default = false;
  bool implicit = false;  // not declared in the scenario
  std::string where;
};

}  // namespace eksim::aws
