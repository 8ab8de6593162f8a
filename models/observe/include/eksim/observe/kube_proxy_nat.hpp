// The NAT table a node shows (`iptables-save -t nat`) for the Services of its
// cluster: what kube-proxy in iptables mode (the EKS default) programs, plus
// the VPC CNI's source NAT of traffic leaving the VPC.
//
// Chain names follow kube-proxy (pkg/proxy/iptables/proxier.go):
// KUBE-SVC-/KUBE-SVL-/KUBE-EXT- + the first 16 characters of
// base32(sha256(servicePortName + protocol)), KUBE-SEP- + the same of
// sha256(servicePortName + protocol + "ip:port"); servicePortName is
// "namespace/name:portName" (no ":" for an unnamed port), protocol lower
// case. Rule text is printed as iptables-save canonicalises it. See
// docs/observability.md for the sources and what is left out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/protocol.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/net/ipv4_address.hpp"

namespace eksim::observe {

struct NatEndpoint {
  net::Ipv4Address address;
  std::uint16_t port = 0;
  bool on_this_node = false;  // for the Local traffic policies
};

// One port of one Service as kube-proxy sees it (a ServicePortName).
struct NatServicePort {
  std::string service;    // "namespace/name"
  std::string port_name;  // "" for an unnamed port
  k8s::Protocol protocol = k8s::Protocol::Tcp;
  net::Ipv4Address cluster_ip;
  std::uint16_t port = 0;
  std::uint16_t node_port = 0;  // 0: none
  bool external_policy_local = false;
  bool internal_policy_local = false;
  bool client_ip_affinity = false;
  int affinity_seconds = 10800;  // sessionAffinityConfig.clientIP.timeoutSeconds default
  std::vector<NatEndpoint> endpoints;  // ready endpoints, any order (sorted as kube-proxy does)
};

// The VPC CNI's SNAT for pod traffic leaving the VPC (AWS_VPC_K8S_CNI_EXTERNALSNAT=false, the default).
struct CniSnat {
  bool enabled = true;
  std::vector<net::Cidr> vpc_cidrs;  // traffic to these keeps the pod's address
  net::Ipv4Address node_address;     // the primary ENI's primary address: the --to-source
};

// "namespace/name:portName", or "namespace/name" for an unnamed port (ServicePortName.String()).
std::string service_port_name(const NatServicePort& port);
// First 16 characters of base32(sha256(servicePortName + protocol)), protocol lower case.
std::string port_proto_hash(std::string_view service_port_name, std::string_view protocol);
std::string service_chain(std::string_view service_port_name, std::string_view protocol);        // KUBE-SVC-
std::string local_service_chain(std::string_view service_port_name, std::string_view protocol);  // KUBE-SVL-
std::string external_chain(std::string_view service_port_name, std::string_view protocol);       // KUBE-EXT-
std::string endpoint_chain(std::string_view service_port_name, std::string_view protocol,
                           std::string_view endpoint);  // KUBE-SEP-, endpoint "ip:port"
// `--probability` for the i-th of n endpoints (1/(n-i)) as iptables-save
// prints it: kube-proxy writes %0.10f, the kernel keeps a 31-bit fixed point
// value, iptables-save prints it back with 11 decimals (0.33333333349).
std::string statistic_probability(int remaining);

// The whole nat table, `*nat` to `COMMIT`, chains sorted as iptables-save
// lists user chains. Services are taken in the order given; endpoints are
// sorted by "ip:port" text.
std::string iptables_save_nat(const std::vector<NatServicePort>& ports, const CniSnat& snat);

}  // namespace eksim::observe
