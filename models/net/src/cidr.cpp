#include "eksim/net/cidr.hpp"

#include <algorithm>
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

std::string host_bits_message(Ipv4Address network, int prefix_length, Ipv4Address masked) {
  const std::string length = std::to_string(prefix_length);
  return concat(
      {network.to_string(), "/", length, " has host bits set; did you mean ", masked.to_string(), "/", length, "?"});
}

}  // namespace

std::optional<Cidr> Cidr::make(Ipv4Address network, int prefix_length, std::string* error) {
  if (prefix_length < 0 || prefix_length > 32) {
    fail(error, concat({"prefix length ", std::to_string(prefix_length), " is outside 0..32"}));
    return std::nullopt;
  }
  const Ipv4Address masked(network.value() & mask_for(prefix_length));
  if (masked != network) {
    fail(error, host_bits_message(network, prefix_length, masked));
    return std::nullopt;
  }
  return Cidr(network, prefix_length);
}

Cidr Cidr::containing(Ipv4Address address, int prefix_length) {
  const int length = std::clamp(prefix_length, 0, 32);
  return Cidr(Ipv4Address(address.value() & mask_for(length)), length);
}

std::string Cidr::to_string() const { return concat({network_.to_string(), "/", std::to_string(prefix_length_)}); }

std::optional<Cidr> parse_cidr(std::string_view text, std::string* error) {
  if (text.empty()) {
    fail(error, "empty CIDR block; expected text such as 10.0.0.0/16");
    return std::nullopt;
  }
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    fail(error,
         concat({"CIDR block ", quote(text), " has no prefix length; expected address/length, such as 10.0.0.0/16"}));
    return std::nullopt;
  }
  std::string address_error;
  const auto address = parse_ipv4(text.substr(0, slash), &address_error);
  if (!address) {
    fail(error, concat({"CIDR block ", quote(text), ": ", address_error}));
    return std::nullopt;
  }
  const std::string_view length_text = text.substr(slash + 1);
  const bool all_digits =
      !length_text.empty() && length_text.size() <= 2 &&
      std::all_of(length_text.begin(), length_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!all_digits || (length_text.size() == 2 && length_text[0] == '0')) {
    fail(error, concat({"CIDR block ", quote(text), ": prefix length ", quote(length_text),
                        " is not a whole number 0-32 without leading zeros"}));
    return std::nullopt;
  }
  int length = 0;
  for (const char c : length_text) length = length * 10 + (c - '0');
  if (length > 32) {
    fail(error, concat({"CIDR block ", quote(text), ": prefix length ", std::to_string(length), " is above 32"}));
    return std::nullopt;
  }
  return Cidr::make(*address, length, error);
}

}  // namespace eksim::net
