#include "eksim/k8s/protocol.hpp"

namespace eksim::k8s {

std::string_view to_string(Protocol protocol) {
  switch (protocol) {
    case Protocol::Tcp:
      return "TCP";
    case Protocol::Udp:
      return "UDP";
    case Protocol::Sctp:
      return "SCTP";
  }
  return "TCP";
}

std::string PortRef::to_string() const { return is_named() ? name : std::to_string(number); }

}  // namespace eksim::k8s
