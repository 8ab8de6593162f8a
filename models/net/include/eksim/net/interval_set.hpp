// A set of 32-bit values stored as disjoint closed ranges [first, last].
//
// IPAM works on address ranges, not single addresses: a subnet's reserved
// addresses, ENI primary IPs, secondary IPs and /28 prefixes are all runs of
// integers. Keeping them as merged ranges makes "how many are free" and "where
// is the next free aligned /28" cost O(ranges), not O(addresses). Closed ranges
// let 0.0.0.0-255.255.255.255 be stored without a 33-bit bound.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

namespace eksim::net {

class IntervalSet {
 public:
  // A closed range; first <= last in every range the set hands out.
  struct Range {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    [[nodiscard]] constexpr std::uint64_t size() const { return std::uint64_t{last} - std::uint64_t{first} + 1; }
    constexpr auto operator<=>(const Range&) const = default;
  };

  // Iterates the ranges in ascending order, each maximal (touching ranges are merged).
  // Named like a standard container's iterator so generic code finds it.
  class const_iterator {  // NOLINT(readability-identifier-naming)
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = Range;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Range;

    const_iterator() = default;
    Range operator*() const { return Range{it_->first, it_->second}; }
    const_iterator& operator++() {
      ++it_;
      return *this;
    }
    const_iterator operator++(int) {
      auto copy = *this;
      ++it_;
      return copy;
    }
    const_iterator& operator--() {
      --it_;
      return *this;
    }
    const_iterator operator--(int) {
      auto copy = *this;
      --it_;
      return copy;
    }
    bool operator==(const const_iterator&) const = default;

   private:
    friend class IntervalSet;
    explicit const_iterator(std::map<std::uint32_t, std::uint32_t>::const_iterator it) : it_(it) {}
    std::map<std::uint32_t, std::uint32_t>::const_iterator it_{};
  };

  IntervalSet() = default;

  // Adds every value of [first, last]. An inverted range (first > last) adds nothing.
  void insert(std::uint32_t first, std::uint32_t last);
  void insert(std::uint32_t value) { insert(value, value); }
  void insert(Range range) { insert(range.first, range.last); }
  // Adds every range of `other`.
  void insert(const IntervalSet& other);

  // Removes every value of [first, last]; values not present are ignored.
  // An inverted range removes nothing.
  void erase(std::uint32_t first, std::uint32_t last);
  void erase(std::uint32_t value) { erase(value, value); }
  void erase(Range range) { erase(range.first, range.last); }

  void clear() { ranges_.clear(); }

  [[nodiscard]] bool contains(std::uint32_t value) const;
  // True when every value of [first, last] is present (false for an inverted range).
  [[nodiscard]] bool contains(std::uint32_t first, std::uint32_t last) const;
  // True when some value of [first, last] is present.
  [[nodiscard]] bool intersects(std::uint32_t first, std::uint32_t last) const;

  [[nodiscard]] bool empty() const { return ranges_.empty(); }
  // Number of values in the set; up to 2^32, hence 64 bits.
  [[nodiscard]] std::uint64_t size() const { return size_; }
  // Number of maximal ranges.
  [[nodiscard]] std::size_t range_count() const { return ranges_.size(); }

  [[nodiscard]] const_iterator begin() const { return const_iterator(ranges_.begin()); }
  [[nodiscard]] const_iterator end() const { return const_iterator(ranges_.end()); }
  [[nodiscard]] std::vector<Range> ranges() const;

  // The values of `within` that are NOT in the set, as maximal ranges in order.
  [[nodiscard]] std::vector<Range> gaps(Range within) const;

  // The lowest start s of a block [s, s + 2^log2_size - 1] with s a multiple of
  // 2^log2_size, lying inside `within` and sharing no value with the set.
  // With the set holding a subnet's used addresses and log2_size = 4, this is
  // where EC2 can carve the next /28 prefix for prefix delegation; nullopt is
  // the InsufficientCidrBlocks case (free addresses exist, but no aligned run).
  // log2_size above 32 finds nothing.
  [[nodiscard]] std::optional<std::uint32_t> find_free_aligned_block(unsigned log2_size, Range within) const;
  // How many disjoint free aligned blocks of 2^log2_size fit in `within`.
  [[nodiscard]] std::uint64_t count_free_aligned_blocks(unsigned log2_size, Range within) const;

  bool operator==(const IntervalSet& other) const { return ranges_ == other.ranges_; }

 private:
  // first -> last of each maximal range; no two ranges touch or overlap.
  std::map<std::uint32_t, std::uint32_t> ranges_;
  std::uint64_t size_ = 0;
};

}  // namespace eksim::net
