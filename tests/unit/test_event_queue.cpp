// Both event queues (the radix queue the simulator uses and the 4-ary heap
// kept as its reference) against an independent reference: a stable sort of
// (time, insertion order).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "eksim/sim/event_queue.hpp"
#include "eksim/sim/heap_event_queue.hpp"
#include "eksim/sim/random.hpp"

using eksim::sim::Event;
using eksim::sim::EventHandle;
using eksim::sim::EventQueue;
using eksim::sim::HeapEventQueue;
using eksim::sim::RandomStream;
using eksim::sim::Time;

namespace {
void noop(std::uint64_t) {}
}  // namespace

TEMPLATE_TEST_CASE("one million random events with many ties pop in (time, insertion) order", "[queue]", EventQueue,
                   HeapEventQueue) {
  constexpr std::size_t kEvents = 1'000'000;
  RandomStream rng(7, 0, "queue-test", "times");
  TestType q;
  const auto h = eksim::sim::handler_id<&noop>();
  struct Ref {
    std::int64_t time;
    std::uint64_t id;
  };
  std::vector<Ref> ref;
  ref.reserve(kEvents);
  for (std::uint64_t id = 0; id < kEvents; ++id) {
    // Only 5,000 distinct times, so ties are everywhere.
    const auto t = static_cast<std::int64_t>(rng.uniform_below(5'000)) * 1'000;
    q.push(Time::ns(t), h, id);
    ref.push_back({t, id});
  }
  std::stable_sort(ref.begin(), ref.end(), [](const Ref& a, const Ref& b) { return a.time < b.time; });
  Event e;
  std::size_t i = 0;
  bool all_match = true;
  while (q.pop(e)) {
    if (i >= kEvents || e.time.count() != ref[i].time || e.context != ref[i].id) all_match = false;
    ++i;
  }
  CHECK(i == kEvents);
  CHECK(all_match);
}

TEMPLATE_TEST_CASE("events interleaved with pops keep (time, insertion) order", "[queue]", EventQueue,
                   HeapEventQueue) {
  // A hold-like workload: each pop schedules 0-2 new events in the future or
  // at the current instant, checked against a brute-force reference.
  RandomStream rng(11, 0, "queue-test", "interleaved");
  TestType q;
  const auto h = eksim::sim::handler_id<&noop>();
  struct Ref {
    std::int64_t time;
    std::uint64_t seq;
  };
  std::vector<Ref> pending;  // unsorted reference set
  std::uint64_t seq = 0;
  for (int i = 0; i < 200; ++i) {
    const auto t = static_cast<std::int64_t>(rng.uniform_below(100));
    q.push(Time::ns(t), h, seq);
    pending.push_back({t, seq++});
  }
  Event e;
  int popped = 0;
  bool ok = true;
  while (q.pop(e)) {
    auto it = std::min_element(pending.begin(), pending.end(), [](const Ref& a, const Ref& b) {
      return a.time < b.time || (a.time == b.time && a.seq < b.seq);
    });
    if (it->seq != e.context || it->time != e.time.count()) ok = false;
    pending.erase(it);
    if (++popped < 20'000) {
      const auto n = rng.uniform_below(3);
      for (std::uint64_t k = 0; k < n; ++k) {
        // 0 (same instant) up to 3 windows of 16 ns ahead, and now and then far.
        const auto dt = rng.uniform_below(8) == 0 ? static_cast<std::int64_t>(rng.uniform_below(100'000))
                                                  : static_cast<std::int64_t>(rng.uniform_below(48));
        q.push(e.time + Time::ns(dt), h, seq);
        pending.push_back({e.time.count() + dt, seq++});
      }
    }
  }
  CHECK(ok);
  CHECK(pending.empty());
}

TEMPLATE_TEST_CASE("dense windows: hundreds of events a nanosecond, new ones landing among them", "[queue]",
                   EventQueue, HeapEventQueue) {
  // The regime of a million pending events: a 16 ns window holds thousands of
  // events, hundreds at each nanosecond, and events scheduled while it is
  // being taken land at its own later nanoseconds, at the current one and in
  // the next windows. Each must still come after every older event of its time.
  RandomStream rng(23, 0, "queue-test", "dense");
  TestType q;
  const auto h = eksim::sim::handler_id<&noop>();
  std::set<std::pair<std::int64_t, std::uint64_t>> pending;  // (time, insertion): the reference order
  std::uint64_t seq = 0;
  for (int i = 0; i < 20'000; ++i) {
    const auto t = static_cast<std::int64_t>(rng.uniform_below(64));
    q.push(Time::ns(t), h, seq);
    pending.emplace(t, seq++);
  }
  Event e;
  std::uint64_t popped = 0;
  std::uint64_t mismatches = 0;
  while (q.pop(e)) {
    const auto expected = *pending.begin();
    if (expected.first != e.time.count() || expected.second != e.context) ++mismatches;
    pending.erase(pending.find({e.time.count(), e.context}));
    if (++popped < 60'000) {
      for (std::uint64_t k = rng.uniform_below(3); k > 0; --k) {
        const auto dt = static_cast<std::int64_t>(rng.uniform_below(40));  // 0: the current instant
        q.push(e.time + Time::ns(dt), h, seq);
        pending.emplace(e.time.count() + dt, seq++);
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(popped > 60'000);
  CHECK(pending.empty());
}

TEMPLATE_TEST_CASE("events at the same time run first-in first-out", "[queue]", EventQueue, HeapEventQueue) {
  TestType q;
  const auto h = eksim::sim::handler_id<&noop>();
  for (std::uint64_t i = 0; i < 100; ++i) q.push(Time::us(5), h, i);
  q.push(Time::us(1), h, 1000);
  Event e;
  REQUIRE(q.pop(e));
  CHECK(e.context == 1000);
  for (std::uint64_t i = 0; i < 100; ++i) {
    REQUIRE(q.pop(e));
    CHECK(e.context == i);
    CHECK(e.time == Time::us(5));
    // Events added at the current instant go after those already due now.
    if (i == 0) q.push(Time::us(5), h, 2000);
  }
  REQUIRE(q.pop(e));
  CHECK(e.context == 2000);
  CHECK_FALSE(q.pop(e));
}

TEMPLATE_TEST_CASE("cancelled events never run and stale handles are harmless", "[queue]", EventQueue, HeapEventQueue) {
  TestType q;
  const auto h = eksim::sim::handler_id<&noop>();
  std::vector<EventHandle> handles;
  for (std::uint64_t i = 0; i < 10; ++i) handles.push_back(q.push_cancellable(Time::us(static_cast<std::int64_t>(i)), h, i));
  CHECK(q.cancel(handles[3]));
  CHECK(q.cancel(handles[0]));
  CHECK_FALSE(q.cancel(handles[3]));  // twice
  CHECK_FALSE(q.cancel(EventHandle{}));
  CHECK(q.size() == 8);
  CHECK(q.next_time() == Time::us(1));
  std::vector<std::uint64_t> ran;
  Event e;
  while (q.pop(e)) {
    ran.push_back(e.context);
    // Slots are reused after an event runs: the old handle must not cancel
    // the new event that now occupies its slot.
    if (e.context == 5) {
      q.push(Time::us(100), h, 99);
      CHECK_FALSE(q.cancel(handles[5]));
    }
  }
  CHECK(ran == std::vector<std::uint64_t>{1, 2, 4, 5, 6, 7, 8, 9, 99});
}

TEMPLATE_TEST_CASE("mass cancellation compacts without changing order", "[queue]", EventQueue, HeapEventQueue) {
  TestType q;
  const auto h = eksim::sim::handler_id<&noop>();
  std::vector<EventHandle> handles;
  for (std::uint64_t i = 0; i < 50'000; ++i) {
    handles.push_back(q.push_cancellable(Time::ns(static_cast<std::int64_t>((i * 7919) % 50'000)), h, i));
  }
  for (std::uint64_t i = 0; i < 50'000; ++i) {
    if (i % 10 != 0) CHECK(q.cancel(handles[i]));
  }
  CHECK(q.size() == 5'000);
  Event e;
  std::int64_t last = -1;
  std::size_t n = 0;
  bool ok = true;
  while (q.pop(e)) {
    if (e.context % 10 != 0 || e.time.count() < last) ok = false;
    last = e.time.count();
    ++n;
  }
  CHECK(ok);
  CHECK(n == 5'000);
}

TEST_CASE("the heap's 32-bit sequence wraps without breaking FIFO order", "[queue]") {
  HeapEventQueue q;
  const auto h = eksim::sim::handler_id<&noop>();
  q.debug_set_sequence(0xFFFFFFFFu - 5);
  for (std::uint64_t i = 0; i < 20; ++i) q.push(Time::us(1 + static_cast<std::int64_t>(i % 2)), h, i);
  Event e;
  std::vector<std::uint64_t> order;
  while (q.pop(e)) order.push_back(e.context);
  CHECK(order == std::vector<std::uint64_t>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19});
}

TEST_CASE("a pending plain event costs at most 32 bytes", "[queue]") {
  constexpr std::size_t kN = 100'000;
  EventQueue q;
  q.reserve(kN);
  RandomStream rng(3, 0, "queue-test", "memory");
  const auto h = eksim::sim::handler_id<&noop>();
  for (std::uint64_t i = 0; i < kN; ++i) q.push(rng.exponential(Time::us(1)), h, i);
  CHECK(q.memory_bytes() <= 32 * kN);
}

TEST_CASE("a context wider than 48 bits is refused, not truncated", "[queue]") {
  EventQueue q;
  const auto h = eksim::sim::handler_id<&noop>();
  CHECK_THROWS_AS(q.push(Time::us(1), h, std::uint64_t{1} << 48), std::invalid_argument);
  q.push(Time::us(1), h, (std::uint64_t{1} << 48) - 1);
  Event e;
  REQUIRE(q.pop(e));
  CHECK(e.context == (std::uint64_t{1} << 48) - 1);
}

TEMPLATE_TEST_CASE("a cancelled event never moves the clock", "[queue]", EventQueue, HeapEventQueue) {
  TestType q;
  const auto h = eksim::sim::handler_id<&noop>();
  const EventHandle late = q.push_cancellable(Time::us(10), h, 10);
  q.push(Time::us(5), h, 5);
  CHECK(q.cancel(late));
  Event e;
  REQUIRE(q.pop(e));
  CHECK(e.context == 5);
  CHECK_FALSE(q.pop(e));
  CHECK(q.now() == Time::us(5));
  CHECK(q.next_time() == Time::max());
  // Earlier than the cancelled event, later than now: still runs, in order.
  q.push(Time::us(7), h, 7);
  q.push(Time::us(6), h, 6);
  REQUIRE(q.pop(e));
  CHECK(e.context == 6);
  REQUIRE(q.pop(e));
  CHECK(e.context == 7);
}

TEMPLATE_TEST_CASE("pop stops at the limit and the clock can be advanced", "[queue]", EventQueue, HeapEventQueue) {
  TestType q;
  const auto h = eksim::sim::handler_id<&noop>();
  q.push(Time::us(3), h, 3);
  q.push(Time::us(9), h, 9);
  Event e;
  REQUIRE(q.pop(e, Time::us(5)));
  CHECK(e.context == 3);
  CHECK_FALSE(q.pop(e, Time::us(5)));
  CHECK(q.next_time() == Time::us(9));
  q.advance_to(Time::us(5));
  CHECK(q.now() == Time::us(5));
  CHECK_THROWS(q.advance_to(Time::us(10)));  // an event at 9 is pending
  q.push(Time::us(5), h, 55);                // at the new now: runs before 9
  q.push(Time::us(9), h, 99);                // same time as a pending one: after it
  std::vector<std::uint64_t> order;
  while (q.pop(e)) order.push_back(e.context);
  CHECK(order == std::vector<std::uint64_t>{55, 9, 99});
}

TEST_CASE("the radix queue and the heap agree under random operations", "[queue]") {
  // The heap is simple and checked against a sorted reference above; here
  // it is the oracle for random mixes of pushes near and far, pushes for
  // the current instant, cancellations, limited pops and clock advances.
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    RandomStream rng(seed, 0, "queue-test", "differential");
    EventQueue radix;
    HeapEventQueue heap;
    const auto h = eksim::sim::handler_id<&noop>();
    std::vector<std::pair<EventHandle, EventHandle>> handles;
    std::uint64_t id = 0;
    bool agree = true;
    for (int step = 0; step < 60'000 && agree; ++step) {
      const Time now = std::max(radix.now(), heap.now());
      switch (rng.uniform_below(10)) {
        case 0:
        case 1:
        case 2:
        case 3: {
          static constexpr std::int64_t kScales[] = {0, 3, 17, 300, 5'000, 1'000'000, 1'000'000'000};
          const std::int64_t scale = kScales[rng.uniform_below(7)];
          const Time at = now + Time::ns(scale == 0 ? 0 : static_cast<std::int64_t>(rng.uniform_below(scale)));
          if (rng.uniform_below(3) == 0) {
            handles.emplace_back(radix.push_cancellable(at, h, id), heap.push_cancellable(at, h, id));
          } else {
            radix.push(at, h, id);
            heap.push(at, h, id);
          }
          ++id;
          break;
        }
        case 4:
          if (!handles.empty()) {
            const auto& [a, b] = handles[rng.uniform_below(handles.size())];
            agree = radix.cancel(a) == heap.cancel(b);
          }
          break;
        case 5:
          agree = radix.next_time() == heap.next_time();
          break;
        case 6: {
          const Time limit = now + Time::ns(static_cast<std::int64_t>(rng.uniform_below(2'000)));
          Event a{};
          Event b{};
          const bool ra = radix.pop(a, limit);
          const bool rb = heap.pop(b, limit);
          agree = ra == rb && (!ra || (a.time == b.time && a.context == b.context));
          break;
        }
        case 7: {
          const Time next = std::min(radix.next_time(), heap.next_time());
          const Time to = std::min(next, now + Time::ns(static_cast<std::int64_t>(rng.uniform_below(50))));
          if (to >= now) {
            radix.advance_to(to);
            heap.advance_to(to);
          }
          break;
        }
        default: {
          Event a{};
          Event b{};
          const bool ra = radix.pop(a);
          const bool rb = heap.pop(b);
          agree = ra == rb && (!ra || (a.time == b.time && a.context == b.context));
        }
      }
      agree = agree && radix.size() == heap.size();
    }
    Event a{};
    Event b{};
    while (agree && heap.pop(b)) agree = radix.pop(a) && a.time == b.time && a.context == b.context;
    INFO("seed " << seed);
    CHECK(agree);
    CHECK(radix.empty());
  }
}
