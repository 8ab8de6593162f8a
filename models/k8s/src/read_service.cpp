// core/v1 Service and the AWS load balancer its annotations ask for.
#include <set>
#include <utility>

#include "annotation_values.hpp"
#include "eksim/k8s/ingress.hpp"
#include "name_rules.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

AwsLoadBalancer read_aws_load_balancer(const Reader& r, const ObjectMeta& meta, const Service& svc,
                                       const std::optional<Field>& class_field) {
  AwsLoadBalancer lb;
  const auto type = annotation_field(r, meta, kAnnotationLbType);
  if (type) lb.type_annotation = read_string(r, *type);

  if (!svc.load_balancer_class.empty()) {
    if (svc.load_balancer_class == kClassAwsLoadBalancerController) {
      lb.controller = LoadBalancerController::AwsLoadBalancerController;
    } else if (svc.load_balancer_class == kClassEksAutoMode) {
      lb.controller = LoadBalancerController::EksAutoMode;
    } else {
      const std::vector<std::string_view> aws = {kClassAwsLoadBalancerController, kClassEksAutoMode};
      if (const std::string hint = util::did_you_mean(svc.load_balancer_class, aws); !hint.empty()) {
        r.fail(*class_field, "unknown loadBalancerClass " + quoted(svc.load_balancer_class) + hint);
      }
      lb.controller = LoadBalancerController::OtherClass;
    }
  } else if (type) {
    switch (read_choice(r, *type, {"external", "nlb", "nlb-ip"})) {
      case 0:
      case 2:
        lb.controller = LoadBalancerController::AwsLoadBalancerController;
        break;
      default:
        lb.controller = LoadBalancerController::InTreeNlb;
        break;
    }
  }
  const bool aws_controller = lb.controller == LoadBalancerController::AwsLoadBalancerController ||
                              lb.controller == LoadBalancerController::EksAutoMode;
  switch (lb.controller) {
    case LoadBalancerController::InTreeClassic:
      lb.kind = LoadBalancerKind::Classic;
      break;
    case LoadBalancerController::OtherClass:
      lb.kind = LoadBalancerKind::None;
      break;
    default:
      lb.kind = LoadBalancerKind::Network;
      break;
  }

  // Target type.
  if (const auto target = annotation_field(r, meta, kAnnotationTargetType)) {
    const auto chosen = read_enum<NlbTargetType>(r, *target, {"instance", "ip"});
    if (aws_controller) {
      if (lb.type_annotation == "nlb-ip" && chosen == NlbTargetType::Instance) {
        r.warn(*target,
               "aws-load-balancer-type nlb-ip always registers pod IPs; this instance target type is "
               "ignored");
      } else {
        lb.target_type = chosen;
        lb.target_type_explicit = true;
      }
    } else if (lb.controller != LoadBalancerController::OtherClass) {
      r.warn(*target,
             "only the AWS Load Balancer Controller reads this annotation; the in-tree provider "
             "registers instances");
    }
  }
  if (lb.type_annotation == "nlb-ip" && lb.controller == LoadBalancerController::AwsLoadBalancerController) {
    lb.target_type = NlbTargetType::Ip;
    lb.target_type_explicit = true;
  }

  // Scheme.
  lb.scheme = aws_controller ? LoadBalancerScheme::Internal : LoadBalancerScheme::InternetFacing;
  const auto internal = annotation_field(r, meta, kAnnotationInternal);
  if (internal) {
    lb.scheme = read_go_bool(r, *internal) ? LoadBalancerScheme::Internal : LoadBalancerScheme::InternetFacing;
    lb.scheme_explicit = true;
  }
  if (const auto scheme = annotation_field(r, meta, kAnnotationScheme)) {
    const auto chosen = read_enum<LoadBalancerScheme>(r, *scheme, {"internal", "internet-facing"});
    if (aws_controller) {
      lb.scheme = chosen;
      lb.scheme_explicit = true;
    } else if (lb.controller != LoadBalancerController::OtherClass) {
      r.warn(*scheme,
             "the in-tree provider does not read aws-load-balancer-scheme; use "
             "service.beta.kubernetes.io/aws-load-balancer-internal");
    }
  }

  // Cross-zone: the attributes annotation wins over the older boolean one.
  if (const auto cross = annotation_field(r, meta, kAnnotationCrossZone)) {
    lb.cross_zone = read_go_bool(r, *cross);
    lb.cross_zone_explicit = true;
  }
  if (const auto attributes = annotation_field(r, meta, kAnnotationAttributes)) {
    for (auto& [key, value] : read_key_value_pairs(r, *attributes)) {
      if (key == kAttributeCrossZone) {
        if (value != "true" && value != "false") {
          r.fail(*attributes, std::string(kAttributeCrossZone) + " must be true or false, got " + quoted(value));
        }
        lb.cross_zone = value == "true";
        lb.cross_zone_explicit = true;
      }
      lb.attributes.emplace_back(std::move(key), std::move(value));
    }
  }

  // Source ranges: the spec field wins over the annotation, as in both controllers.
  if (const auto ranges = annotation_field(r, meta, kAnnotationSourceRanges)) {
    for (const std::string& part : split_commas(read_string(r, *ranges))) {
      std::string problem;
      auto cidr = parse_ip_cidr(part, &problem);
      if (!cidr) r.fail(*ranges, "invalid address block " + quoted(part) + ": " + problem);
      lb.source_ranges.push_back(std::move(*cidr));
    }
  }
  return lb;
}

}  // namespace

Service read_service(const Reader& r, const MapView& object, const ObjectMeta& meta) {
  Service svc;
  svc.name = meta.name;
  svc.namespace_name = meta.namespace_name;
  svc.annotations = meta.annotations;
  svc.where = meta.where;

  const MapView spec = read_map(r, object.require("spec"));
  spec.check_fields(
      {"ports", "selector", "clusterIP", "type", "externalName", "externalTrafficPolicy", "internalTrafficPolicy",
       "sessionAffinity", "publishNotReadyAddresses", "loadBalancerClass", "loadBalancerSourceRanges"},
      {"clusterIPs", "externalIPs", "loadBalancerIP", "healthCheckNodePort", "sessionAffinityConfig", "ipFamilies",
       "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "trafficDistribution"});

  const auto type = spec.get("type");
  if (type) {
    svc.type = read_enum<ServiceType>(r, *type, {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"});
  }
  const bool node_ports = svc.type == ServiceType::NodePort || svc.type == ServiceType::LoadBalancer;

  if (const auto ip = spec.get("clusterIP")) {
    svc.cluster_ip = read_string(r, *ip);
    if (svc.cluster_ip == "None") {
      if (svc.type != ServiceType::ClusterIP) {
        r.fail(*ip, "clusterIP: None (a headless Service) is only valid with type ClusterIP");
      }
      svc.headless = true;
    } else if (!svc.cluster_ip.empty()) {
      if (svc.type == ServiceType::ExternalName) r.fail(*ip, "an ExternalName Service has no clusterIP");
      if (!is_ip_address(svc.cluster_ip)) {
        r.fail(*ip, "expected an IP address or None, got " + quoted(svc.cluster_ip) +
                        util::did_you_mean(svc.cluster_ip, std::vector<std::string_view>{"None"}));
      }
    }
  }

  if (const auto selector = spec.get("selector")) svc.selector = read_string_map(r, *selector, true);

  if (svc.type == ServiceType::ExternalName) {
    const Field name = spec.require("externalName");
    svc.external_name = read_string(r, name);
    std::string_view bare = svc.external_name;
    if (!bare.empty() && bare.back() == '.') bare.remove_suffix(1);
    if (const std::string problem = dns1123_subdomain_problem(bare); !problem.empty()) {
      r.fail(name, "invalid externalName " + quoted(svc.external_name) + ": " + problem);
    }
  } else if (const auto name = spec.get("externalName")) {
    svc.external_name = read_string(r, *name);
  }

  std::optional<Field> ports_field = spec.get("ports");
  if (ports_field) {
    const std::vector<Field> items = read_list(r, *ports_field);
    std::set<std::string> names;
    std::set<std::pair<int, int>> port_protocols;
    for (const Field& item : items) {
      const MapView p = read_map(r, item);
      p.check_fields({"name", "protocol", "port", "targetPort", "nodePort", "appProtocol"}, {});
      ServicePort port;
      if (const auto n = p.get("name")) {
        port.name = read_string(r, *n);
        if (!port.name.empty()) {
          if (const std::string problem = dns1123_label_problem(port.name); !problem.empty()) {
            r.fail(*n, "invalid port name " + quoted(port.name) + ": " + problem);
          }
        }
        if (!names.insert(port.name).second) r.fail(*n, "port name " + quoted(port.name) + " is used twice");
      }
      if (port.name.empty() && items.size() > 1) {
        r.fail(item, "every port needs a name when a Service has more than one port");
      }
      if (const auto proto = p.get("protocol")) port.protocol = read_protocol(r, *proto);
      const Field number = p.require("port");
      port.port = read_port_number(r, number);
      if (!port_protocols.emplace(port.port, static_cast<int>(port.protocol)).second) {
        r.fail(number,
               "port " + std::to_string(port.port) + "/" + std::string(to_string(port.protocol)) + " is listed twice");
      }
      port.target_port = PortRef::of_number(port.port);
      if (const auto target = p.get("targetPort")) port.target_port = read_port_ref(r, *target);
      if (const auto node = p.get("nodePort")) {
        if (!node_ports) {
          r.fail(*node,
                 "nodePort is only valid for type NodePort or LoadBalancer, not " + std::string(to_string(svc.type)));
        }
        port.node_port = read_port_number(r, *node);
      }
      if (const auto app = p.get("appProtocol")) port.app_protocol = read_string(r, *app);
      svc.ports.push_back(std::move(port));
    }
  }
  if (svc.ports.empty() && !svc.headless && svc.type != ServiceType::ExternalName) {
    r.fail(ports_field ? *ports_field : spec.self(),
           "a " + std::string(to_string(svc.type)) + " Service needs at least one port");
  }

  if (const auto etp = spec.get("externalTrafficPolicy")) {
    // "Global" and "OnlyLocal" were the pre-1.7 spellings; kube-apiserver no longer takes them.
    const auto policy = read_enum<TrafficPolicy>(r, *etp, {"Cluster", "Local"});
    if (!node_ports) {
      r.fail(*etp, "externalTrafficPolicy is only valid for type NodePort or LoadBalancer");
    }
    svc.external_traffic_policy = policy;
  }
  if (const auto itp = spec.get("internalTrafficPolicy")) {
    svc.internal_traffic_policy = read_enum<TrafficPolicy>(r, *itp, {"Cluster", "Local"});
  }
  if (const auto affinity = spec.get("sessionAffinity")) {
    svc.session_affinity = read_enum<SessionAffinity>(r, *affinity, {"None", "ClientIP"});
  }
  if (const auto pnr = spec.get("publishNotReadyAddresses")) svc.publish_not_ready_addresses = read_bool(r, *pnr);

  const auto lb_class = spec.get("loadBalancerClass");
  if (lb_class) {
    svc.load_balancer_class = read_string(r, *lb_class);
    if (svc.type != ServiceType::LoadBalancer) {
      r.fail(*lb_class, "loadBalancerClass is only valid for type LoadBalancer");
    }
  }
  std::vector<IpCidr> source_ranges;
  if (const auto ranges = spec.get("loadBalancerSourceRanges")) {
    for (const Field& item : read_list(r, *ranges)) source_ranges.push_back(read_ip_cidr(r, item));
  }
  if (svc.type == ServiceType::LoadBalancer) {
    AwsLoadBalancer lb = read_aws_load_balancer(r, meta, svc, lb_class);
    if (!source_ranges.empty()) lb.source_ranges = std::move(source_ranges);
    svc.load_balancer = std::move(lb);
  }
  // The AWS Load Balancer Controller reads this for the target groups of the
  // Ingresses that route here, ahead of the Ingress's own; a bad value fails
  // those Ingresses, so it is checked where it is written.
  if (const auto alb_target = annotation_field(r, meta, kAlbAnnotationTargetType)) {
    (void)read_enum<NlbTargetType>(r, *alb_target, {"instance", "ip"});
  }
  return svc;
}

}  // namespace eksim::k8s::detail
