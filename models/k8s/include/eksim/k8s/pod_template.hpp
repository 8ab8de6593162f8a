// What a pod is made of, as far as the network sees it: labels, container
// ports (named ones kept, since NetworkPolicy and Services resolve names
// against them), host networking, DNS settings, service account and node
// selector. A workload's pods all share its template; a bare Pod has its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/labels.hpp"
#include "eksim/k8s/protocol.hpp"

namespace eksim::k8s {

struct ContainerPort {
  std::string name;  // "" when unnamed; otherwise an IANA service name
  std::uint16_t container_port = 0;
  Protocol protocol = Protocol::Tcp;
  std::uint16_t host_port = 0;  // 0 when not exposed on the node
};

struct Container {
  std::string name;
  std::string image;
  // An init container with restartPolicy: Always (a native sidecar) runs for
  // the pod's whole life and can serve ports; other init containers are not imported.
  bool sidecar = false;
  std::vector<ContainerPort> ports;
};

enum class DnsPolicy : std::uint8_t { ClusterFirst, ClusterFirstWithHostNet, Default, None };

// "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None".
std::string_view to_string(DnsPolicy policy);

// One resolv.conf option ("ndots:2", "edns0"), kept as written.
struct DnsOption {
  std::string name;
  std::optional<std::string> value;
};

// spec.dnsConfig: merged by the kubelet into the resolv.conf that dnsPolicy produces.
struct DnsConfig {
  std::vector<std::string> nameservers;  // IP addresses, at most 3
  std::vector<std::string> searches;     // at most 32
  std::vector<DnsOption> options;
  // The last ndots option's value, which is what resolv.conf ends up using;
  // the loader has checked it is a whole number from 0 to 15 (glibc's cap).
  [[nodiscard]] std::optional<int> ndots() const;
};

struct PodTemplate {
  Labels labels;
  Labels annotations;  // every annotation, raw
  // spec.containers in order, then native sidecars in order.
  std::vector<Container> containers;
  bool host_network = false;
  DnsPolicy dns_policy = DnsPolicy::ClusterFirst;
  std::optional<DnsConfig> dns_config;
  std::string service_account = "default";
  Labels node_selector;
  std::string node_name;  // spec.nodeName, when a pod is pinned to a node

  // The first container port with this name and protocol, searching containers
  // in order, as the kubelet and kube-proxy resolve a named port.
  [[nodiscard]] std::optional<ContainerPort> find_port(std::string_view name, Protocol protocol) const;
  // Every container port, containers in order.
  [[nodiscard]] std::vector<ContainerPort> all_ports() const;
};

// The DNS policy the kubelet applies: ClusterFirst on a hostNetwork pod falls
// back to Default (the node's resolv.conf); only ClusterFirstWithHostNet keeps
// cluster DNS for such a pod.
DnsPolicy effective_dns_policy(const PodTemplate& pod);

}  // namespace eksim::k8s
