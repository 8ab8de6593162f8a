// An IPv4 address as a 32-bit unsigned integer in host order.
//
// Integer form makes CIDR masks, ranges and interval sets plain arithmetic;
// text only exists at the edges (scenario files, reports).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eksim::net {

class Ipv4Address {
 public:
  constexpr Ipv4Address() = default;
  constexpr explicit Ipv4Address(std::uint32_t value) : value_(value) {}
  static constexpr Ipv4Address from_octets(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return Ipv4Address((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) |
                       std::uint32_t{d});
  }

  [[nodiscard]] constexpr std::uint32_t value() const { return value_; }
  // Octet 0 is the leftmost ("10" in 10.1.2.3).
  [[nodiscard]] constexpr std::uint8_t octet(int index) const {
    return static_cast<std::uint8_t>(value_ >> (8 * (3 - (index & 3))));
  }
  // Dotted-quad text, e.g. "10.0.0.1".
  [[nodiscard]] std::string to_string() const;

  constexpr auto operator<=>(const Ipv4Address&) const = default;

 private:
  std::uint32_t value_ = 0;
};

// Parses dotted-quad text strictly: exactly four decimal octets 0..255, no
// whitespace, signs, leading zeros ("010" reads as octal in some tools and as
// decimal in others, so it is refused rather than guessed), or shorthand forms
// such as "10.1". Returns nullopt and fills `error` (if given) with a message
// that quotes the input and says what is wrong. Never throws.
std::optional<Ipv4Address> parse_ipv4(std::string_view text, std::string* error = nullptr);

// Same as Ipv4Address::to_string; a free function for symmetry with parse_ipv4.
std::string format_ipv4(Ipv4Address address);

}  // namespace eksim::net
