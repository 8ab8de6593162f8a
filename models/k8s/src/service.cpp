#include "eksim/k8s/service.hpp"

namespace eksim::k8s {

std::string_view to_string(ServiceType type) {
  switch (type) {
    case ServiceType::ClusterIP:
      return "ClusterIP";
    case ServiceType::NodePort:
      return "NodePort";
    case ServiceType::LoadBalancer:
      return "LoadBalancer";
    case ServiceType::ExternalName:
      return "ExternalName";
  }
  return "ClusterIP";
}

std::string_view to_string(TrafficPolicy policy) { return policy == TrafficPolicy::Local ? "Local" : "Cluster"; }

std::string_view to_string(SessionAffinity affinity) {
  return affinity == SessionAffinity::ClientIP ? "ClientIP" : "None";
}

}  // namespace eksim::k8s
