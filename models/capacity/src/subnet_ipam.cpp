#include "eksim/capacity/subnet_ipam.hpp"

namespace eksim::capacity {

SubnetIpam::SubnetIpam(net::Cidr cidr) : cidr_(cidr) {
  const std::uint32_t first = cidr.first().value();
  const std::uint32_t last = cidr.last().value();
  // Subnets are /16 to /28, so there are always more than five addresses.
  usable_range_ = net::IntervalSet::Range{first + 4, last - 1};
  usable_ = usable_range_.size();
}

std::optional<std::uint32_t> SubnetIpam::allocate_address() {
  const auto gaps = used_.gaps(usable_range_);
  if (gaps.empty()) return std::nullopt;
  const std::uint32_t address = gaps.front().first;
  used_.insert(address);
  return address;
}

std::optional<std::uint32_t> SubnetIpam::allocate_prefix() {
  const auto block = used_.find_free_aligned_block(4, usable_range_);
  if (!block) return std::nullopt;
  used_.insert(*block, *block + 15);
  return block;
}

std::uint64_t SubnetIpam::free_prefixes() const { return used_.count_free_aligned_blocks(4, usable_range_); }

}  // namespace eksim::capacity
