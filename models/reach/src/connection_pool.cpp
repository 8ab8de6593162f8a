#include "eksim/reach/connection_pool.hpp"

#include <utility>

namespace eksim::reach {

ConnectionPool::ConnectionPool() {
  intern(ConnectionSet{});
  intern(ConnectionSet::all());
}

ConnectionPool::Id ConnectionPool::intern(const ConnectionSet& set) {
  auto [it, inserted] = ids_.try_emplace(set, static_cast<Id>(sets_.size()));
  if (inserted) sets_.push_back(set);
  return it->second;
}

ConnectionPool::Id ConnectionPool::intersect(Id a, Id b) {
  if (a == kNone || b == kNone) return kNone;
  if (a == kAll || a == b) return b;
  if (b == kAll) return a;
  if (a > b) std::swap(a, b);
  const std::uint64_t key = (std::uint64_t{a} << 32) | b;
  auto it = intersections_.find(key);
  if (it != intersections_.end()) return it->second;
  const Id id = intern(sets_[a] & sets_[b]);
  intersections_.emplace(key, id);
  return id;
}

std::size_t ConnectionPool::bytes() const {
  std::size_t n = sets_.capacity() * sizeof(ConnectionSet);
  for (const ConnectionSet& s : sets_) {
    for (std::size_t p = 0; p < ConnectionSet::kProtocols; ++p) {
      n += s.ports(static_cast<k8s::Protocol>(p)).capacity() * sizeof(PortSpan);
    }
  }
  // Hash tables: a node per entry plus the bucket array, roughly.
  n += ids_.size() * (sizeof(ConnectionSet) + 32) + intersections_.size() * 32;
  return n;
}

}  // namespace eksim::reach
