// The IP protocol a security-group rule or network-ACL entry matches, as AWS
// takes it: a name (tcp, udp, icmp), all traffic (-1), or a protocol number.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eksim::aws {

struct IpProtocol {
  static constexpr int kAll = -1;
  static constexpr int kIcmp = 1;
  static constexpr int kTcp = 6;
  static constexpr int kUdp = 17;

  int number = kAll;  // -1 (every protocol) or an IANA protocol number 0..255

  [[nodiscard]] bool is_all() const { return number == kAll; }
  // Only TCP and UDP rules carry a port range.
  [[nodiscard]] bool has_ports() const { return number == kTcp || number == kUdp; }
  [[nodiscard]] bool is_icmp() const { return number == kIcmp; }
  // "tcp", "udp", "icmp", "all", or the number ("50").
  [[nodiscard]] std::string to_string() const;
  bool operator==(const IpProtocol&) const = default;
};

// Accepts what the EC2 API accepts: tcp, udp, icmp (any case), all or -1, and
// a decimal protocol number 0..255 ("6" is tcp). Anything else fails with the
// closest protocol name when the text looks like a misspelling of one.
std::optional<IpProtocol> parse_ip_protocol(std::string_view text, std::string* error = nullptr);

}  // namespace eksim::aws
