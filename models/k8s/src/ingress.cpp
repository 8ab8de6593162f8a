#include "eksim/k8s/ingress.hpp"

namespace eksim::k8s {

std::string_view to_string(IngressController controller) {
  switch (controller) {
    case IngressController::None:
      return "none";
    case IngressController::AwsLoadBalancerController:
      return "AWS Load Balancer Controller";
    case IngressController::EksAutoMode:
      return "EKS Auto Mode";
    case IngressController::Other:
      return "other controller";
  }
  return "none";
}

std::string_view to_string(IngressClassSource source) {
  switch (source) {
    case IngressClassSource::None:
      return "none";
    case IngressClassSource::Field:
      return "spec.ingressClassName";
    case IngressClassSource::Annotation:
      return "kubernetes.io/ingress.class";
    case IngressClassSource::DefaultClass:
      return "default IngressClass";
  }
  return "none";
}

std::string_view to_string(IngressPathType type) {
  switch (type) {
    case IngressPathType::Exact:
      return "Exact";
    case IngressPathType::Prefix:
      return "Prefix";
    case IngressPathType::ImplementationSpecific:
      return "ImplementationSpecific";
  }
  return "Prefix";
}

std::string_view to_string(AlbListenerProtocol protocol) {
  return protocol == AlbListenerProtocol::Https ? "HTTPS" : "HTTP";
}

NlbTargetType Ingress::target_type_of(std::uint32_t service) const {
  if (default_backend && default_backend->service == service) return default_backend->target_type;
  for (const auto& rule : rules) {
    for (const auto& path : rule.paths) {
      if (path.backend.service == service) return path.backend.target_type;
    }
  }
  return alb.target_type;
}

}  // namespace eksim::k8s
