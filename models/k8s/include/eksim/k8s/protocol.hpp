// Transport protocols of ports and the "number or name" port reference
// (intstr.IntOrString) that Services and policies use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eksim::k8s {

// The three protocols Kubernetes ports accept; TCP is every default.
enum class Protocol : std::uint8_t { Tcp, Udp, Sctp };

// "TCP", "UDP", "SCTP".
std::string_view to_string(Protocol protocol);

// A port given by number (`targetPort: 8080`) or by the name of a container
// port (`targetPort: http`). Names resolve against the destination pod's
// container ports, by name and protocol (policy-semantics.md item 10).
struct PortRef {
  std::uint16_t number = 0;  // 1..65535 when `name` is empty
  std::string name;          // an IANA service name: 1-15 of [a-z0-9-], with a letter

  [[nodiscard]] bool is_named() const { return !name.empty(); }
  // "8080" or "http".
  [[nodiscard]] std::string to_string() const;

  static PortRef of_number(std::uint16_t n) { return PortRef{n, {}}; }
  static PortRef of_name(std::string n) { return PortRef{0, std::move(n)}; }
  bool operator==(const PortRef&) const = default;
};

}  // namespace eksim::k8s
