#include "eksim/scenario/endpoint_ref.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <charconv>

namespace eksim::scenario {
namespace {

constexpr std::array<std::string_view, 13> kKinds{"Service", "LoadBalancer", "Ingress", "Node",     "Pod",
                                                  "External", "Deployment",  "StatefulSet", "DaemonSet",
                                                  "ReplicaSet", "Job",       "CronJob",  "ReplicationController"};

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

}  // namespace

std::optional<EndpointRef> parse_endpoint_ref(std::string_view text, std::string* error) {
  EndpointRef ref;
  ref.text = std::string(text);
  std::string_view body = text;
  if (!body.empty() && body.back() == ']') {
    const auto open = body.rfind('[');
    if (open == std::string_view::npos) {
      fail(error, "'" + ref.text + "': ']' without '['");
      return std::nullopt;
    }
    ref.kind = std::string(body.substr(open + 1, body.size() - open - 2));
    body = body.substr(0, open);
    if (std::find(kKinds.begin(), kKinds.end(), ref.kind) == kKinds.end()) {
      std::string list;
      for (auto k : kKinds) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(error, "'" + ref.text + "': unknown kind '" + ref.kind + "' (expected one of " + list + ")");
      return std::nullopt;
    }
  }
  if (body.empty()) {
    fail(error, "empty endpoint (expected cluster/namespace/name, namespace/name[Kind] or an IPv4 address)");
    return std::nullopt;
  }
  if (body.find('/') == std::string_view::npos) {
    std::string why;
    const auto address = net::parse_ipv4(body, &why);
    if (!address) {
      fail(error, "'" + ref.text + "': expected cluster/namespace/name, namespace/name or an IPv4 address (" + why + ")");
      return std::nullopt;
    }
    if (!ref.kind.empty() && ref.kind != "External") {
      fail(error, "'" + ref.text + "': an address takes no kind but [External]");
      return std::nullopt;
    }
    ref.address = address;
    return ref;
  }
  if (ref.kind == "External") {
    fail(error, "'" + ref.text + "': [External] is for addresses, e.g. 203.0.113.9[External]");
    return std::nullopt;
  }
  std::array<std::string_view, 3> parts{};
  std::size_t count = 0;
  for (std::size_t start = 0;;) {
    const auto slash = body.find('/', start);
    const std::string_view part = body.substr(start, slash == std::string_view::npos ? body.npos : slash - start);
    if (part.empty() || count == parts.size()) {
      fail(error, "'" + ref.text + "': expected cluster/namespace/name or namespace/name");
      return std::nullopt;
    }
    parts[count++] = part;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (ref.kind == "Node") {
    // Nodes are cluster-scoped: cluster/node.
    if (count != 2) {
      fail(error, "'" + ref.text + "': a node is named cluster/nodegroup-index, e.g. shop/general-1[Node]");
      return std::nullopt;
    }
    ref.cluster = std::string(parts[0]);
    ref.name = std::string(parts[1]);
    return ref;
  }
  if (count == 1) {
    fail(error, "'" + ref.text + "': expected cluster/namespace/name or namespace/name");
    return std::nullopt;
  }
  if (count == 3) ref.cluster = std::string(parts[0]);
  ref.namespace_name = std::string(parts[count - 2]);
  ref.name = std::string(parts[count - 1]);
  return ref;
}

std::optional<PortRefText> parse_port_protocol(std::string_view text, std::string* error) {
  PortRefText out;
  std::string_view number = text;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    number = text.substr(0, slash);
    std::string protocol(text.substr(slash + 1));
    std::transform(protocol.begin(), protocol.end(), protocol.begin(), [](unsigned char c) { return std::toupper(c); });
    if (protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
      fail(error, "port '" + std::string(text) + "': protocol must be TCP, UDP or SCTP");
      return std::nullopt;
    }
    out.protocol = protocol;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc{} || end != number.data() + number.size() || value < 1 || value > 65535) {
    fail(error, "port '" + std::string(text) + "': expected a port 1-65535 with an optional /TCP, /UDP or /SCTP, e.g. 8080/TCP");
    return std::nullopt;
  }
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

}  // namespace eksim::scenario
