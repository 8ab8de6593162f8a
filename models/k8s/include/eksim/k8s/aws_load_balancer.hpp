// How AWS fronts a Service of type LoadBalancer, read from the Service's
// annotations and loadBalancerClass the way the controllers read them
// (AWS Load Balancer Controller v2 service annotations; the in-tree AWS cloud
// provider for Services it still owns). See docs/manifests.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eksim/k8s/ip_cidr.hpp"

namespace eksim::k8s {

// Which controller provisions the load balancer, which decides its kind and defaults.
enum class LoadBalancerController : std::uint8_t {
  // No class, no aws-load-balancer-type: the in-tree provider makes a Classic Load Balancer.
  InTreeClassic,
  // aws-load-balancer-type: nlb without a class: the in-tree provider's NLB (instance targets).
  InTreeNlb,
  // The AWS Load Balancer Controller: loadBalancerClass service.k8s.aws/nlb, or
  // aws-load-balancer-type external or nlb-ip.
  AwsLoadBalancerController,
  // EKS Auto Mode: loadBalancerClass eks.amazonaws.com/nlb.
  EksAutoMode,
  // Any other loadBalancerClass: no AWS load balancer is made for the Service.
  OtherClass,
};

enum class LoadBalancerKind : std::uint8_t { Classic, Network, None };
enum class NlbTargetType : std::uint8_t { Instance, Ip };
enum class LoadBalancerScheme : std::uint8_t { Internal, InternetFacing };

std::string_view to_string(LoadBalancerController controller);
std::string_view to_string(LoadBalancerKind kind);
std::string_view to_string(NlbTargetType type);         // "instance", "ip"
std::string_view to_string(LoadBalancerScheme scheme);  // "internal", "internet-facing"

inline constexpr std::string_view kAnnotationLbType = "service.beta.kubernetes.io/aws-load-balancer-type";
inline constexpr std::string_view kAnnotationTargetType =
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
inline constexpr std::string_view kAnnotationScheme = "service.beta.kubernetes.io/aws-load-balancer-scheme";
inline constexpr std::string_view kAnnotationInternal = "service.beta.kubernetes.io/aws-load-balancer-internal";
inline constexpr std::string_view kAnnotationCrossZone =
    "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled";
inline constexpr std::string_view kAnnotationAttributes = "service.beta.kubernetes.io/aws-load-balancer-attributes";
inline constexpr std::string_view kAnnotationSourceRanges = "service.beta.kubernetes.io/load-balancer-source-ranges";
inline constexpr std::string_view kAttributeCrossZone = "load_balancing.cross_zone.enabled";
inline constexpr std::string_view kClassAwsLoadBalancerController = "service.k8s.aws/nlb";
inline constexpr std::string_view kClassEksAutoMode = "eks.amazonaws.com/nlb";

struct AwsLoadBalancer {
  LoadBalancerController controller = LoadBalancerController::InTreeClassic;
  LoadBalancerKind kind = LoadBalancerKind::Classic;
  std::string type_annotation;  // aws-load-balancer-type as written, "" when absent

  // Instance: the load balancer sends to NodePorts and kube-proxy forwards
  // (a second hop, possibly to another node). Ip: straight to pod IPs.
  // Default instance: always for the in-tree provider, and the AWS Load
  // Balancer Controller's default when the annotation is absent.
  NlbTargetType target_type = NlbTargetType::Instance;
  bool target_type_explicit = false;

  // Default internal for the AWS Load Balancer Controller and Auto Mode (since
  // LBC v2.2), internet-facing for the in-tree provider unless
  // aws-load-balancer-internal is "true".
  LoadBalancerScheme scheme = LoadBalancerScheme::InternetFacing;
  bool scheme_explicit = false;

  // Cross-zone load balancing: load_balancing.cross_zone.enabled in
  // aws-load-balancer-attributes, else the cross-zone annotation, else off
  // (the AWS default for NLBs and for Classic LBs made through the API).
  bool cross_zone = false;
  bool cross_zone_explicit = false;

  // aws-load-balancer-attributes, "k1=v1,k2=v2" split and kept in order.
  std::vector<std::pair<std::string, std::string>> attributes;
  // spec.loadBalancerSourceRanges, else the load-balancer-source-ranges
  // annotation; empty means 0.0.0.0/0.
  std::vector<IpCidr> source_ranges;
};

}  // namespace eksim::k8s
