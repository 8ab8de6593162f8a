#include "eksim/net/interval_set.hpp"

#include <algorithm>

namespace eksim::net {

namespace {

using Map = std::map<std::uint32_t, std::uint32_t>;

// Bounds are widened to 64 bits wherever "last + 1" appears, so a range ending
// at 255.255.255.255 needs no special case.
using Wide = std::uint64_t;

// The range that contains `value` or, failing that, the first range after it.
Map::const_iterator first_reaching(const Map& ranges, std::uint32_t value) {
  auto it = ranges.upper_bound(value);
  if (it != ranges.begin()) {
    auto prev = std::prev(it);
    if (prev->second >= value) return prev;
  }
  return it;
}

// Calls visit(gap_first, gap_last) for each free run inside `within`, in order,
// until visit returns true.
template <typename Visit>
void for_each_gap(const Map& ranges, IntervalSet::Range within, Visit visit) {
  if (within.first > within.last) return;
  Wide cursor = within.first;
  for (auto it = first_reaching(ranges, within.first); it != ranges.end() && it->first <= within.last; ++it) {
    if (it->first > cursor && visit(cursor, Wide{it->first} - 1)) return;
    cursor = std::max(cursor, Wide{it->second} + 1);
  }
  if (cursor <= within.last) visit(cursor, Wide{within.last});
}

}  // namespace

void IntervalSet::insert(std::uint32_t first, std::uint32_t last) {
  if (first > last) return;
  Wide new_first = first;
  Wide new_last = last;
  // Start at the range that touches `first` from the left, if any.
  auto it = ranges_.upper_bound(first);
  if (it != ranges_.begin()) {
    auto prev = std::prev(it);
    if (Wide{prev->second} + 1 >= first) it = prev;
  }
  while (it != ranges_.end() && Wide{it->first} <= new_last + 1) {
    new_first = std::min(new_first, Wide{it->first});
    new_last = std::max(new_last, Wide{it->second});
    size_ -= Range{it->first, it->second}.size();
    it = ranges_.erase(it);
  }
  ranges_.emplace(static_cast<std::uint32_t>(new_first), static_cast<std::uint32_t>(new_last));
  size_ += new_last - new_first + 1;
}

void IntervalSet::insert(const IntervalSet& other) {
  if (&other == this) return;
  for (const auto& [first, last] : other.ranges_) insert(first, last);
}

void IntervalSet::erase(std::uint32_t first, std::uint32_t last) {
  if (first > last) return;
  std::optional<Range> left;
  std::optional<Range> right;
  auto it = first_reaching(ranges_, first);
  while (it != ranges_.end() && it->first <= last) {
    const Range cut{it->first, it->second};
    if (cut.first < first) left = Range{cut.first, first - 1};
    if (cut.last > last) right = Range{last + 1, cut.last};
    size_ -= cut.size();
    it = ranges_.erase(it);
  }
  // The pieces left of `first` and right of `last` survive; they cannot touch
  // any other range, so they go back without merging.
  for (const auto& piece : {left, right}) {
    if (piece) {
      ranges_.emplace(piece->first, piece->last);
      size_ += piece->size();
    }
  }
}

bool IntervalSet::contains(std::uint32_t value) const {
  auto it = ranges_.upper_bound(value);
  if (it == ranges_.begin()) return false;
  return std::prev(it)->second >= value;
}

bool IntervalSet::contains(std::uint32_t first, std::uint32_t last) const {
  if (first > last) return false;
  auto it = ranges_.upper_bound(first);
  if (it == ranges_.begin()) return false;
  // Ranges are maximal, so a fully covered span lies inside a single range.
  return std::prev(it)->second >= last;
}

bool IntervalSet::intersects(std::uint32_t first, std::uint32_t last) const {
  if (first > last) return false;
  auto it = ranges_.upper_bound(last);
  if (it == ranges_.begin()) return false;
  // The last range starting at or before `last`; every earlier one ends before it starts.
  return std::prev(it)->second >= first;
}

std::vector<IntervalSet::Range> IntervalSet::ranges() const {
  std::vector<Range> out;
  out.reserve(ranges_.size());
  for (const auto& [first, last] : ranges_) out.push_back(Range{first, last});
  return out;
}

std::vector<IntervalSet::Range> IntervalSet::gaps(Range within) const {
  std::vector<Range> out;
  for_each_gap(ranges_, within, [&](Wide first, Wide last) {
    out.push_back(Range{static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last)});
    return false;
  });
  return out;
}

std::optional<std::uint32_t> IntervalSet::find_free_aligned_block(unsigned log2_size, Range within) const {
  if (log2_size > 32) return std::nullopt;
  const Wide block = Wide{1} << log2_size;
  std::optional<std::uint32_t> found;
  for_each_gap(ranges_, within, [&](Wide first, Wide last) {
    const Wide start = (first + block - 1) & ~(block - 1);
    if (start + block - 1 <= last) {
      found = static_cast<std::uint32_t>(start);
      return true;
    }
    return false;
  });
  return found;
}

std::uint64_t IntervalSet::count_free_aligned_blocks(unsigned log2_size, Range within) const {
  if (log2_size > 32) return 0;
  const Wide block = Wide{1} << log2_size;
  std::uint64_t count = 0;
  for_each_gap(ranges_, within, [&](Wide first, Wide last) {
    const Wide start = (first + block - 1) & ~(block - 1);
    if (start + block - 1 <= last) count += (last + 1 - start) / block;
    return false;
  });
  return count;
}

}  // namespace eksim::net
