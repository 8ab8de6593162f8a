// A network ACL: stateless, per-subnet filtering. Entries are evaluated in
// ascending rule number and the first match decides; a packet no entry
// matches is denied (the implicit final "*" rule). Return traffic is not
// tracked, so it needs its own entries (ephemeral ports 1024-65535).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eksim/aws/entity_index.hpp"
#include "eksim/aws/protocol_match.hpp"
#include "eksim/net/cidr.hpp"

namespace eksim::aws {

enum class NaclAction { allow, deny };

std::string_view to_string(NaclAction action);  // "allow" or "deny"

struct NetworkAclEntry {
  static constexpr int kMinRuleNumber = 1;
  static constexpr int kMaxRuleNumber = 32766;

  int rule_number = 100;
  ProtocolMatch match;
  net::Cidr cidr{};  // the source for ingress entries, the destination for egress
  NaclAction action = NaclAction::allow;
  std::string where;  // empty for the entries of an implicit default ACL
};

struct NetworkAcl {
  std::string name;  // unique within its VPC
  EntityIndex vpc = 0;
  // Sorted by rule number, which is unique per direction.
  std::vector<NetworkAclEntry> ingress;
  std::vector<NetworkAclEntry> egress;
  // The VPC's default ACL ("default"), used by every subnet without an
  // explicit association. AWS creates it allowing all traffic both ways.
  bool is_default = false;
  bool implicit = false;  // not declared in the scenario
  std::string where;
};

}  // namespace eksim::aws
