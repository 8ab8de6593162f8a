#include "eksim/traffic/fair_share.hpp"

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace eksim::traffic {
namespace {

using SparseMap = Eigen::Map<const Eigen::SparseMatrix<double, Eigen::ColMajor, int>>;
using VectorMap = Eigen::Map<Eigen::VectorXd>;

constexpr std::size_t kTypicalHops = 4;

VectorMap vec(std::vector<double>& v, std::size_t n) {
  return VectorMap(v.data(), static_cast<Eigen::Index>(n));
}

// Resizes without shrinking capacity, so buffers reach their high-water mark
// once and stay there.
template <typename T>
void fit(std::vector<T>& v, std::size_t n, T value) {
  v.assign(n, value);
}

void check_capacity(double capacity) {
  if (!(capacity > 0) || !std::isfinite(capacity)) {
    throw std::invalid_argument("link capacity must be a finite number of bytes/s above 0, got " +
                                std::to_string(capacity));
  }
}

// Puts the members of a component (those stamped `stamp`) in id order:
// by sorting when the component is a small part of the network, by a scan
// of every id when it is most of it (a shared attachment joins everything).
template <typename Id, typename Entity>
void in_id_order(std::vector<Id>& ids, const std::vector<Entity>& all, std::uint64_t stamp) {
  if (ids.size() * 8 < all.size()) {
    std::sort(ids.begin(), ids.end());
    return;
  }
  ids.clear();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].seen == stamp) ids.push_back(static_cast<Id>(i));
  }
}

bool differs(double a, double b) {
  return std::abs(a - b) > FairShareNetwork::kRelativeTolerance * std::max(std::abs(a), std::abs(b));
}

}  // namespace

LinkId FairShareNetwork::add_link(double capacity) {
  check_capacity(capacity);
  Link link;
  link.capacity = capacity;
  links_.push_back(std::move(link));
  return static_cast<LinkId>(links_.size() - 1);
}

void FairShareNetwork::set_link_capacity(LinkId link, double capacity) {
  check_capacity(capacity);
  if (link >= links_.size()) throw std::invalid_argument("unknown link " + std::to_string(link));
  links_[link].capacity = capacity;
  seeds_.clear();
  seeds_.push_back(link);
  seed_transfers_.clear();
  resolve();
}

TransferId FairShareNetwork::start(std::span<const LinkId> links, double cap) {
  if (!(cap > 0)) throw std::invalid_argument("transfer cap must be above 0 bytes/s, got " + std::to_string(cap));
  if (links.empty() && std::isinf(cap)) {
    throw std::invalid_argument("a transfer crossing no link needs a finite cap, else its rate is unbounded");
  }
  for (const LinkId l : links) {
    if (l >= links_.size()) {
      throw std::invalid_argument("unknown link " + std::to_string(l) + " (network has " +
                                  std::to_string(links_.size()) + ")");
    }
  }
  TransferId id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<TransferId>(transfers_.size());
    transfers_.emplace_back();
    // Room for a typical path (veth, NIC, attachment, gateway) from the
    // start, so that a recycled id rarely grows.
    transfers_.back().links.reserve(kTypicalHops);
    transfers_.back().slots.reserve(kTypicalHops);
  }
  Transfer& t = transfers_[id];
  t.links.assign(links.begin(), links.end());
  t.slots.clear();
  for (const LinkId l : links) {
    auto& members = links_[l].members;
    t.slots.push_back(static_cast<std::uint32_t>(members.size()));
    members.push_back(id);
  }
  t.cap = cap;
  t.rate = 0;
  t.active = true;
  t.fresh = true;
  ++active_count_;

  seeds_.assign(links.begin(), links.end());
  seed_transfers_.clear();
  seed_transfers_.push_back(id);
  resolve();
  return id;
}

void FairShareNetwork::finish(TransferId id) {
  check_transfer(id, "finish");
  Transfer& t = transfers_[id];
  for (std::size_t i = 0; i < t.links.size(); ++i) {
    auto& members = links_[t.links[i]].members;
    const std::uint32_t slot = t.slots[i];
    const std::uint32_t last = static_cast<std::uint32_t>(members.size() - 1);
    if (slot != last) {
      // Swap-remove: the transfer holding the last entry takes this slot.
      const TransferId moved = members[last];
      members[slot] = moved;
      Transfer& m = transfers_[moved];
      for (std::size_t k = 0; k < m.links.size(); ++k) {
        if (m.links[k] == t.links[i] && m.slots[k] == last) {
          m.slots[k] = slot;
          break;
        }
      }
    }
    members.pop_back();
  }
  t.active = false;
  t.fresh = false;
  t.rate = 0;
  --active_count_;
  free_ids_.push_back(id);

  seeds_.assign(t.links.begin(), t.links.end());
  seed_transfers_.clear();
  t.links.clear();
  t.slots.clear();
  resolve();
}

double FairShareNetwork::rate(TransferId id) const {
  check_transfer(id, "rate");
  return transfers_[id].rate;
}

double FairShareNetwork::cap_of(TransferId id) const {
  check_transfer(id, "cap_of");
  return transfers_[id].cap;
}

std::span<const LinkId> FairShareNetwork::links_of(TransferId id) const {
  check_transfer(id, "links_of");
  return transfers_[id].links;
}

double FairShareNetwork::link_capacity(LinkId link) const {
  if (link >= links_.size()) throw std::invalid_argument("unknown link " + std::to_string(link));
  return links_[link].capacity;
}

double FairShareNetwork::link_load(LinkId link) const {
  if (link >= links_.size()) throw std::invalid_argument("unknown link " + std::to_string(link));
  return links_[link].load;
}

void FairShareNetwork::check_transfer(TransferId id, const char* what) const {
  if (!active(id)) {
    throw std::invalid_argument(std::string(what) + ": transfer " + std::to_string(id) + " is not active");
  }
}

void FairShareNetwork::resolve() {
  changed_.clear();
  collect_component();
  solve_component();
  std::sort(changed_.begin(), changed_.end());
}

void FairShareNetwork::collect_component() {
  ++stamp_;
  comp_links_.clear();
  comp_transfers_.clear();
  for (const TransferId t : seed_transfers_) {
    if (transfers_[t].seen != stamp_) {
      transfers_[t].seen = stamp_;
      comp_transfers_.push_back(t);
    }
  }
  for (const LinkId l : seeds_) {
    if (links_[l].seen != stamp_) {
      links_[l].seen = stamp_;
      comp_links_.push_back(l);
    }
  }
  // Breadth-first over the bipartite graph of links and the transfers
  // crossing them; both lists double as the queues.
  std::size_t li = 0;
  std::size_t ti = 0;
  while (li < comp_links_.size() || ti < comp_transfers_.size()) {
    for (; li < comp_links_.size(); ++li) {
      for (const TransferId t : links_[comp_links_[li]].members) {
        if (transfers_[t].seen != stamp_) {
          transfers_[t].seen = stamp_;
          comp_transfers_.push_back(t);
        }
      }
    }
    for (; ti < comp_transfers_.size(); ++ti) {
      for (const LinkId l : transfers_[comp_transfers_[ti]].links) {
        if (links_[l].seen != stamp_) {
          links_[l].seen = stamp_;
          comp_links_.push_back(l);
        }
      }
    }
  }
  // Id order, so that the rates depend on the set of active transfers and
  // not on the history of starts and finishes that produced it.
  in_id_order(comp_links_, links_, stamp_);
  in_id_order(comp_transfers_, transfers_, stamp_);
  for (std::size_t i = 0; i < comp_links_.size(); ++i) links_[comp_links_[i]].local = static_cast<std::int32_t>(i);
  for (std::size_t j = 0; j < comp_transfers_.size(); ++j) {
    transfers_[comp_transfers_[j]].local = static_cast<std::int32_t>(j);
  }
}

void FairShareNetwork::solve_component() {
  const std::size_t m = comp_links_.size();
  const std::size_t n = comp_transfers_.size();
  if (n == 0) {
    for (const LinkId l : comp_links_) links_[l].load = 0;
    return;
  }

  // The incidence matrix A in compressed columns, one column per transfer
  // with a row per link it crosses and the number of crossings as value.
  outer_.clear();
  inner_.clear();
  values_.clear();
  outer_.push_back(0);
  for (const TransferId t : comp_transfers_) {
    column_.clear();
    for (const LinkId l : transfers_[t].links) column_.emplace_back(links_[l].local, 1.0);
    std::sort(column_.begin(), column_.end());
    for (std::size_t k = 0; k < column_.size(); ++k) {
      if (k > 0 && column_[k].first == column_[k - 1].first) {
        values_.back() += 1.0;
      } else {
        inner_.push_back(column_[k].first);
        values_.push_back(column_[k].second);
      }
    }
    outer_.push_back(static_cast<int>(inner_.size()));
  }
  const SparseMap a(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(n),
                    static_cast<Eigen::Index>(inner_.size()), outer_.data(), inner_.data(), values_.data());

  fit(capacity_, m, 0.0);
  for (std::size_t i = 0; i < m; ++i) capacity_[i] = links_[comp_links_[i]].capacity;
  fit(frozen_load_, m, 0.0);
  fit(unfrozen_, m, 0.0);
  fit(load_, m, 0.0);
  fit(version_, m, std::uint32_t{0});
  fit(touched_at_, m, std::size_t{0});
  fit(ones_, n, 1.0);
  fit(new_rate_, n, 0.0);
  fit(frozen_, n, char{0});
  auto f = vec(frozen_load_, m);
  auto k = vec(unfrozen_, m);
  k.noalias() = a * vec(ones_, n);

  by_cap_.clear();
  for (std::size_t j = 0; j < n; ++j) {
    if (std::isfinite(transfers_[comp_transfers_[j]].cap)) by_cap_.push_back(static_cast<std::int32_t>(j));
  }
  const auto cap_order = [&](std::int32_t x, std::int32_t y) {
    const double cx = transfers_[comp_transfers_[static_cast<std::size_t>(x)]].cap;
    const double cy = transfers_[comp_transfers_[static_cast<std::size_t>(y)]].cap;
    return cx < cy || (cx == cy && x < y);
  };
  // Often every transfer has the same cap (the single-flow limit).
  if (!std::is_sorted(by_cap_.begin(), by_cap_.end(), cap_order)) std::sort(by_cap_.begin(), by_cap_.end(), cap_order);

  // A link with k unfrozen crossings and frozen load F saturates when the
  // level reaches (c - F) / k; counts are whole numbers, hence > 0.5. The
  // links wait in a min-heap by that level. Freezing a transfer changes the
  // level of its links (never downwards), so they are pushed again under a
  // new version and the old entries are skipped when they surface.
  heap_.clear();
  // The lowest level on top, ties by link, so that the order of equal
  // levels does not depend on the heap's history.
  const auto later = [](const LevelEntry& x, const LevelEntry& y) {
    return x.level > y.level || (x.level == y.level && x.link > y.link);
  };
  const auto push = [&](std::size_t i) {
    if (unfrozen_[i] > 0.5) {
      heap_.push_back({(capacity_[i] - frozen_load_[i]) / unfrozen_[i], static_cast<std::int32_t>(i), version_[i]});
      std::push_heap(heap_.begin(), heap_.end(), later);
    }
  };
  const auto stale = [&](const LevelEntry& e) { return e.version != version_[static_cast<std::size_t>(e.link)]; };
  for (std::size_t i = 0; i < m; ++i) push(i);

  std::size_t round = 0;
  touched_.clear();
  const auto freeze = [&](std::size_t j, double r) {
    frozen_[j] = 1;
    new_rate_[j] = r;
    for (SparseMap::InnerIterator it(a, static_cast<Eigen::Index>(j)); it; ++it) {
      f[it.index()] += it.value() * r;
      k[it.index()] -= it.value();
      const auto i = static_cast<std::size_t>(it.index());
      if (touched_at_[i] != round) {
        touched_at_[i] = round;
        touched_.push_back(i);
      }
    }
  };

  // Progressive filling. All unfrozen transfers share one water level; a
  // round raises it to the lowest level at which a link saturates or a cap
  // binds, and freezes what that stops. Each link saturates at most once.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::size_t left = n;
  std::size_t next_cap = 0;
  double level = 0;
  while (left > 0) {
    ++round;
    const std::size_t left_before = left;
    while (!heap_.empty() && stale(heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
    }
    const double link_level = heap_.empty() ? kInf : heap_.front().level;
    while (next_cap < by_cap_.size() && frozen_[static_cast<std::size_t>(by_cap_[next_cap])]) ++next_cap;
    const double cap_level = next_cap < by_cap_.size()
                                 ? transfers_[comp_transfers_[static_cast<std::size_t>(by_cap_[next_cap])]].cap
                                 : kInf;
    // Rounding can put a link's level a hair under the current one; the
    // level never goes down.
    level = std::max(level, std::min(link_level, cap_level));
    if (!std::isfinite(level)) throw std::logic_error("fair share: a transfer has neither a link nor a cap");

    // Every link saturating at this level (ties included), then their
    // transfers frozen in column order, not in the links' member order
    // (which depends on the history of finishes), so that the sums come out
    // the same for the same set of transfers.
    const double saturated = level * (1 + kRelativeTolerance);
    to_freeze_.clear();
    while (!heap_.empty() && (stale(heap_.front()) || heap_.front().level <= saturated)) {
      const LevelEntry e = heap_.front();
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
      if (e.version != version_[static_cast<std::size_t>(e.link)]) continue;
      for (const TransferId t : links_[comp_links_[static_cast<std::size_t>(e.link)]].members) {
        const auto j = transfers_[t].local;
        if (!frozen_[static_cast<std::size_t>(j)]) to_freeze_.push_back(j);
      }
    }
    std::sort(to_freeze_.begin(), to_freeze_.end());
    for (std::size_t x = 0; x < to_freeze_.size(); ++x) {
      if (x > 0 && to_freeze_[x] == to_freeze_[x - 1]) continue;  // on two saturated links
      freeze(static_cast<std::size_t>(to_freeze_[x]), level);
      --left;
    }
    for (; next_cap < by_cap_.size(); ++next_cap) {
      const auto j = static_cast<std::size_t>(by_cap_[next_cap]);
      if (frozen_[j]) continue;
      const double cap = transfers_[comp_transfers_[j]].cap;
      if (cap > level) break;
      freeze(j, cap);
      --left;
    }
    for (const std::size_t i : touched_) {
      ++version_[i];
      push(i);
    }
    touched_.clear();
    // Each round freezes the transfers of the link or the cap that set the
    // level; a round that froze nothing would repeat forever.
    if (left == left_before) throw std::logic_error("fair share: progressive filling made no progress");
  }

  for (std::size_t j = 0; j < n; ++j) {
    const TransferId id = comp_transfers_[j];
    Transfer& t = transfers_[id];
    if (t.fresh || differs(t.rate, new_rate_[j])) {
      t.rate = new_rate_[j];
      t.fresh = false;
      changed_.push_back(id);
    }
    new_rate_[j] = t.rate;  // the rates kept, for the loads below
  }
  auto load = vec(load_, m);
  load.noalias() = a * vec(new_rate_, n);
  for (std::size_t i = 0; i < m; ++i) links_[comp_links_[i]].load = load_[i];
}

sim::Time time_to_send(double remaining_bytes, double rate) {
  if (!(remaining_bytes > 0)) return sim::Time::ns(0);
  if (!(rate > 0)) return sim::Time::max();
  const double exact = remaining_bytes / rate * 1e9;
  const double whole = std::floor(exact);
  const double ns = exact - whole <= exact * 1e-12 ? whole : whole + 1;
  // 2^63 as a double; anything at or past it does not fit in sim::Time.
  if (!(ns < 9223372036854775808.0)) return sim::Time::max();
  return sim::Time::ns(static_cast<std::int64_t>(ns));
}

double bytes_left(double remaining_bytes, double rate, sim::Time elapsed) {
  const double left = remaining_bytes - rate * (static_cast<double>(elapsed.count()) * 1e-9);
  return left > 0 ? left : 0;
}

}  // namespace eksim::traffic
