// An inclusive range of TCP or UDP ports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eksim::aws {

struct PortRange {
  std::uint16_t first = 0;
  std::uint16_t last = 65535;

  [[nodiscard]] bool contains(std::uint16_t port) const { return first <= port && port <= last; }
  [[nodiscard]] bool is_all() const { return first == 0 && last == 65535; }
  // "443" or "1024-65535".
  [[nodiscard]] std::string to_string() const;
  bool operator==(const PortRange&) const = default;
};

// Parses "443" or "1024-65535": decimal ports 0..65535 without signs or
// leading zeros, the first not above the last. Never throws.
std::optional<PortRange> parse_port_range(std::string_view text, std::string* error = nullptr);

}  // namespace eksim::aws
