// What every reachability layer answers for one connection: the path it took
// hop by hop and, when blocked, which component stopped it, by which rule and
// why, in the manner of AWS Reachability Analyzer's explanations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eksim::reach {

// Why a connection is blocked. The names are the codes reports print.
enum class Reason : std::uint8_t {
  // Names and translation
  DNS_NXDOMAIN,            // the name does not resolve
  NO_ENDPOINTS,            // a Service, or load balancer, without a ready endpoint
  SERVICE_PORT_NOT_FOUND,  // the Service exposes no such port/protocol
  TARGET_PORT_NOT_FOUND,   // a named targetPort the endpoint pod does not declare
  // Routing
  NO_ROUTE,                 // no route table entry matches the destination
  BLACKHOLE_ROUTE,          // the matching VPC route is a blackhole
  PEERING_NOT_TRANSITIVE,   // the route sends traffic across a peering the destination is not on
  PEERING_NO_RETURN_ROUTE,  // the peer VPC has no route back
  TGW_NOT_ASSOCIATED,       // the source attachment has no TGW route table
  TGW_NO_ROUTE,             // the TGW route table has no route to the destination
  TGW_BLACKHOLE,            // the TGW route is a blackhole
  TGW_AZ_NOT_PRESENT,       // the attachment has no subnet in the source's AZ
  NO_INTERNET_ROUTE,        // external destination without an internet or NAT gateway path
  // Filtering
  NACL_EGRESS_DENY,   // the source subnet's network ACL, outbound
  NACL_INGRESS_DENY,  // the destination subnet's network ACL, inbound
  NACL_RETURN_DENY,   // a network ACL drops the reply (stateless)
  SG_EGRESS_DENY,     // no egress rule of the source's security groups allows it
  SG_INGRESS_DENY,    // no ingress rule of the destination's security groups allows it
  NETPOL_EGRESS_DENY,   // the source is egress-isolated and no NetworkPolicy allows it
  NETPOL_INGRESS_DENY,  // the destination is ingress-isolated and no NetworkPolicy allows it
  ANP_DENY,             // an AdminNetworkPolicy rule denies it
  BANP_DENY,            // the BaselineAdminNetworkPolicy denies it
  CALICO_DENY,          // a Calico rule with action Deny
  CALICO_END_OF_TIER_DENY,  // a Calico tier selected the endpoint but no rule matched
};

std::string_view to_string(Reason reason);

// One step of a path: the component a packet passes and what it did there,
// e.g. {"route-table", "east/private", "10.1.0.0/16 -> transit-gateway core"}.
struct Hop {
  std::string kind;       // "pod", "service", "route-table", "peering", "transit-gateway",
                          // "network-acl", "security-group", "network-policy", ...
  std::string component;  // its name as the scenario or manifest writes it
  std::string detail;     // what happened there, in a short phrase
};

// Where and why a connection stopped.
struct Blocked {
  Reason reason = Reason::NO_ROUTE;
  std::string component;  // e.g. "network-acl east/private-acl", "NetworkPolicy y/deny-all"
  std::string rule;       // e.g. "rule 100", "ingress rule 2", "tier security, rule 1"; "" for an implicit default
  std::string message;    // one sentence a user can act on
};

struct Verdict {
  std::vector<Hop> path;           // up to and including the blocking component
  std::optional<Blocked> blocked;  // empty: allowed
  [[nodiscard]] bool allowed() const { return !blocked.has_value(); }
};

}  // namespace eksim::reach
