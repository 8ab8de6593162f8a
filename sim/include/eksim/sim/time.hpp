// Simulated time: a signed 64-bit count of nanoseconds.
//
// Integer time keeps event ordering exact and results identical on every
// machine; floating-point time drifts and makes ties depend on rounding.
// 2^63 ns is about 292 years, far beyond any simulated horizon.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace eksim::sim {

// A span or a point of simulated time, in nanoseconds. One type for both
// keeps arithmetic simple; names (`now`, `delay`, `timeout`) carry the meaning.
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time ns(std::int64_t n) { return Time(n); }
  static constexpr Time us(std::int64_t n) { return Time(n * 1'000); }
  static constexpr Time ms(std::int64_t n) { return Time(n * 1'000'000); }
  static constexpr Time s(std::int64_t n) { return Time(n * 1'000'000'000); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

  [[nodiscard]] constexpr std::int64_t count() const { return ns_; }
  // For printing and statistics only; never feed this back into event times.
  [[nodiscard]] constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
  [[nodiscard]] constexpr double millis() const { return static_cast<double>(ns_) * 1e-6; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Time o) const { return Time(ns_ + o.ns_); }
  constexpr Time operator-(Time o) const { return Time(ns_ - o.ns_); }
  constexpr Time operator*(std::int64_t k) const { return Time(ns_ * k); }
  constexpr Time operator/(std::int64_t k) const { return Time(ns_ / k); }
  constexpr Time& operator+=(Time o) {
    ns_ += o.ns_;
    return *this;
  }
  constexpr Time& operator-=(Time o) {
    ns_ -= o.ns_;
    return *this;
  }

 private:
  constexpr explicit Time(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

// Parses a duration such as "250us", "1.5ms", "30s", "2m", "1h", "100ns" or "0".
// Decimal fractions are exact (no floating point): "1.5ms" is 1'500'000 ns.
// Returns nullopt and fills `error` (if given) for a malformed or overflowing
// value, or a fraction finer than one nanosecond. Negative durations are
// rejected: a delay, timeout or horizon below zero has no meaning.
std::optional<Time> parse_duration(std::string_view text, std::string* error = nullptr);

// Formats with the largest unit that keeps the value exact: "1500us", "30s", "0s".
std::string format_duration(Time t);

// Formats for humans with three significant decimals: "1.234ms", "250us", "12.5s".
std::string format_duration_human(Time t);

namespace literals {
constexpr Time operator""_ns(unsigned long long n) { return Time::ns(static_cast<std::int64_t>(n)); }
constexpr Time operator""_us(unsigned long long n) { return Time::us(static_cast<std::int64_t>(n)); }
constexpr Time operator""_ms(unsigned long long n) { return Time::ms(static_cast<std::int64_t>(n)); }
constexpr Time operator""_s(unsigned long long n) { return Time::s(static_cast<std::int64_t>(n)); }
}  // namespace literals

}  // namespace eksim::sim
