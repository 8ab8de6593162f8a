// An address block as policies and load balancers write it ("10.0.0.0/8",
// "::/0"). Manifests routinely pair an IPv4 block with its IPv6 twin, so IPv6
// blocks load too; only IPv4 ones carry a parsed net::Cidr, since the
// simulated VPCs are IPv4.
#pragma once

#include <string>

#include "eksim/net/cidr.hpp"

namespace eksim::k8s {

struct IpCidr {
  std::string text;  // as written
  bool ipv6 = false;
  // For IPv4: the block with host bits cleared ("10.0.0.7/8" is 10.0.0.0/8,
  // as Kubernetes reads it). Unused for IPv6.
  net::Cidr ipv4;
};

}  // namespace eksim::k8s
