// Scalar statistics collected during a run: event counters, time averages of
// piecewise-constant levels, and per-window time series. Latency
// distributions live in histogram.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "eksim/sim/time.hpp"

namespace eksim::sim {

// A monotone event count (requests sent, packets dropped). No decrement: a
// count that can go down is a level, which TimeWeighted measures properly.
class Counter {
 public:
  void add(std::uint64_t n = 1) { value_ += n; }
  Counter& operator++() {
    ++value_;
    return *this;
  }
  [[nodiscard]] std::uint64_t value() const { return value_; }
  // Pools replications or shards.
  void merge(const Counter& other) { value_ += other.value_; }
  // Zeroes the count, e.g. at the end of a warm-up period.
  void reset() { value_ = 0; }

 private:
  std::uint64_t value_ = 0;
};

// Time average of a piecewise-constant level (queue length, busy servers,
// open connections): the integral of level over time divided by the elapsed
// time. A plain average of the values passed to set() would weight a level
// held for a nanosecond the same as one held for an hour.
//
// Durations are integer nanoseconds, so no time is lost to rounding; the
// area accumulates in long double, which is exact for integer levels as
// long as the area stays below 2^64 level-ns (a level of 1000 for 200 days
// on x86-64).
class TimeWeighted {
 public:
  // Observation starts at `start` with level `level`.
  explicit TimeWeighted(Time start = Time{}, double level = 0.0);

  // The level becomes `level` from `now` on. `now` earlier than the previous
  // change throws std::invalid_argument: time does not run backwards.
  void set(Time now, double level);
  // Shorthand for set(now, level() + delta), for queues that count +1/-1.
  void add(Time now, double delta) { set(now, level_ + delta); }

  [[nodiscard]] double level() const { return level_; }
  // Time average over [start, now]. Over an empty interval (now == start)
  // the average is the current level, the only value observed.
  [[nodiscard]] double mean(Time now) const;
  // Integral of the level over [start, now], in level x nanoseconds.
  [[nodiscard]] long double area(Time now) const;
  // Extremes of every level set since the start, including levels held for
  // zero time: a queue that reached 5 for an instant did reach 5.
  [[nodiscard]] double max() const { return max_; }
  [[nodiscard]] double min() const { return min_; }
  [[nodiscard]] Time start() const { return start_; }

  // Restarts observation at `now`, keeping the current level (used to drop
  // a warm-up period).
  void reset(Time now);

 private:
  void check_not_before_last(Time now) const;

  Time start_;
  Time last_;  // time of the latest set()
  double level_;
  long double area_ = 0.0L;  // integral over [start_, last_]
  double max_;
  double min_;
};

// Values grouped into fixed windows [k * width, (k + 1) * width): throughput
// per second, mean latency per 10 s, and so on. Windows are a dense vector
// indexed by t / width, grown up to the latest window touched.
class TimeSeries {
 public:
  struct Window {
    std::uint64_t count = 0;
    double sum = 0.0;
    // Mean of the values in the window, 0 when it is empty.
    [[nodiscard]] double mean() const {
      return count == 0 ? 0.0 : sum / static_cast<double>(count);
    }
    friend bool operator==(const Window&, const Window&) = default;
  };

  // `width` must be positive (std::invalid_argument otherwise).
  explicit TimeSeries(Time width);

  // Adds `value` to the window containing `t`; t < 0 throws
  // std::invalid_argument.
  void add(Time t, double value);
  // Counts an event at `t` (a value of 1), for rates.
  void add(Time t) { add(t, 1.0); }

  [[nodiscard]] Time width() const { return width_; }
  // Number of windows from 0 through the latest one touched.
  [[nodiscard]] std::size_t size() const { return windows_.size(); }
  [[nodiscard]] const std::vector<Window>& windows() const { return windows_; }
  // Window i; windows past size() are empty rather than an error, since a
  // run's tail often has no events at all.
  [[nodiscard]] Window window(std::size_t i) const {
    return i < windows_.size() ? windows_[i] : Window{};
  }
  [[nodiscard]] std::size_t window_index(Time t) const;
  [[nodiscard]] Time window_start(std::size_t i) const;
  // Events per simulated second in window i.
  [[nodiscard]] double rate(std::size_t i) const;

  // Adds other's windows to ours; the widths must match
  // (std::invalid_argument otherwise).
  void merge(const TimeSeries& other);
  void reset() { windows_.clear(); }

 private:
  Time width_;
  std::vector<Window> windows_;
};

}  // namespace eksim::sim
