// An IPv4 CIDR block: a network address and a prefix length 0..32.
//
// A Cidr always holds a network address with no host bits set, the way AWS
// stores VPC and subnet CIDRs, so two equal blocks compare equal and
// first()/last() never need masking at the call site.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eksim/net/ipv4_address.hpp"

namespace eksim::net {

class Cidr {
 public:
  // 0.0.0.0/0, the whole address space.
  constexpr Cidr() = default;

  // Checked constructor: fails (nullopt and `error`) for a prefix length outside
  // 0..32 or a network address with host bits set.
  static std::optional<Cidr> make(Ipv4Address network, int prefix_length, std::string* error = nullptr);
  // The block of the given length that contains `address` (host bits cleared).
  // A prefix length outside 0..32 is clamped into it, so this never fails.
  static Cidr containing(Ipv4Address address, int prefix_length);

  [[nodiscard]] constexpr Ipv4Address network() const { return network_; }
  [[nodiscard]] constexpr int prefix_length() const { return prefix_length_; }
  // 255.255.0.0 for a /16 as an integer; 0 for /0.
  [[nodiscard]] constexpr std::uint32_t netmask() const { return mask_for(prefix_length_); }
  [[nodiscard]] constexpr Ipv4Address first() const { return network_; }
  [[nodiscard]] constexpr Ipv4Address last() const { return Ipv4Address(network_.value() | ~netmask()); }
  // Number of addresses, 2^(32 - prefix): 4,294,967,296 for /0, hence 64 bits.
  [[nodiscard]] constexpr std::uint64_t size() const { return std::uint64_t{1} << (32 - prefix_length_); }

  [[nodiscard]] constexpr bool contains(Ipv4Address address) const {
    return (address.value() & netmask()) == network_.value();
  }
  // True when every address of `inner` is in this block (a block contains itself).
  [[nodiscard]] constexpr bool contains(const Cidr& inner) const {
    return inner.prefix_length_ >= prefix_length_ && contains(inner.network_);
  }
  // Two CIDR blocks either nest or are disjoint, so overlap means one contains the other.
  [[nodiscard]] constexpr bool overlaps(const Cidr& other) const { return contains(other) || other.contains(*this); }

  // "10.0.0.0/16".
  [[nodiscard]] std::string to_string() const;

  // Ordered by network address, then by prefix length (a supernet before its subnets).
  constexpr auto operator<=>(const Cidr&) const = default;

 private:
  constexpr Cidr(Ipv4Address network, int prefix_length) : network_(network), prefix_length_(prefix_length) {}
  static constexpr std::uint32_t mask_for(int prefix_length) {
    return prefix_length == 0 ? 0U : ~std::uint32_t{0} << (32 - prefix_length);
  }

  Ipv4Address network_{};
  int prefix_length_ = 0;
};

// Parses "a.b.c.d/n" strictly: the address as parse_ipv4 accepts it, a slash,
// and a decimal prefix length 0..32 without leading zeros. A block with host
// bits set is refused with the block that was probably meant, as AWS refuses it:
// "10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16?". Never throws.
std::optional<Cidr> parse_cidr(std::string_view text, std::string* error = nullptr);

}  // namespace eksim::net
