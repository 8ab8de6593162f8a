// The addresses of one subnet as EC2 hands them out: single addresses for
// ENI primaries and secondary IPs, aligned /28 blocks for prefix delegation.
//
// AWS reserves the first four addresses and the last one of every subnet
// (network, router, DNS, future use, broadcast), so a /24 has 251 usable.
#pragma once

#include <cstdint>
#include <optional>

#include "eksim/net/cidr.hpp"
#include "eksim/net/interval_set.hpp"

namespace eksim::capacity {

class SubnetIpam {
 public:
  explicit SubnetIpam(net::Cidr cidr);

  // The lowest free address, or nullopt (EC2: InsufficientFreeAddressesInSubnet).
  std::optional<std::uint32_t> allocate_address();
  // The lowest free aligned /28, or nullopt (EC2: InsufficientCidrBlocks when
  // free addresses remain but none forms an aligned /28).
  std::optional<std::uint32_t> allocate_prefix();

  [[nodiscard]] const net::Cidr& cidr() const { return cidr_; }
  [[nodiscard]] std::uint64_t usable() const { return usable_; }
  [[nodiscard]] std::uint64_t used() const { return used_.size(); }
  [[nodiscard]] std::uint64_t free() const { return usable_ - used_.size(); }
  [[nodiscard]] std::uint64_t free_prefixes() const;

 private:
  net::Cidr cidr_;
  net::IntervalSet::Range usable_range_;
  std::uint64_t usable_ = 0;
  net::IntervalSet used_;
};

}  // namespace eksim::capacity
