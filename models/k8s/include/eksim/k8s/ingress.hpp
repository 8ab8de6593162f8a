// A networking.k8s.io/v1 Ingress and the IngressClass naming its controller,
// with the Application Load Balancer the AWS Load Balancer Controller makes for
// it, read from the controller's alb.ingress.kubernetes.io/ annotations the way
// the controller reads them. See docs/manifests.md ("Ingress").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eksim/k8s/aws_load_balancer.hpp"
#include "eksim/k8s/ip_cidr.hpp"
#include "eksim/k8s/labels.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

// Who implements an Ingress, which decides whether an ALB exists for it.
enum class IngressController : std::uint8_t {
  // No class at all (and no default IngressClass): the AWS Load Balancer
  // Controller leaves it alone (its --manage-ingresses-without-ingress-class
  // flag is off by default), as does every other controller.
  None,
  // Annotation kubernetes.io/ingress.class: alb, ingressClassName naming an
  // IngressClass whose spec.controller is ingress.k8s.aws/alb, or
  // ingressClassName alb when no IngressClass manifest says otherwise (the
  // controller's Helm chart creates that class).
  AwsLoadBalancerController,
  // An IngressClass whose spec.controller is eks.amazonaws.com/alb.
  EksAutoMode,
  // Any other class (nginx, ...): no ALB.
  Other,
};

// Where the Ingress's class came from.
enum class IngressClassSource : std::uint8_t { None, Field, Annotation, DefaultClass };

enum class IngressPathType : std::uint8_t { Exact, Prefix, ImplementationSpecific };
enum class AlbListenerProtocol : std::uint8_t { Http, Https };

std::string_view to_string(IngressController controller);
std::string_view to_string(IngressClassSource source);
std::string_view to_string(IngressPathType type);          // "Exact", "Prefix", "ImplementationSpecific"
std::string_view to_string(AlbListenerProtocol protocol);  // "HTTP", "HTTPS"

inline constexpr std::string_view kAnnotationIngressClass = "kubernetes.io/ingress.class";
inline constexpr std::string_view kAnnotationDefaultIngressClass = "ingressclass.kubernetes.io/is-default-class";
inline constexpr std::string_view kIngressClassAlb = "alb";
inline constexpr std::string_view kIngressControllerAlb = "ingress.k8s.aws/alb";
inline constexpr std::string_view kIngressControllerEksAutoMode = "eks.amazonaws.com/alb";
inline constexpr std::string_view kAlbAnnotationScheme = "alb.ingress.kubernetes.io/scheme";
inline constexpr std::string_view kAlbAnnotationTargetType = "alb.ingress.kubernetes.io/target-type";
inline constexpr std::string_view kAlbAnnotationGroupName = "alb.ingress.kubernetes.io/group.name";
inline constexpr std::string_view kAlbAnnotationAttributes = "alb.ingress.kubernetes.io/load-balancer-attributes";
inline constexpr std::string_view kAlbAnnotationInboundCidrs = "alb.ingress.kubernetes.io/inbound-cidrs";
inline constexpr std::string_view kAlbAnnotationListenPorts = "alb.ingress.kubernetes.io/listen-ports";
inline constexpr std::string_view kAlbAnnotationCertificateArn = "alb.ingress.kubernetes.io/certificate-arn";
inline constexpr std::string_view kAlbAnnotationActionPrefix = "alb.ingress.kubernetes.io/actions.";
// A backend port named this forwards to the action annotation
// alb.ingress.kubernetes.io/actions.<backend service name>, not to a Service.
inline constexpr std::string_view kAlbUseAnnotation = "use-annotation";

// A networking.k8s.io/v1 IngressClass, as far as choosing a controller goes.
struct IngressClass {
  std::string name;
  std::string controller;  // spec.controller, e.g. ingress.k8s.aws/alb
  // Annotation ingressclass.kubernetes.io/is-default-class is exactly "true":
  // the API server's DefaultIngressClass admission gives this class to new
  // Ingresses that name none.
  bool is_default = false;
  scenario::SourceLocation where;
};

struct IngressBackend {
  // spec...backend.service; empty for a resource backend.
  std::string service_name;
  std::uint16_t port_number = 0;  // 0 when the port is given by name
  std::string port_name;          // "" when given by number
  // spec...backend.resource (a TypedLocalObjectReference), kept as written;
  // the AWS Load Balancer Controller cannot route to one.
  std::string resource_api_group;
  std::string resource_kind;
  std::string resource_name;

  // port name use-annotation: the controller forwards to the action in
  // alb.ingress.kubernetes.io/actions.<service_name> (a redirect, a fixed
  // response or weighted target groups), not to a Service of that name.
  [[nodiscard]] bool is_annotation_action() const { return port_name == kAlbUseAnnotation; }
  [[nodiscard]] bool is_resource() const { return !resource_kind.empty(); }

  // Resolved once every manifest is read: the Service of the Ingress's
  // namespace with this name (index into ManifestSet::services) and its port
  // with this number or name (index into Service::ports). Unset when either is
  // missing (a warning says so; the API server accepts such an Ingress).
  std::optional<std::uint32_t> service;
  std::optional<std::uint32_t> service_port;
  // The target type of this backend's target group: the Service's
  // alb.ingress.kubernetes.io/target-type, else the Ingress's, else instance
  // (Service annotations win over Ingress ones in the controller).
  NlbTargetType target_type = NlbTargetType::Instance;
  scenario::SourceLocation where;  // the backend
};

struct IngressPath {
  std::string path;  // "" is allowed for ImplementationSpecific only
  IngressPathType path_type = IngressPathType::Prefix;
  IngressBackend backend;
};

struct IngressRule {
  std::string host;  // "" matches every host; "*.example.com" a wildcard
  // Empty when the rule has no `http` (a host with nothing routed).
  std::vector<IngressPath> paths;
};

struct AlbListener {
  AlbListenerProtocol protocol = AlbListenerProtocol::Http;
  std::uint16_t port = 80;
};

// The controller's view of one Ingress's annotations. Read for every Ingress
// (the class is known only once every manifest is read); it means something
// only when `Ingress::makes_alb()`.
struct AlbSettings {
  // alb.ingress.kubernetes.io/scheme, default internal.
  LoadBalancerScheme scheme = LoadBalancerScheme::Internal;
  bool scheme_explicit = false;
  // alb.ingress.kubernetes.io/target-type on the Ingress, default instance
  // (NodePorts through kube-proxy); ip registers pod IPs. Per backend, the
  // Service's annotation wins: see IngressBackend::target_type.
  NlbTargetType target_type = NlbTargetType::Instance;
  bool target_type_explicit = false;
  // alb.ingress.kubernetes.io/group.name; "" is the implicit group of this
  // Ingress alone. Ingresses sharing a name share one ALB.
  std::string group_name;
  // alb.ingress.kubernetes.io/load-balancer-attributes as written, and split
  // into its k=v pairs in order (idle_timeout.timeout_seconds=60, ...).
  std::string attributes_text;
  std::vector<std::pair<std::string, std::string>> attributes;
  // alb.ingress.kubernetes.io/inbound-cidrs; empty means 0.0.0.0/0 (and ::/0
  // for a dualstack ALB).
  std::vector<IpCidr> inbound_cidrs;
  // alb.ingress.kubernetes.io/listen-ports as written ("" when absent), and
  // the listeners it gives, sorted by port: default HTTP 80, or HTTPS 443 when
  // alb.ingress.kubernetes.io/certificate-arn is set.
  std::string listen_ports_text;
  std::vector<AlbListener> listeners;
};

struct Ingress {
  std::string id;  // "namespace/name"
  std::string namespace_name;
  std::uint32_t namespace_index = 0;
  std::string name;

  // spec.ingressClassName, else the kubernetes.io/ingress.class annotation,
  // else the default IngressClass's name (filled in once every manifest is
  // read), else "".
  std::string ingress_class;
  IngressClassSource class_source = IngressClassSource::None;
  // The IngressClass manifest named by ingress_class (index into
  // ManifestSet::ingress_classes), when there is one. The annotation names a
  // controller's class directly, not an IngressClass object, so it leaves this unset.
  std::optional<std::uint32_t> ingress_class_index;
  IngressController controller = IngressController::None;

  AlbSettings alb;
  std::optional<IngressBackend> default_backend;
  std::vector<IngressRule> rules;
  Labels annotations;
  scenario::SourceLocation where;

  [[nodiscard]] bool served_by_aws_load_balancer_controller() const {
    return controller == IngressController::AwsLoadBalancerController;
  }
  // An ALB exists for this Ingress (the AWS Load Balancer Controller's or EKS Auto Mode's).
  [[nodiscard]] bool makes_alb() const {
    return controller == IngressController::AwsLoadBalancerController || controller == IngressController::EksAutoMode;
  }
  // The target type of the target group serving Service `service` (an index
  // into ManifestSet::services), from the default backend or any rule's
  // backend naming it (all of them agree: the Service's annotation, else the
  // Ingress's); the Ingress's own when no backend names it.
  [[nodiscard]] NlbTargetType target_type_of(std::uint32_t service) const;
};

}  // namespace eksim::k8s
