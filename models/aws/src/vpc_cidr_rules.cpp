#include "eksim/aws/vpc_cidr_rules.hpp"

#include <array>
#include <string_view>

#include "eksim/net/ipv4_address.hpp"

namespace eksim::aws {

namespace {

net::Cidr block(std::uint8_t a, std::uint8_t b, int length) {
  return net::Cidr::containing(net::Ipv4Address::from_octets(a, b, 0, 0), length);
}

// The address ranges the association restrictions are written in terms of.
// VPC blocks are /16 or longer and every range here is /16 or shorter, so a
// block is either inside a range or disjoint from it.
enum class Range { rfc1918_10, rfc1918_172, rfc1918_192, benchmark_198_19, shared_100_64, other };

struct NamedRange {
  Range range;
  net::Cidr cidr;
};

const std::array<NamedRange, 5>& ranges() {
  static const std::array<NamedRange, 5> kRanges = {{
      {Range::rfc1918_10, block(10, 0, 8)},
      {Range::rfc1918_172, block(172, 16, 12)},
      {Range::rfc1918_192, block(192, 168, 16)},
      {Range::benchmark_198_19, block(198, 19, 16)},
      {Range::shared_100_64, block(100, 64, 10)},
  }};
  return kRanges;
}

Range range_of(const net::Cidr& cidr) {
  for (const NamedRange& r : ranges()) {
    if (r.cidr.contains(cidr)) return r.range;
  }
  return Range::other;
}

bool is_rfc1918(Range r) { return r == Range::rfc1918_10 || r == Range::rfc1918_172 || r == Range::rfc1918_192; }

std::string size_problem(const net::Cidr& cidr, std::string_view what) {
  if (cidr.prefix_length() >= kMinBlockPrefixLength && cidr.prefix_length() <= kMaxBlockPrefixLength) return {};
  return cidr.to_string() + " is a /" + std::to_string(cidr.prefix_length()) + "; AWS " + std::string(what) +
         " blocks must be between /16 (65,536 addresses) and /28 (16 addresses)";
}

}  // namespace

std::string vpc_block_problem(const net::Cidr& cidr) {
  std::string size = size_problem(cidr, "VPC");
  if (!size.empty()) return size;
  if (block(169, 254, 16).overlaps(cidr)) {
    return cidr.to_string() + " is in the link-local range 169.254.0.0/16, which AWS never assigns to a VPC";
  }
  return {};
}

std::string secondary_block_problem(const net::Cidr& primary, const net::Cidr& secondary) {
  const Range p = range_of(primary);
  const Range s = range_of(secondary);
  const std::string head = "secondary block " + secondary.to_string() +
                           " cannot be added to a VPC whose primary block " + primary.to_string();
  if (is_rfc1918(p)) {
    if (is_rfc1918(s) && s != p) {
      return head +
             " is in a different RFC 1918 range; secondary blocks may come from the primary's own RFC 1918 "
             "range, 100.64.0.0/10, 198.19.0.0/16 or publicly routable space";
    }
    if (p == Range::rfc1918_172 && block(172, 31, 16).contains(secondary)) {
      return head + " is in 172.16.0.0/12: AWS reserves 172.31.0.0/16 (the default VPC's range) in that case";
    }
    return {};
  }
  if (is_rfc1918(s)) {
    return head +
           " is not in an RFC 1918 range; such a VPC cannot add RFC 1918 blocks (use 100.64.0.0/10, "
           "198.19.0.0/16 or publicly routable space)";
  }
  return {};
}

std::string subnet_block_problem(const net::Cidr& cidr) { return size_problem(cidr, "subnet"); }

}  // namespace eksim::aws
