// Max-min fair bandwidth sharing between concurrent transfers: the
// flow-level network model of SimGrid (Casanova et al., "Versatile, scalable
// and accurate simulation of distributed applications and platforms", JPDC
// 2014), where a transfer is a fluid flow and links are shared constraints,
// instead of packets.
//
// Links have capacities in bytes/s. Each active transfer crosses a few links
// and may have its own rate cap (EC2's 5 Gbps single-flow limit, a
// per-attachment cap). The allocation is the max-min fair one, computed by
// progressive filling: every unfrozen transfer's rate rises at the same pace
// until a link saturates (its transfers freeze at that level) or a transfer
// reaches its cap (it freezes there); repeat until all are frozen. The
// result: each transfer is at its cap or crosses a saturated link on which
// no transfer is faster (its bottleneck).
//
// The solve works on the flow-to-link incidence matrix A (links x transfers,
// A(l, t) = how many times t crosses l) held as an Eigen sparse matrix over
// reused buffers: per-link unfrozen counts are A*u, the final link loads A*r,
// and freezing a transfer walks its column. The links wait in a min-heap by
// the level at which they saturate, so a solve costs O(nnz log nnz) for a
// component with nnz link crossings, not O(links) per distinct level.
//
// Incremental, for a discrete-event simulation in which transfers start and
// finish all the time: start() and finish() re-solve only the connected
// component (links joined by the transfers crossing them) that the change
// touches, and changed() lists the transfers whose rate moved, so the
// simulator reschedules only their completion events. Every buffer is kept
// between calls and transfer ids are recycled, so a steady churn of
// transfers allocates nothing. Iteration orders are those of the calls made
// (no hashing), so the same calls give the same rates, bit for bit.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "eksim/sim/time.hpp"

namespace eksim::traffic {

using LinkId = std::uint32_t;
using TransferId = std::uint32_t;

class FairShareNetwork {
 public:
  static constexpr double kNoCap = std::numeric_limits<double>::infinity();

  // Rates within this relative distance of the previous solve's are kept as
  // they were and not reported in changed(): a re-solve of a component in a
  // new order can move a rate by a few ulps, and rescheduling a completion
  // event for that would be churn for nothing. A link may therefore carry up
  // to this fraction more than its capacity.
  static constexpr double kRelativeTolerance = 1e-12;

  // A link of `capacity` bytes/s (finite, > 0). Throws std::invalid_argument
  // otherwise.
  LinkId add_link(double capacity);
  // Changes a link's capacity (a degraded attachment, a failover) and
  // re-solves the transfers that share it; changed() lists those that moved.
  void set_link_capacity(LinkId link, double capacity);

  // A transfer crossing `links` (a link listed twice is crossed twice, as by
  // a hairpin, and carries twice the rate), capped at `cap` bytes/s (> 0,
  // kNoCap for none). It must cross a link or have a finite cap, else its
  // rate would be unbounded. Returns its id, which is reused after
  // finish(). changed() then lists it and every transfer it slowed down.
  // Throws std::invalid_argument for an unknown link or a bad cap.
  TransferId start(std::span<const LinkId> links, double cap = kNoCap);
  // Ends a transfer; changed() then lists the transfers that sped up.
  // Throws std::invalid_argument if `id` is not active.
  void finish(TransferId id);

  // Current rate in bytes/s of an active transfer. Throws
  // std::invalid_argument if `id` is not active.
  [[nodiscard]] double rate(TransferId id) const;
  [[nodiscard]] bool active(TransferId id) const {
    return id < transfers_.size() && transfers_[id].active;
  }
  // Transfers whose rate changed at the last start(), finish() or
  // set_link_capacity(), in increasing id order (a finished one is not
  // listed). Valid until the next such call.
  [[nodiscard]] std::span<const TransferId> changed() const { return changed_; }

  [[nodiscard]] std::size_t link_count() const { return links_.size(); }
  [[nodiscard]] std::size_t active_count() const { return active_count_; }
  [[nodiscard]] double link_capacity(LinkId link) const;
  // Sum of the rates crossing the link, as of the last solve that touched it.
  [[nodiscard]] double link_load(LinkId link) const;
  // The links a transfer crosses, in the order given to start().
  [[nodiscard]] std::span<const LinkId> links_of(TransferId id) const;
  [[nodiscard]] double cap_of(TransferId id) const;

 private:
  struct Link {
    double capacity = 0;
    double load = 0;
    // Active transfers crossing this link, one entry per crossing; the
    // transfer keeps each entry's position (slots) for O(1) removal.
    std::vector<TransferId> members;
    std::uint64_t seen = 0;  // BFS stamp
    std::int32_t local = -1;  // row in the component being solved
  };
  struct Transfer {
    std::vector<LinkId> links;
    std::vector<std::uint32_t> slots;  // links[i] sits at members[slots[i]]
    double cap = kNoCap;
    double rate = 0;
    std::uint64_t seen = 0;
    std::int32_t local = -1;  // column in the component being solved
    bool active = false;
    bool fresh = false;  // started since the last solve: always reported
  };

  // A link of the component waiting to saturate, in the solver's heap.
  struct LevelEntry {
    double level;
    std::int32_t link;
    std::uint32_t version;
  };

  void check_transfer(TransferId id, const char* what) const;
  // Collects the component(s) reachable from the links in seeds_ (and the
  // transfers in seed_transfers_), solves them and fills changed_.
  void resolve();
  void collect_component();
  void solve_component();

  std::vector<Link> links_;
  std::vector<Transfer> transfers_;
  std::vector<TransferId> free_ids_;
  std::size_t active_count_ = 0;
  std::uint64_t stamp_ = 0;

  // Scratch, kept between calls so that steady churn allocates nothing.
  std::vector<LinkId> seeds_;
  std::vector<TransferId> seed_transfers_;
  std::vector<LinkId> comp_links_;
  std::vector<TransferId> comp_transfers_;
  std::vector<int> outer_;       // CSC column starts of A (one column per transfer)
  std::vector<int> inner_;       // CSC row (local link) indices
  std::vector<double> values_;   // crossings
  std::vector<double> capacity_;  // per local link
  std::vector<double> frozen_load_;  // per local link: rates of frozen transfers
  std::vector<double> unfrozen_;     // per local link: A*u, crossings still rising
  std::vector<double> ones_;         // per local transfer
  std::vector<double> new_rate_;     // per local transfer
  std::vector<double> load_;         // per local link: A*r
  std::vector<std::uint32_t> version_;  // per local link: bumped when its level changes
  std::vector<std::size_t> touched_at_;  // per local link: last round that changed it
  std::vector<std::size_t> touched_;     // local links changed this round
  std::vector<LevelEntry> heap_;         // links by saturation level
  std::vector<char> frozen_;         // per local transfer
  std::vector<std::int32_t> by_cap_;  // local transfers with a finite cap, by cap
  std::vector<std::int32_t> to_freeze_;  // local transfers on links saturating this round
  std::vector<std::pair<int, double>> column_;  // one column while building A
  std::vector<TransferId> changed_;
};

// Helpers for a discrete-event simulation that keeps each transfer's
// remaining bytes as a double and its completion as an event.

// Time to send `remaining_bytes` at `rate` bytes/s, rounded up to a whole
// nanosecond so that a completion event is never early. A quotient within
// one part in 10^12 above an integer counts as that integer, so that binary
// rounding does not add a nanosecond to an exact case (1,250 bytes at
// 1.25 GB/s is 1,000 ns). remaining_bytes <= 0 takes 0 ns; a rate of 0, or
// a time beyond sim::Time::max(), gives sim::Time::max() (never).
[[nodiscard]] sim::Time time_to_send(double remaining_bytes, double rate);

// Bytes left after sending at `rate` for `elapsed`: remaining - rate *
// elapsed in double, never below 0. Call it when a transfer's rate changes,
// with the time since its last update, before taking the new rate.
[[nodiscard]] double bytes_left(double remaining_bytes, double rate, sim::Time elapsed);

}  // namespace eksim::traffic
