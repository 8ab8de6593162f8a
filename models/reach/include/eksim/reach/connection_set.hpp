// A set of connections: for each transport protocol Kubernetes and security
// groups filter on (TCP, UDP, SCTP), a set of destination ports 1..65535.
//
// Every layer of reachability narrows what may pass as one of these, so that
// a verdict for a pair of endpoints is the intersection of what routing, the
// network ACLs, the security groups and the policies leave. Ports are kept as
// sorted, disjoint, non-touching closed ranges, so equal sets compare equal
// and print the same.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "eksim/k8s/protocol.hpp"

namespace eksim::reach {

struct PortSpan {
  std::uint16_t first = 1;
  std::uint16_t last = 65535;
  bool operator==(const PortSpan&) const = default;
};

class ConnectionSet {
 public:
  static constexpr std::uint16_t kMinPort = 1;
  static constexpr std::uint16_t kMaxPort = 65535;
  static constexpr std::size_t kProtocols = 3;  // TCP, UDP, SCTP, indexed by k8s::Protocol

  ConnectionSet() = default;  // nothing
  static ConnectionSet all();
  static ConnectionSet all_of(k8s::Protocol protocol);
  // Ports first..last of one protocol (first <= last, both within 1..65535).
  static ConnectionSet of(k8s::Protocol protocol, std::uint16_t first, std::uint16_t last);
  static ConnectionSet of(k8s::Protocol protocol, std::uint16_t port) { return of(protocol, port, port); }

  [[nodiscard]] bool empty() const;
  [[nodiscard]] bool is_all() const;
  [[nodiscard]] bool contains(k8s::Protocol protocol, std::uint16_t port) const;
  // Whether every connection of `other` is in this set.
  [[nodiscard]] bool includes(const ConnectionSet& other) const;
  [[nodiscard]] const std::vector<PortSpan>& ports(k8s::Protocol protocol) const {
    return ports_[static_cast<std::size_t>(protocol)];
  }

  ConnectionSet& operator|=(const ConnectionSet& other);
  ConnectionSet& operator&=(const ConnectionSet& other);
  ConnectionSet& operator-=(const ConnectionSet& other);
  friend ConnectionSet operator|(ConnectionSet a, const ConnectionSet& b) { return a |= b; }
  friend ConnectionSet operator&(ConnectionSet a, const ConnectionSet& b) { return a &= b; }
  friend ConnectionSet operator-(ConnectionSet a, const ConnectionSet& b) { return a -= b; }
  bool operator==(const ConnectionSet&) const = default;

  // DESIGN.md's reach notation: "All Connections", "TCP 80,8080-8090,UDP 53",
  // "No Connections" when empty. Protocols in TCP, UDP, SCTP order; a whole
  // protocol prints without ports ("TCP,UDP 53").
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] std::size_t hash() const;

 private:
  std::array<std::vector<PortSpan>, kProtocols> ports_{};
};

}  // namespace eksim::reach
