#include "eksim/net/ipv4_address.hpp"

#include <cstddef>
#include <utility>

#include "eksim/util/quote.hpp"

namespace eksim::net {

namespace {

using util::concat;
using util::quote;

void fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string Ipv4Address::to_string() const {
  std::string out;
  out.reserve(15);
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out.push_back('.');
    out.append(std::to_string(octet(i)));
  }
  return out;
}

std::string format_ipv4(Ipv4Address address) { return address.to_string(); }

std::optional<Ipv4Address> parse_ipv4(std::string_view text, std::string* error) {
  if (text.empty()) {
    fail(error, "empty IPv4 address; expected dotted-quad text such as 10.0.0.1");
    return std::nullopt;
  }
  const std::string quoted = quote(text);
  std::uint32_t value = 0;
  std::size_t pos = 0;
  for (int index = 0; index < 4; ++index) {
    const std::string number = std::to_string(index + 1);
    if (index > 0) {
      if (pos >= text.size()) {
        fail(error, concat({"IPv4 address ", quoted, " has ", std::to_string(index),
                            " octet(s); expected four, as in 10.0.0.1"}));
        return std::nullopt;
      }
      if (text[pos] != '.') {
        fail(error, concat({"IPv4 address ", quoted, ": unexpected character ", quote(text.substr(pos, 1)),
                            " after octet ", std::to_string(index)}));
        return std::nullopt;
      }
      ++pos;
    }
    const std::size_t start = pos;
    // Reading at most four digits is enough to tell "too many digits" apart.
    while (pos < text.size() && is_digit(text[pos]) && pos - start < 4) ++pos;
    const std::size_t digits = pos - start;
    if (digits == 0) {
      if (pos < text.size()) {
        fail(error, concat({"IPv4 address ", quoted, ": octet ", number, " starts with ", quote(text.substr(pos, 1)),
                            "; expected a decimal number 0-255"}));
      } else {
        fail(error, concat({"IPv4 address ", quoted, ": octet ", number,
                            " is missing; expected four octets, as in 10.0.0.1"}));
      }
      return std::nullopt;
    }
    if (digits > 3) {
      fail(error,
           concat({"IPv4 address ", quoted, ": octet ", number, " has more than three digits; each octet is 0-255"}));
      return std::nullopt;
    }
    if (digits > 1 && text[start] == '0') {
      fail(error, concat({"IPv4 address ", quoted, ": octet ", number,
                          " has a leading zero, which some tools read as octal; write it without"}));
      return std::nullopt;
    }
    unsigned octet = 0;
    for (std::size_t i = start; i < pos; ++i) {
      octet = octet * 10 + static_cast<unsigned>(text[i] - '0');
    }
    if (octet > 255) {
      fail(error, concat({"IPv4 address ", quoted, ": octet ", number, " is ", std::to_string(octet), ", above 255"}));
      return std::nullopt;
    }
    value = (value << 8) | octet;
  }
  if (pos != text.size()) {
    fail(error,
         concat({"IPv4 address ", quoted, " has trailing text ", quote(text.substr(pos)), " after the fourth octet"}));
    return std::nullopt;
  }
  return Ipv4Address(value);
}

}  // namespace eksim::net
