// How users name the ends of a connection in `expect:` entries and on the
// command line (`eksim explain --from A --to B`). The notation is the one
// `eksim reach` prints, so a line of its output can be pasted back:
//
//   shop/web/frontend            a workload: cluster/namespace/name
//   web/frontend                 the same when the scenario has one cluster
//   web/cart[Service]            a Service (its ClusterIP, then an endpoint pod)
//   web/cart[LoadBalancer]       the AWS load balancer of a LoadBalancer Service
//   web/shop[Ingress]            the ALB of an Ingress (flows only)
//   web/frontend[Deployment]     a workload of that kind (when names clash)
//   web/debug[Pod]               a bare pod (a workload of kind Pod)
//   shop/general-1[Node]         a node: cluster/nodegroup-index (from 1)
//   203.0.113.9 or 203.0.113.9[External]   an address: a pod's, a node's, a
//                                ClusterIP, or else outside every cluster
//
// Only the syntax is checked here; which object a name means is resolved
// against the scenario by the reachability layer, which reports unknown
// names with the closest valid one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "eksim/net/ipv4_address.hpp"

namespace eksim::scenario {

struct EndpointRef {
  std::string text;     // as written
  std::string cluster;  // "" when left out
  std::string namespace_name;
  std::string name;
  // "" (a workload of any kind), "Service", "LoadBalancer", "Node", "Pod",
  // "External", or a workload kind ("Deployment", "StatefulSet", ...).
  std::string kind;
  std::optional<net::Ipv4Address> address;  // set for the address forms

  [[nodiscard]] bool is_address() const { return address.has_value(); }
};

// Parses the notation above; on a syntax error returns nullopt and says why in `error`.
std::optional<EndpointRef> parse_endpoint_ref(std::string_view text, std::string* error);

// A connection's port as written: "8080/TCP", "53/UDP", "8080" (TCP).
struct PortRefText {
  std::uint16_t port = 0;
  std::string protocol = "TCP";  // TCP, UDP or SCTP
};
std::optional<PortRefText> parse_port_protocol(std::string_view text, std::string* error);

}  // namespace eksim::scenario
