#include "eksim/reach/connection_set.hpp"

#include <algorithm>
#include <functional>

namespace eksim::reach {
namespace {

using Spans = std::vector<PortSpan>;

// Merges two sorted, disjoint, non-touching span lists.
Spans unite(const Spans& a, const Spans& b) {
  Spans all;
  all.reserve(a.size() + b.size());
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(all),
             [](const PortSpan& x, const PortSpan& y) { return x.first < y.first; });
  Spans out;
  for (const PortSpan& s : all) {
    if (!out.empty() && std::uint32_t{s.first} <= std::uint32_t{out.back().last} + 1) {
      out.back().last = std::max(out.back().last, s.last);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

Spans intersect(const Spans& a, const Spans& b) {
  Spans out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const std::uint16_t lo = std::max(a[i].first, b[j].first);
    const std::uint16_t hi = std::min(a[i].last, b[j].last);
    if (lo <= hi) out.push_back({lo, hi});
    if (a[i].last < b[j].last) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

Spans complement(const Spans& a) {
  Spans out;
  std::uint32_t next = ConnectionSet::kMinPort;
  for (const PortSpan& s : a) {
    if (s.first > next) out.push_back({static_cast<std::uint16_t>(next), static_cast<std::uint16_t>(s.first - 1)});
    next = std::uint32_t{s.last} + 1;
  }
  if (next <= ConnectionSet::kMaxPort) out.push_back({static_cast<std::uint16_t>(next), ConnectionSet::kMaxPort});
  return out;
}

bool is_full(const Spans& s) {
  return s.size() == 1 && s[0].first == ConnectionSet::kMinPort && s[0].last == ConnectionSet::kMaxPort;
}

}  // namespace

ConnectionSet ConnectionSet::all() {
  ConnectionSet s;
  for (auto& p : s.ports_) p.push_back({kMinPort, kMaxPort});
  return s;
}

ConnectionSet ConnectionSet::all_of(k8s::Protocol protocol) { return of(protocol, kMinPort, kMaxPort); }

ConnectionSet ConnectionSet::of(k8s::Protocol protocol, std::uint16_t first, std::uint16_t last) {
  ConnectionSet s;
  first = std::max(first, kMinPort);
  if (first <= last) s.ports_[static_cast<std::size_t>(protocol)].push_back({first, last});
  return s;
}

bool ConnectionSet::empty() const {
  return std::all_of(ports_.begin(), ports_.end(), [](const Spans& s) { return s.empty(); });
}

bool ConnectionSet::is_all() const { return std::all_of(ports_.begin(), ports_.end(), is_full); }

bool ConnectionSet::contains(k8s::Protocol protocol, std::uint16_t port) const {
  const Spans& s = ports_[static_cast<std::size_t>(protocol)];
  auto it = std::upper_bound(s.begin(), s.end(), port, [](std::uint16_t p, const PortSpan& x) { return p < x.first; });
  return it != s.begin() && std::prev(it)->last >= port;
}

bool ConnectionSet::includes(const ConnectionSet& other) const { return (other - *this).empty(); }

// The early returns matter: the policy engine combines many sets with
// nothing or everything, and each full pass allocates.
ConnectionSet& ConnectionSet::operator|=(const ConnectionSet& other) {
  if (other.empty()) return *this;
  for (std::size_t p = 0; p < kProtocols; ++p) ports_[p] = unite(ports_[p], other.ports_[p]);
  return *this;
}

ConnectionSet& ConnectionSet::operator&=(const ConnectionSet& other) {
  if (other.is_all()) return *this;
  for (std::size_t p = 0; p < kProtocols; ++p) ports_[p] = intersect(ports_[p], other.ports_[p]);
  return *this;
}

ConnectionSet& ConnectionSet::operator-=(const ConnectionSet& other) {
  if (other.empty()) return *this;
  for (std::size_t p = 0; p < kProtocols; ++p) ports_[p] = intersect(ports_[p], complement(other.ports_[p]));
  return *this;
}

std::string ConnectionSet::to_string() const {
  if (is_all()) return "All Connections";
  if (empty()) return "No Connections";
  std::string out;
  for (std::size_t p = 0; p < kProtocols; ++p) {
    const Spans& spans = ports_[p];
    if (spans.empty()) continue;
    if (!out.empty()) out += ',';
    out += k8s::to_string(static_cast<k8s::Protocol>(p));
    if (is_full(spans)) continue;
    char sep = ' ';
    for (const PortSpan& s : spans) {
      out += sep;
      sep = ',';
      out += std::to_string(s.first);
      if (s.last != s.first) out += '-' + std::to_string(s.last);
    }
  }
  return out;
}

std::size_t ConnectionSet::hash() const {
  std::size_t h = 0xcbf29ce484222325ULL;
  for (std::size_t p = 0; p < kProtocols; ++p) {
    h = (h ^ (p + 0x100)) * 0x100000001b3ULL;
    for (const PortSpan& s : ports_[p]) h = (h ^ ((std::size_t{s.first} << 16) | s.last)) * 0x100000001b3ULL;
  }
  return h;
}

}  // namespace eksim::reach
