#include "eksim/aws/port_range.hpp"

#include <algorithm>

#include "eksim/util/quote.hpp"

namespace eksim::aws {

namespace {

void fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

// A decimal port without sign or leading zero; nullopt when `text` is not one.
// Values above 65535 come back as such so the caller can say so.
std::optional<long> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  long value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

std::string PortRange::to_string() const {
  if (first == last) return std::to_string(first);
  return std::to_string(first) + "-" + std::to_string(last);
}

std::optional<PortRange> parse_port_range(std::string_view text, std::string* error) {
  const std::string shown = "port range " + util::quote(text);
  const std::size_t dash = text.find('-');
  const std::string_view first_text = text.substr(0, dash);
  const std::string_view last_text = dash == std::string_view::npos ? text : text.substr(dash + 1);
  const auto first = parse_port(first_text);
  const auto last = parse_port(last_text);
  if (!first || !last) {
    fail(error, shown + ": expected a port such as 443 or a range such as 1024-65535");
    return std::nullopt;
  }
  for (const long port : {*first, *last}) {
    if (port > 65535) {
      fail(error, shown + ": port " + std::to_string(port) + " is above 65535");
      return std::nullopt;
    }
  }
  if (*first > *last) {
    fail(error, shown + " is reversed; the first port must not be above the last (did you mean " +
                    std::to_string(*last) + "-" + std::to_string(*first) + "?)");
    return std::nullopt;
  }
  return PortRange{static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*last)};
}

}  // namespace eksim::aws
