// Interned ConnectionSets: each distinct set is stored once and named by a
// small integer, so a matrix cell is 4 bytes and equal cells compare as
// integers. Intersections of two interned sets are memoized, because a
// matrix intersects the same few egress and ingress sets over and over.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "eksim/reach/connection_set.hpp"

namespace eksim::reach {

class ConnectionPool {
 public:
  using Id = std::uint32_t;
  static constexpr Id kNone = 0;  // No Connections
  static constexpr Id kAll = 1;   // All Connections

  ConnectionPool();
  Id intern(const ConnectionSet& set);
  [[nodiscard]] const ConnectionSet& get(Id id) const { return sets_[id]; }
  // The interned intersection; a cache miss costs one ConnectionSet intersection.
  Id intersect(Id a, Id b);
  [[nodiscard]] std::size_t size() const { return sets_.size(); }
  [[nodiscard]] std::size_t bytes() const;

 private:
  struct Hash {
    std::size_t operator()(const ConnectionSet& s) const { return s.hash(); }
  };
  std::vector<ConnectionSet> sets_;
  std::unordered_map<ConnectionSet, Id, Hash> ids_;
  std::unordered_map<std::uint64_t, Id> intersections_;
};

}  // namespace eksim::reach
