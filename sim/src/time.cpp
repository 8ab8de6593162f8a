#include "eksim/sim/time.hpp"

#include <array>
#include <cstdio>

namespace eksim::sim {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t ns;
};
// Longest suffixes first so "ms" is not read as "m" followed by junk.
constexpr std::array<Unit, 7> kUnits{{{"ns", 1},
                                      {"us", 1'000},
                                      {"\xC2\xB5s", 1'000},  // "µs" in UTF-8
                                      {"ms", 1'000'000},
                                      {"s", 1'000'000'000},
                                      {"m", 60'000'000'000},
                                      {"h", 3'600'000'000'000}}};

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit integer.
__extension__ using Int128 = __int128;

std::string quote(std::string_view text) {
  // Appending piecewise: GCC 12 warns falsely (-Wrestrict) on "'" + s + "'".
  std::string q;
  q.reserve(text.size() + 2);
  q += '\'';
  q.append(text);
  q += '\'';
  return q;
}

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

}  // namespace

std::optional<Time> parse_duration(std::string_view text, std::string* error) {
  const std::string quoted = quote(text);
  if (text == "0") return Time{};
  std::size_t i = 0;
  std::int64_t whole = 0;
  std::size_t whole_digits = 0;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const int d = text[i] - '0';
    if (whole > (kMax - d) / 10) {
      fail(error, "duration " + quoted + " is too large");
      return std::nullopt;
    }
    whole = whole * 10 + d;
    ++i;
    ++whole_digits;
  }
  // Fraction digits kept as an integer numerator over 10^frac_digits.
  std::int64_t frac = 0;
  std::int64_t frac_scale = 1;
  std::size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (frac_digits >= 15) {
        fail(error, "duration " + quoted + " has more decimals than nanoseconds can hold");
        return std::nullopt;
      }
      frac = frac * 10 + (text[i] - '0');
      frac_scale *= 10;
      ++i;
      ++frac_digits;
    }
    if (frac_digits == 0) {
      fail(error, "duration " + quoted + " has a '.' with no digits after it");
      return std::nullopt;
    }
  }
  if (whole_digits == 0 && frac_digits == 0) {
    fail(error, "expected a duration such as 250us, 1.5ms or 30s, got " + quoted +
                    (text.starts_with('-') ? " (durations cannot be negative)" : ""));
    return std::nullopt;
  }
  const std::string_view suffix = text.substr(i);
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    if (whole > kMax / unit.ns) {
      fail(error, "duration " + quoted + " is too large");
      return std::nullopt;
    }
    // frac / frac_scale * unit.ns must be a whole number of nanoseconds.
    // Both fit in 128 bits; 10^15 * 3.6e12 would overflow 64.
    const Int128 frac_ns_num = static_cast<Int128>(frac) * unit.ns;
    if (frac_ns_num % frac_scale != 0) {
      fail(error, "duration " + quoted + " is finer than one nanosecond");
      return std::nullopt;
    }
    const auto frac_ns = static_cast<std::int64_t>(frac_ns_num / frac_scale);
    const std::int64_t whole_ns = whole * unit.ns;
    if (whole_ns > kMax - frac_ns) {
      fail(error, "duration " + quoted + " is too large");
      return std::nullopt;
    }
    return Time::ns(whole_ns + frac_ns);
  }
  fail(error, "duration " + quoted +
                  (suffix.empty() ? " needs a unit (ns, us, ms, s, m, h)"
                                  : " has unknown unit '" + std::string(suffix) +
                                        "' (expected ns, us, ms, s, m or h)"));
  return std::nullopt;
}

std::string format_duration(Time t) {
  const std::int64_t n = t.count();
  if (n == 0) return "0s";
  static constexpr std::array<Unit, 5> kExact{
      {{"h", 3'600'000'000'000}, {"s", 1'000'000'000}, {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}}};
  for (const Unit& unit : kExact) {
    if (n % unit.ns == 0) return std::to_string(n / unit.ns) + std::string(unit.suffix);
  }
  return std::to_string(n) + "ns";
}

std::string format_duration_human(Time t) {
  const double n = static_cast<double>(t.count());
  const double mag = n < 0 ? -n : n;
  const char* unit = "ns";
  double v = n;
  if (mag >= 1e9) {
    unit = "s";
    v = n / 1e9;
  } else if (mag >= 1e6) {
    unit = "ms";
    v = n / 1e6;
  } else if (mag >= 1e3) {
    unit = "us";
    v = n / 1e3;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4g%s", v, unit);
  return buf;
}

}  // namespace eksim::sim
