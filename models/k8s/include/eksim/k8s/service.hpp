// A Kubernetes Service: ClusterIP (and headless), NodePort, LoadBalancer
// (with the AWS load balancer it gets) and ExternalName.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/aws_load_balancer.hpp"
#include "eksim/k8s/labels.hpp"
#include "eksim/k8s/protocol.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

enum class ServiceType : std::uint8_t { ClusterIP, NodePort, LoadBalancer, ExternalName };
enum class TrafficPolicy : std::uint8_t { Cluster, Local };
enum class SessionAffinity : std::uint8_t { None, ClientIP };

std::string_view to_string(ServiceType type);
std::string_view to_string(TrafficPolicy policy);
std::string_view to_string(SessionAffinity affinity);

struct ServicePort {
  std::string name;  // required when a Service has more than one port
  Protocol protocol = Protocol::Tcp;
  std::uint16_t port = 0;
  // Defaults to `port`. A name resolves per destination pod (so one Service
  // port may reach different container port numbers on different pods).
  PortRef target_port;
  std::uint16_t node_port = 0;  // 0: unset (allocated by the cluster for NodePort/LoadBalancer)
  std::string app_protocol;     // spec.ports[].appProtocol as written
};

struct Service {
  std::string id;  // "namespace/name"
  std::string namespace_name;
  std::uint32_t namespace_index = 0;
  std::string name;

  ServiceType type = ServiceType::ClusterIP;
  // Pods with all these labels are endpoints; empty: the Service has no
  // selector, so its endpoints are managed by hand (or it is ExternalName).
  Labels selector;
  std::vector<ServicePort> ports;
  bool headless = false;   // clusterIP: None
  std::string cluster_ip;  // as written: "", "None" or an address
  std::string external_name;
  TrafficPolicy external_traffic_policy = TrafficPolicy::Cluster;
  TrafficPolicy internal_traffic_policy = TrafficPolicy::Cluster;
  SessionAffinity session_affinity = SessionAffinity::None;
  bool publish_not_ready_addresses = false;
  std::string load_balancer_class;
  std::optional<AwsLoadBalancer> load_balancer;  // type LoadBalancer only
  Labels annotations;

  // Workloads of the Service's namespace whose pod template carries every
  // selector label (indices into ManifestSet::workloads, ascending).
  std::vector<std::uint32_t> backends;
  scenario::SourceLocation where;

  [[nodiscard]] bool has_selector() const { return !selector.empty(); }
};

}  // namespace eksim::k8s
