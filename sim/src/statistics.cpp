#include "eksim/sim/statistics.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace eksim::sim {

TimeWeighted::TimeWeighted(Time start, double level)
    : start_(start), last_(start), level_(level), max_(level), min_(level) {}

void TimeWeighted::check_not_before_last(Time now) const {
  if (now < last_) {
    throw std::invalid_argument("TimeWeighted: time " + std::to_string(now.count()) +
                                "ns is before the last change at " + std::to_string(last_.count()) +
                                "ns");
  }
}

void TimeWeighted::set(Time now, double level) {
  check_not_before_last(now);
  area_ += static_cast<long double>(level_) * static_cast<long double>((now - last_).count());
  last_ = now;
  level_ = level;
  max_ = std::max(max_, level);
  min_ = std::min(min_, level);
}

long double TimeWeighted::area(Time now) const {
  check_not_before_last(now);
  return area_ + static_cast<long double>(level_) * static_cast<long double>((now - last_).count());
}

double TimeWeighted::mean(Time now) const {
  const long double total = area(now);
  const std::int64_t elapsed = (now - start_).count();
  if (elapsed == 0) return level_;
  return static_cast<double>(total / static_cast<long double>(elapsed));
}

void TimeWeighted::reset(Time now) {
  check_not_before_last(now);
  start_ = now;
  last_ = now;
  area_ = 0.0L;
  max_ = level_;
  min_ = level_;
}

TimeSeries::TimeSeries(Time width) : width_(width) {
  if (width.count() <= 0) {
    throw std::invalid_argument("TimeSeries: window width must be positive, got " +
                                std::to_string(width.count()) + "ns");
  }
}

std::size_t TimeSeries::window_index(Time t) const {
  if (t.count() < 0) {
    throw std::invalid_argument("TimeSeries: negative time " + std::to_string(t.count()) + "ns");
  }
  return static_cast<std::size_t>(t.count() / width_.count());
}

void TimeSeries::add(Time t, double value) {
  const std::size_t i = window_index(t);
  if (i >= windows_.size()) windows_.resize(i + 1);
  windows_[i].count += 1;
  windows_[i].sum += value;
}

Time TimeSeries::window_start(std::size_t i) const { return width_ * static_cast<std::int64_t>(i); }

double TimeSeries::rate(std::size_t i) const {
  return static_cast<double>(window(i).count) / width_.seconds();
}

void TimeSeries::merge(const TimeSeries& other) {
  if (other.width_ != width_) {
    throw std::invalid_argument("TimeSeries::merge: window widths differ");
  }
  if (other.windows_.size() > windows_.size()) windows_.resize(other.windows_.size());
  for (std::size_t i = 0; i < other.windows_.size(); ++i) {
    windows_[i].count += other.windows_[i].count;
    windows_[i].sum += other.windows_[i].sum;
  }
}

}  // namespace eksim::sim
