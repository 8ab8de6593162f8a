// The traffic a security-group rule or network-ACL entry applies to: a
// protocol, and for TCP/UDP a port range, for ICMP a type and code.
#pragma once

#include "eksim/aws/ip_protocol.hpp"
#include "eksim/aws/port_range.hpp"

namespace eksim::aws {

struct ProtocolMatch {
  static constexpr int kAnyIcmp = -1;

  IpProtocol protocol;
  PortRange ports;           // meaningful for TCP and UDP only; all ports otherwise
  int icmp_type = kAnyIcmp;  // 0..255 or -1 for every type; ICMP only
  int icmp_code = kAnyIcmp;  // 0..255 or -1 for every code; ICMP only
  bool operator==(const ProtocolMatch&) const = default;
};

}  // namespace eksim::aws
