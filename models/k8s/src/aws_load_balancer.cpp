#include "eksim/k8s/aws_load_balancer.hpp"

namespace eksim::k8s {

std::string_view to_string(LoadBalancerController controller) {
  switch (controller) {
    case LoadBalancerController::InTreeClassic:
      return "in-tree (Classic)";
    case LoadBalancerController::InTreeNlb:
      return "in-tree (NLB)";
    case LoadBalancerController::AwsLoadBalancerController:
      return "AWS Load Balancer Controller";
    case LoadBalancerController::EksAutoMode:
      return "EKS Auto Mode";
    case LoadBalancerController::OtherClass:
      return "other loadBalancerClass";
  }
  return "in-tree (Classic)";
}

std::string_view to_string(LoadBalancerKind kind) {
  switch (kind) {
    case LoadBalancerKind::Classic:
      return "Classic";
    case LoadBalancerKind::Network:
      return "Network";
    case LoadBalancerKind::None:
      return "None";
  }
  return "None";
}

std::string_view to_string(NlbTargetType type) { return type == NlbTargetType::Ip ? "ip" : "instance"; }

std::string_view to_string(LoadBalancerScheme scheme) {
  return scheme == LoadBalancerScheme::Internal ? "internal" : "internet-facing";
}

}  // namespace eksim::k8s
