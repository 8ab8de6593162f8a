#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <vector>

#include "eksim/sim/random.hpp"
#include "eksim/traffic/fair_share.hpp"

using eksim::sim::RandomStream;
using eksim::sim::Time;
using eksim::traffic::bytes_left;
using eksim::traffic::FairShareNetwork;
using eksim::traffic::LinkId;
using eksim::traffic::time_to_send;
using eksim::traffic::TransferId;

namespace {

constexpr double kTol = 1e-9;

bool near(double a, double b) { return std::abs(a - b) <= kTol * std::max({1.0, std::abs(a), std::abs(b)}); }

TransferId start(FairShareNetwork& net, std::vector<LinkId> links, double cap = FairShareNetwork::kNoCap) {
  return net.start(links, cap);
}

// What a transfer is in a reference description of the network.
struct Spec {
  std::vector<LinkId> links;
  double cap;
};

// The max-min fairness condition (Bertsekas and Gallager, Data Networks,
// 2nd ed., section 6.5.2), checked from the rates alone: no link carries
// more than its capacity, and every transfer is at its cap or has a
// bottleneck, a saturated link on which no transfer is faster. An
// allocation meeting it is the max-min fair one, which is unique.
void check_max_min_fair(const FairShareNetwork& net, const std::vector<double>& capacity,
                        const std::map<TransferId, Spec>& transfers) {
  std::vector<double> load(capacity.size(), 0.0);
  std::vector<double> fastest(capacity.size(), 0.0);
  for (const auto& [id, spec] : transfers) {
    const double r = net.rate(id);
    REQUIRE(r > 0);
    REQUIRE(r <= spec.cap * (1 + kTol));
    for (const LinkId l : spec.links) {
      load[l] += r;
      fastest[l] = std::max(fastest[l], r);
    }
  }
  for (std::size_t l = 0; l < capacity.size(); ++l) {
    INFO("link " << l);
    REQUIRE(load[l] <= capacity[l] * (1 + kTol));
    REQUIRE(near(net.link_load(static_cast<LinkId>(l)), load[l]));
  }
  for (const auto& [id, spec] : transfers) {
    const double r = net.rate(id);
    bool justified = r >= spec.cap * (1 - kTol);
    for (const LinkId l : spec.links) {
      const bool saturated = load[l] >= capacity[l] * (1 - kTol);
      if (saturated && r >= fastest[l] * (1 - kTol)) justified = true;
    }
    INFO("transfer " << id << " rate " << r << " cap " << spec.cap);
    REQUIRE(justified);
  }
}

}  // namespace

TEST_CASE("n transfers on one link get capacity / n each", "[fair_share]") {
  FairShareNetwork net;
  const LinkId l = net.add_link(1000.0);
  std::vector<TransferId> ids;
  for (int n = 1; n <= 5; ++n) {
    ids.push_back(start(net, {l}));
    for (const TransferId id : ids) CHECK(net.rate(id) == Approx(1000.0 / n));
    CHECK(net.link_load(l) == Approx(1000.0));
    // The newcomer and every transfer it slowed down.
    CHECK(net.changed().size() == ids.size());
  }
  net.finish(ids[0]);
  for (std::size_t i = 1; i < ids.size(); ++i) CHECK(net.rate(ids[i]) == Approx(250.0));
  CHECK(net.changed().size() == 4);
}

TEST_CASE("parking lot: a long transfer across three links and short ones on each", "[fair_share]") {
  // Links of 10, 4 and 10 bytes/s in a row. The long transfer crosses all
  // three; one short transfer crosses link 0, one link 1, two link 2.
  // By hand: the level rises to 2, where link 1 (4 shared by 2) saturates:
  // the long one and short-1 freeze at 2. Link 0 then has 10 - 2 = 8 for
  // short-0 alone; link 2 has 10 - 2 = 8 for its two: 4 each.
  FairShareNetwork net;
  const LinkId a = net.add_link(10);
  const LinkId b = net.add_link(4);
  const LinkId c = net.add_link(10);
  const TransferId lng = start(net, {a, b, c});
  const TransferId s0 = start(net, {a});
  const TransferId s1 = start(net, {b});
  const TransferId s2a = start(net, {c});
  const TransferId s2b = start(net, {c});
  CHECK(net.rate(lng) == Approx(2));
  CHECK(net.rate(s1) == Approx(2));
  CHECK(net.rate(s0) == Approx(8));
  CHECK(net.rate(s2a) == Approx(4));
  CHECK(net.rate(s2b) == Approx(4));
  CHECK(net.link_load(a) == Approx(10));
  CHECK(net.link_load(b) == Approx(4));
  CHECK(net.link_load(c) == Approx(10));
}

TEST_CASE("parking lot of equal links: every transfer gets half", "[fair_share]") {
  // The textbook case (Bertsekas and Gallager, section 6.5.2): three unit
  // links, a session across all of them and one per link; max-min gives
  // everyone 1/2, where maximum throughput would starve the long session.
  FairShareNetwork net;
  std::vector<LinkId> links{net.add_link(1), net.add_link(1), net.add_link(1)};
  const TransferId lng = net.start(links);
  std::vector<TransferId> shorts;
  for (const LinkId l : links) shorts.push_back(start(net, {l}));
  CHECK(net.rate(lng) == Approx(0.5));
  for (const TransferId s : shorts) CHECK(net.rate(s) == Approx(0.5));
}

TEST_CASE("a cap below the fair share binds and leaves the rest to the others", "[fair_share]") {
  FairShareNetwork net;
  const LinkId l = net.add_link(100);
  const TransferId capped = start(net, {l}, 10);
  const TransferId loose = start(net, {l}, 50);  // above its share of 30: does not bind
  const TransferId x = start(net, {l});
  const TransferId y = start(net, {l});
  CHECK(net.rate(capped) == 10);  // exactly the cap
  CHECK(net.rate(loose) == Approx(30));
  CHECK(net.rate(x) == Approx(30));
  CHECK(net.rate(y) == Approx(30));
}

TEST_CASE("EC2's single-flow limit leaves a NIC unsaturated", "[fair_share]") {
  // 25 Gbps NIC, three flows each held to 5 Gbps: 15 of 25 Gbps used.
  FairShareNetwork net;
  const LinkId nic = net.add_link(25e9 / 8);
  for (int i = 0; i < 3; ++i) start(net, {nic}, 5e9 / 8);
  for (TransferId id = 0; id < 3; ++id) CHECK(net.rate(id) == 5e9 / 8);
  CHECK(net.link_load(nic) == Approx(15e9 / 8));
}

TEST_CASE("a transfer across two links is held by the narrower", "[fair_share]") {
  FairShareNetwork net;
  const LinkId wide = net.add_link(100);
  const LinkId narrow = net.add_link(40);
  const TransferId both = start(net, {wide, narrow});
  CHECK(net.rate(both) == Approx(40));
  const TransferId other = start(net, {wide});
  CHECK(net.rate(both) == Approx(40));
  CHECK(net.rate(other) == Approx(60));
  // Only the newcomer moved: the narrow link still binds the first.
  CHECK(std::vector<TransferId>(net.changed().begin(), net.changed().end()) == std::vector<TransferId>{other});
}

TEST_CASE("a link crossed twice carries the rate twice", "[fair_share]") {
  // A hairpin through a NAT gateway crosses its link out and back. On a
  // link of 9 with a hairpin and a plain transfer, the level rises until
  // 2r + r = 9: both get 3.
  FairShareNetwork net;
  const LinkId l = net.add_link(9);
  const TransferId hairpin = start(net, {l, l});
  const TransferId plain = start(net, {l});
  CHECK(net.rate(hairpin) == Approx(3));
  CHECK(net.rate(plain) == Approx(3));
  CHECK(net.link_load(l) == Approx(9));
  net.finish(hairpin);
  CHECK(net.rate(plain) == Approx(9));
  const TransferId again = start(net, {l, l});
  net.finish(plain);
  CHECK(net.rate(again) == Approx(4.5));  // 2r = 9
  CHECK(net.link_load(l) == Approx(9));
}

TEST_CASE("only the touched component is re-solved and reported", "[fair_share]") {
  FairShareNetwork net;
  const LinkId a = net.add_link(10);
  const LinkId b = net.add_link(10);
  const TransferId on_a = start(net, {a});
  const TransferId on_b = start(net, {b});
  const TransferId on_b2 = start(net, {b});
  CHECK(std::vector<TransferId>(net.changed().begin(), net.changed().end()) ==
        std::vector<TransferId>{on_b, on_b2});
  const TransferId capped_alone = net.start({}, 7);
  CHECK(net.rate(capped_alone) == 7);
  CHECK(net.changed().size() == 1);
  net.finish(on_b);
  CHECK(std::vector<TransferId>(net.changed().begin(), net.changed().end()) == std::vector<TransferId>{on_b2});
  CHECK(net.rate(on_a) == 10);
  CHECK(net.rate(on_b2) == 10);
  // A degraded link slows its own transfers only.
  net.set_link_capacity(a, 4);
  CHECK(net.rate(on_a) == 4);
  CHECK(std::vector<TransferId>(net.changed().begin(), net.changed().end()) == std::vector<TransferId>{on_a});
}

TEST_CASE("ids are recycled after finish", "[fair_share]") {
  FairShareNetwork net;
  const LinkId l = net.add_link(10);
  const TransferId x = start(net, {l});
  const TransferId y = start(net, {l});
  net.finish(x);
  CHECK_FALSE(net.active(x));
  CHECK(start(net, {l}) == x);
  CHECK(net.active_count() == 2);
  CHECK(net.rate(y) == Approx(5));
}

TEST_CASE("bad calls are refused with a reason", "[fair_share]") {
  FairShareNetwork net;
  CHECK_THROWS_WITH(net.add_link(0), Catch::Contains("above 0"));
  CHECK_THROWS_AS(net.add_link(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(net.add_link(FairShareNetwork::kNoCap), std::invalid_argument);
  const LinkId l = net.add_link(1);
  CHECK_THROWS_WITH(start(net, {l + 1}), Catch::Contains("unknown link 1"));
  CHECK_THROWS_WITH(net.start({}), Catch::Contains("finite cap"));
  CHECK_THROWS_AS(start(net, {l}, 0), std::invalid_argument);
  CHECK_THROWS_WITH(net.finish(3), Catch::Contains("not active"));
  CHECK_THROWS_AS(net.rate(0), std::invalid_argument);
  CHECK(net.active_count() == 0);
}

TEST_CASE("random networks are max-min fair, incrementally as from scratch", "[fair_share]") {
  RandomStream rng(7, 0, "fair-share-test", "networks");
  for (int round = 0; round < 60; ++round) {
    const std::size_t n_links = 1 + rng.uniform_below(8);
    std::vector<double> capacity;
    FairShareNetwork net;
    for (std::size_t l = 0; l < n_links; ++l) {
      // Round numbers half of the time, so that ties between links and
      // caps (several saturating at one level) come up.
      capacity.push_back(rng.uniform01() < 0.5 ? 10.0 * static_cast<double>(1 + rng.uniform_below(5))
                                               : 1 + 99 * rng.uniform01());
      net.add_link(capacity.back());
    }
    std::map<TransferId, Spec> active;
    for (int step = 0; step < 80; ++step) {
      std::map<TransferId, double> before;
      for (const auto& [id, spec] : active) before[id] = net.rate(id);

      TransferId touched;
      const bool starting = active.empty() || rng.uniform01() < 0.6;
      if (starting) {
        Spec spec;
        const std::size_t hops = 1 + rng.uniform_below(std::min<std::size_t>(3, n_links));
        while (spec.links.size() < hops) {
          const auto l = static_cast<LinkId>(rng.uniform_below(n_links));
          if (std::find(spec.links.begin(), spec.links.end(), l) == spec.links.end()) spec.links.push_back(l);
        }
        // Now and then a hairpin: a link crossed twice.
        if (rng.uniform01() < 0.1) spec.links.push_back(spec.links.front());
        const double u = rng.uniform01();
        spec.cap = u < 0.2 ? 5.0 * static_cast<double>(1 + rng.uniform_below(4))
                           : u < 0.4 ? 1 + 49 * rng.uniform01() : FairShareNetwork::kNoCap;
        touched = net.start(spec.links, spec.cap);
        REQUIRE(active.count(touched) == 0);
        active[touched] = spec;
      } else {
        auto it = active.begin();
        std::advance(it, static_cast<long>(rng.uniform_below(active.size())));
        touched = it->first;
        net.finish(touched);
        active.erase(it);
      }
      INFO("round " << round << " step " << step);
      REQUIRE(net.active_count() == active.size());
      check_max_min_fair(net, capacity, active);

      // changed(): sorted, holds the newcomer and every transfer whose rate
      // moved, and a transfer not listed kept its rate bit for bit.
      const std::vector<TransferId> changed(net.changed().begin(), net.changed().end());
      REQUIRE(std::is_sorted(changed.begin(), changed.end()));
      const auto listed = [&](TransferId id) { return std::binary_search(changed.begin(), changed.end(), id); };
      if (starting) REQUIRE(listed(touched));
      for (const auto& [id, r] : before) {
        if (!active.count(id)) continue;
        if (!listed(id)) REQUIRE(net.rate(id) == r);
      }

      // The same transfers started in one go on a new network.
      FairShareNetwork fresh;
      for (const double c : capacity) fresh.add_link(c);
      for (const auto& [id, spec] : active) {
        const TransferId f = fresh.start(spec.links, spec.cap);
        (void)f;
      }
      TransferId f = 0;
      for (const auto& [id, spec] : active) {
        REQUIRE(near(net.rate(id), fresh.rate(f)));
        ++f;
      }
    }
  }
}

TEST_CASE("time to send rounds up to whole nanoseconds", "[fair_share]") {
  // 1 MB at 10 Gbps (1.25 GB/s) is 800 us exactly.
  CHECK(time_to_send(1e6, 1.25e9) == Time::us(800));
  // 1,250 bytes at 1.25 GB/s: 1,000 ns, not 1,001 from binary rounding.
  CHECK(time_to_send(1250, 1.25e9) == Time::ns(1000));
  // 1,000 bytes at 3 GB/s is 333.3 ns: the event comes at 334, never early.
  CHECK(time_to_send(1000, 3e9) == Time::ns(334));
  CHECK(time_to_send(1e-3, 1e9) == Time::ns(1));
  CHECK(time_to_send(0, 1e9) == Time::ns(0));
  CHECK(time_to_send(-1, 1e9) == Time::ns(0));
  CHECK(time_to_send(1, 0) == Time::max());
  CHECK(time_to_send(1e30, 1) == Time::max());
}

TEST_CASE("bytes left after a stretch at one rate", "[fair_share]") {
  CHECK(bytes_left(1000, 1e9, Time::ns(400)) == Approx(600));
  CHECK(bytes_left(1000, 1e9, Time::us(2)) == 0);
  CHECK(bytes_left(1000, 1e9, Time::ns(0)) == 1000);
  // A transfer that slows half way: 1 MB, 500 us at 1 GB/s leaves 500 kB,
  // which at 0.5 GB/s takes another 1 ms.
  const double left = bytes_left(1e6, 1e9, Time::us(500));
  CHECK(left == Approx(5e5));
  CHECK(time_to_send(left, 5e8) == Time::ms(1));
}
