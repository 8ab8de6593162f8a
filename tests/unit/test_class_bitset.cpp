// ClassBitset::remap, which carries peer sets and atoms over when classes
// split at new ipBlock boundaries, against a bit-by-bit copy.
#include <catch2/catch.hpp>
#include <random>

#include "eksim/reach/policy_bitset.hpp"

using eksim::reach::ClassBitset;

TEST_CASE("ClassBitset::remap: new member i reads old member parent[i], in place", "[policy]") {
  std::mt19937 rng(7);
  auto below = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  int moved = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t old_size = 1 + below(300);
    // Old members in order, then parts inserted anywhere after their class,
    // as splitting does: a part never comes before the class it is cut from.
    std::vector<std::uint32_t> parent(old_size);
    for (std::size_t i = 0; i < old_size; ++i) parent[i] = static_cast<std::uint32_t>(i);
    const std::size_t parts = below(trial % 4 == 0 ? 80 : 6);
    for (std::size_t k = 0; k < parts; ++k) {
      const std::size_t at = below(parent.size()) + 1;  // after position at-1
      const std::uint32_t p = parent[below(at)];        // a class placed before `at`
      parent.insert(parent.begin() + static_cast<std::ptrdiff_t>(at), p);
    }
    ClassBitset set(old_size);
    const int density = static_cast<int>(below(4));
    for (std::size_t i = 0; i < old_size; ++i) {
      if (density == 3 || below(3) < static_cast<std::size_t>(density)) set.set(i);
    }
    ClassBitset expected(parent.size());
    for (std::size_t i = 0; i < parent.size(); ++i) {
      if (set.test(parent[i])) expected.set(i);
    }
    ClassBitset got = set;
    got.remap(parent.size(), ClassBitset::runs_of(parent));
    INFO("trial " << trial << " old size " << old_size << " new size " << parent.size());
    REQUIRE(got == expected);
    REQUIRE(got.count() == expected.count());
    moved += parent.size() > old_size ? 1 : 0;
  }
  CHECK(moved > 300);
}
