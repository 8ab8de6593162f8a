// What the Route 53 Resolver of a VPC answers (it is authoritative or
// recursive for everything a pod can forward to it):
// - private hosted zones (and Cloud Map namespaces) associated with the VPC,
//   the most specific zone first; a zone that exists but is not associated is
//   invisible, and the denial names it and the missing association;
// - EC2 private DNS names ip-a-b-c-d.<ec2 domain> of addresses in the VPC;
// - public names: eksim holds no Internet DNS, so a name under a common
//   public TLD (com, net, org, io, ...) answers with a documentation address
//   (203.0.113.x, RFC 5737), TTL 60 s; any other name (internal, local, an
//   unknown TLD) is NXDOMAIN. See docs/dns.md.
#pragma once

#include <cstdint>
#include <string_view>

#include "eksim/dns/dns_answer.hpp"
#include "eksim/dns/dns_world.hpp"

namespace eksim::dns {

// TTLs of the answers the model makes up; CoreDNS caps them at 30 s anyway.
constexpr std::int64_t kPublicTtlSeconds = 60;
// Route 53's default SOA for a hosted zone has a 900 s TTL; negative
// answers are cached for min(SOA TTL, SOA minimum) (RFC 2308).
constexpr std::int64_t kNegativeTtlSeconds = 900;

Answer vpc_resolver_answer(const DnsWorld& world, std::uint32_t vpc, std::string_view name, RecordType type);

}  // namespace eksim::dns
