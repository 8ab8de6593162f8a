#include "eksim/aws/ip_protocol.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "eksim/util/closest_name.hpp"
#include "eksim/util/quote.hpp"

namespace eksim::aws {

namespace {

struct NamedProtocol {
  std::string_view name;
  int number;
};
constexpr std::array<NamedProtocol, 4> kNames = {{
    {"tcp", IpProtocol::kTcp},
    {"udp", IpProtocol::kUdp},
    {"icmp", IpProtocol::kIcmp},
    {"all", IpProtocol::kAll},
}};

void fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

}  // namespace

std::string IpProtocol::to_string() const {
  for (const NamedProtocol& p : kNames) {
    if (p.number == number) return std::string(p.name);
  }
  return std::to_string(number);
}

std::optional<IpProtocol> parse_ip_protocol(std::string_view text, std::string* error) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const NamedProtocol& p : kNames) {
    if (lower == p.name) return IpProtocol{p.number};
  }
  if (lower == "-1") return IpProtocol{IpProtocol::kAll};
  const bool digits = !lower.empty() && lower.size() <= 3 &&
                      std::all_of(lower.begin(), lower.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits && (lower.size() == 1 || lower[0] != '0')) {
    const int number = std::stoi(lower);
    if (number <= 255) return IpProtocol{number};
  }
  std::vector<std::string_view> names;
  names.reserve(kNames.size());
  for (const NamedProtocol& p : kNames) names.push_back(p.name);
  std::string message = "unknown protocol " + util::quote(text) + util::did_you_mean(lower, names) +
                        "; expected tcp, udp, icmp, all (or -1), or a protocol number 0-255";
  fail(error, std::move(message));
  return std::nullopt;
}

}  // namespace eksim::aws
