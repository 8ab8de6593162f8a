#include <catch2/catch.hpp>

#include <stdexcept>

#include "eksim/sim/statistics.hpp"

using eksim::sim::Counter;
using eksim::sim::Time;
using eksim::sim::TimeSeries;
using eksim::sim::TimeWeighted;

TEST_CASE("a counter adds, merges and resets", "[statistics]") {
  Counter c;
  CHECK(c.value() == 0);
  c.add();
  c.add(41);
  ++c;
  CHECK(c.value() == 43);
  Counter other;
  other.add(7);
  c.merge(other);
  CHECK(c.value() == 50);
  c.reset();
  CHECK(c.value() == 0);
}

TEST_CASE("time-weighted mean over a hand-worked timeline", "[statistics]") {
  // Level 0 on [0, 2s), 3 on [2s, 3s), 1 on [3s, 4s): area 3 + 1 = 4 level-s.
  TimeWeighted tw;
  tw.set(Time::s(2), 3.0);
  // Partial interval: at 2.5 s the area is 0.5 s x 3 = 1.5 level-s.
  CHECK(tw.mean(Time::ms(2500)) == Approx(0.6).epsilon(1e-15));
  tw.set(Time::s(3), 1.0);
  CHECK(tw.mean(Time::s(4)) == 1.0);
  CHECK(tw.area(Time::s(4)) == 4e9L);
  CHECK(tw.max() == 3.0);
  CHECK(tw.min() == 0.0);
  CHECK(tw.level() == 1.0);
  // Level drops to 0 at 4 s; over 8 s the area stays 4 level-s.
  tw.set(Time::s(4), 0.0);
  CHECK(tw.mean(Time::s(8)) == 0.5);
}

TEST_CASE("time-weighted queue length from +1/-1 steps", "[statistics]") {
  // Arrivals at 0 and 1 s, departures at 3 s and 4 s:
  // 1 on [0,1), 2 on [1,3), 1 on [3,4), 0 after. Area 1 + 4 + 1 = 6 level-s.
  TimeWeighted q;
  q.add(Time::s(0), +1);
  q.add(Time::s(1), +1);
  q.add(Time::s(3), -1);
  q.add(Time::s(4), -1);
  CHECK(q.level() == 0.0);
  CHECK(q.mean(Time::s(4)) == 1.5);
  CHECK(q.mean(Time::s(6)) == 1.0);
  CHECK(q.max() == 2.0);
}

TEST_CASE("time-weighted mean with a non-zero start and nanosecond steps", "[statistics]") {
  TimeWeighted tw(Time::s(10), 2.0);
  CHECK(tw.mean(Time::s(10)) == 2.0);  // empty interval: the current level
  tw.set(Time::s(12), 4.0);
  CHECK(tw.mean(Time::s(14)) == 3.0);  // (2 x 2 + 4 x 2) / 4

  // One nanosecond at level 1 in a second: integer time loses nothing.
  TimeWeighted spike;
  spike.set(Time::ns(0), 1.0);
  spike.set(Time::ns(1), 0.0);
  CHECK(spike.area(Time::s(1)) == 1.0L);
  CHECK(spike.mean(Time::s(1)) == Approx(1e-9).epsilon(1e-15));
}

TEST_CASE("a zero-length spike counts for max but not for the mean", "[statistics]") {
  TimeWeighted tw;
  tw.set(Time::s(1), 5.0);
  tw.set(Time::s(1), 1.0);
  CHECK(tw.max() == 5.0);
  CHECK(tw.mean(Time::s(2)) == 0.5);  // 0 for 1 s, 1 for 1 s
}

TEST_CASE("time-weighted reset drops the warm-up and keeps the level", "[statistics]") {
  TimeWeighted tw;
  tw.set(Time::s(1), 10.0);
  tw.set(Time::s(2), 4.0);
  tw.reset(Time::s(3));
  CHECK(tw.start() == Time::s(3));
  CHECK(tw.max() == 4.0);
  CHECK(tw.mean(Time::s(5)) == 4.0);
  tw.set(Time::s(5), 0.0);
  CHECK(tw.mean(Time::s(7)) == 2.0);  // 4 x 2 s over 4 s
}

TEST_CASE("time-weighted rejects time running backwards", "[statistics]") {
  TimeWeighted tw;
  tw.set(Time::s(5), 1.0);
  CHECK_THROWS_AS(tw.set(Time::s(4), 2.0), std::invalid_argument);
  CHECK_THROWS_AS(tw.mean(Time::s(4)), std::invalid_argument);
  CHECK_THROWS_AS(tw.reset(Time::s(4)), std::invalid_argument);
  CHECK(tw.level() == 1.0);
}

TEST_CASE("time series windows by hand", "[statistics]") {
  TimeSeries ts(Time::s(1));
  ts.add(Time::s(0), 10.0);
  ts.add(Time::ms(500), 20.0);
  ts.add(Time::ns(999'999'999), 3.0);  // last nanosecond of window 0
  ts.add(Time::s(1), 5.0);             // first nanosecond of window 1
  ts.add(Time::ns(3'999'999'999), 1.0);
  CHECK(ts.size() == 4);
  CHECK(ts.width() == Time::s(1));

  CHECK(ts.window(0).count == 3);
  CHECK(ts.window(0).sum == 33.0);
  CHECK(ts.window(0).mean() == 11.0);
  CHECK(ts.window(1).count == 1);
  CHECK(ts.window(1).sum == 5.0);
  CHECK(ts.window(2).count == 0);
  CHECK(ts.window(2).mean() == 0.0);
  CHECK(ts.window(3).count == 1);
  CHECK(ts.window(3).sum == 1.0);
  CHECK(ts.window(99).count == 0);  // past the end: empty, not an error

  CHECK(ts.window_index(Time::ns(999'999'999)) == 0);
  CHECK(ts.window_index(Time::s(1)) == 1);
  CHECK(ts.window_start(3) == Time::s(3));
  CHECK(ts.windows().size() == 4);
  CHECK(ts.rate(0) == 3.0);
}

TEST_CASE("time series rates use the window width", "[statistics]") {
  TimeSeries ts(Time::ms(500));
  ts.add(Time::ms(0));
  ts.add(Time::ms(100));
  ts.add(Time::ms(499));
  ts.add(Time::ms(1200));
  CHECK(ts.size() == 3);
  CHECK(ts.rate(0) == 6.0);  // 3 events in 0.5 s
  CHECK(ts.rate(1) == 0.0);
  CHECK(ts.rate(2) == 2.0);
  CHECK(ts.window_start(2) == Time::ms(1000));
}

TEST_CASE("time series merge adds windows and rejects other widths", "[statistics]") {
  TimeSeries a(Time::s(1));
  a.add(Time::ms(100), 1.0);
  TimeSeries b(Time::s(1));
  b.add(Time::ms(200), 2.0);
  b.add(Time::ms(2200), 4.0);
  a.merge(b);
  CHECK(a.size() == 3);
  CHECK(a.window(0) == TimeSeries::Window{2, 3.0});
  CHECK(a.window(1) == TimeSeries::Window{});
  CHECK(a.window(2) == TimeSeries::Window{1, 4.0});
  CHECK_THROWS_AS(a.merge(TimeSeries(Time::ms(500))), std::invalid_argument);
  a.reset();
  CHECK(a.size() == 0);
}

TEST_CASE("time series rejects bad widths and negative times", "[statistics]") {
  CHECK_THROWS_AS(TimeSeries(Time::ns(0)), std::invalid_argument);
  CHECK_THROWS_AS(TimeSeries(Time::ns(-5)), std::invalid_argument);
  TimeSeries ts(Time::s(1));
  CHECK_THROWS_AS(ts.add(Time::ns(-1), 1.0), std::invalid_argument);
  CHECK(ts.size() == 0);
}
