// The rules AWS applies to a VPC's IPv4 CIDR blocks and to subnet blocks
// (Amazon VPC User Guide, "VPC CIDR blocks" and "Subnet sizing"), kept apart
// from the loader so what-if tools that add blocks check the same rules.
//
// Enforced: block sizes /16../28; nothing in the link-local 169.254.0.0/16;
// at most 50 blocks per VPC (the adjustable quota's maximum; default 5); and
// the secondary-block association restrictions, keyed by the range of the
// primary block:
//   - primary in an RFC 1918 range (10/8, 172.16/12, 192.168/16): no
//     secondary block from a different RFC 1918 range; with a primary in
//     172.16/12, nothing from 172.31.0.0/16 either;
//   - primary publicly routable, in 100.64.0.0/10 or in 198.19.0.0/16: no
//     secondary block from any RFC 1918 range.
// 100.64.0.0/10 and 198.19.0.0/16 are accepted as secondary blocks on every
// VPC, as Amazon EKS documents for custom networking (see docs/scenario-network.md
// for the older VPC-guide table that listed 198.19.0.0/16 as restricted).
#pragma once

#include <cstddef>
#include <string>

#include "eksim/net/cidr.hpp"

namespace eksim::aws {

inline constexpr int kMinBlockPrefixLength = 16;  // 65,536 addresses
inline constexpr int kMaxBlockPrefixLength = 28;  // 16 addresses
inline constexpr std::size_t kMaxVpcCidrBlocks = 50;

// Why AWS refuses `block` as a VPC block (primary or secondary) on its own:
// its size or a reserved range. Empty when it is acceptable.
std::string vpc_block_problem(const net::Cidr& block);

// Why AWS refuses `secondary` next to a VPC whose primary block is `primary`,
// by the association restrictions above. Empty when it is acceptable.
// Overlap with the VPC's other blocks is the caller's check.
std::string secondary_block_problem(const net::Cidr& primary, const net::Cidr& secondary);

// Why AWS refuses `block` as a subnet block on its own (size). Empty when acceptable.
std::string subnet_block_problem(const net::Cidr& block);

}  // namespace eksim::aws
