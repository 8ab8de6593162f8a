// Once every manifest is read: each Ingress's class and controller, and each
// backend's Service, port and target type. What the API server accepts but
// leaves a path without a backend (a missing Service, a missing port) is a
// warning, not an error.
#include <algorithm>

#include "manifest_builder.hpp"

namespace eksim::k8s::detail {
namespace {

IngressController controller_of(std::string_view name) {
  if (name == kIngressControllerAlb) return IngressController::AwsLoadBalancerController;
  if (name == kIngressControllerEksAutoMode) return IngressController::EksAutoMode;
  return IngressController::Other;
}

std::string describe_ports(const Service& svc) {
  std::string out;
  for (std::size_t i = 0; i < svc.ports.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(svc.ports[i].port);
    if (!svc.ports[i].name.empty()) out += " (" + svc.ports[i].name + ")";
  }
  return out.empty() ? "none" : out;
}

}  // namespace

void ManifestBuilder::resolve_ingresses() {
  std::vector<std::uint32_t> defaults;
  std::vector<std::string_view> class_names;
  for (std::uint32_t i = 0; i < set_.ingress_classes.size(); ++i) {
    if (set_.ingress_classes[i].is_default) defaults.push_back(i);
    class_names.push_back(set_.ingress_classes[i].name);
  }
  auto warn = [&](const SourceLocation& where, const Ingress& ing, const std::string& path, const std::string& what) {
    set_.warnings.push_back(ManifestWarning{where, "Ingress " + quoted(ing.id) + ": " + path + ": " + what});
  };

  for (std::size_t n = 0; n < set_.ingresses.size(); ++n) {
    Ingress& ing = set_.ingresses[n];
    const IngressFields& fields = ingress_fields_[n];

    // The class: the annotation names the controller's own class ("alb" for
    // the AWS Load Balancer Controller); the field names an IngressClass.
    if (ing.class_source == IngressClassSource::None) {
      if (defaults.size() == 1) {
        ing.class_source = IngressClassSource::DefaultClass;
        ing.ingress_class = set_.ingress_classes[defaults.front()].name;
      } else if (defaults.size() > 1) {
        set_.warnings.push_back(ManifestWarning{
            ing.where, "Ingress " + quoted(ing.id) + ": " + std::to_string(defaults.size()) +
                           " IngressClasses are marked default, so which one the API server gives an Ingress "
                           "without a class depends on when they were created; this one is left without a class"});
      }
    }
    switch (ing.class_source) {
      case IngressClassSource::None:
        ing.controller = IngressController::None;
        break;
      case IngressClassSource::Annotation:
        ing.controller = ing.ingress_class == kIngressClassAlb ? IngressController::AwsLoadBalancerController
                                                               : IngressController::Other;
        break;
      case IngressClassSource::Field:
      case IngressClassSource::DefaultClass:
        ing.ingress_class_index = set_.find_ingress_class(ing.ingress_class);
        if (ing.ingress_class_index) {
          ing.controller = controller_of(set_.ingress_classes[*ing.ingress_class_index].controller);
        } else if (ing.ingress_class == kIngressClassAlb) {
          // The controller's Helm chart creates IngressClass alb (ingress.k8s.aws/alb).
          ing.controller = IngressController::AwsLoadBalancerController;
        } else {
          ing.controller = IngressController::Other;
          warn(fields.class_where, ing, fields.class_path,
               "no IngressClass " + quoted(ing.ingress_class) +
                   " among the manifests, so no controller is known for it; read as not served by an AWS "
                   "controller" +
                   util::did_you_mean(ing.ingress_class, class_names));
        }
        break;
    }

    const bool alb = ing.makes_alb();
    for (const IngressBackendFields& at : fields.backends) {
      IngressBackend& backend =
          at.rule < 0 ? *ing.default_backend : ing.rules[static_cast<std::size_t>(at.rule)].paths[at.path].backend;
      backend.target_type = ing.alb.target_type;
      if (backend.is_resource()) {
        if (alb) {
          warn(at.where, ing, at.backend_path,
               "the AWS Load Balancer Controller routes only to Services, not to a " + backend.resource_kind);
        }
        continue;
      }
      if (backend.is_annotation_action()) {
        const std::string key = std::string(kAlbAnnotationActionPrefix) + backend.service_name;
        if (alb && ing.annotations.find(key) == ing.annotations.end()) {
          warn(at.port_where, ing, at.port_path,
               "port use-annotation needs the annotation " + key + ", which this Ingress does not have");
        }
        continue;
      }
      backend.service = set_.find_service(ing.namespace_name, backend.service_name);
      if (!backend.service) {
        std::vector<std::string_view> names;
        for (const Service& s : set_.services) {
          if (s.namespace_name == ing.namespace_name) names.push_back(s.name);
        }
        warn(at.name_where, ing, at.name_path,
             "no Service " + quoted(backend.service_name) + " in namespace " + quoted(ing.namespace_name) +
                 util::did_you_mean(backend.service_name, names) + "; the API server accepts it, but this " +
                 (at.rule < 0 ? std::string("default backend") : std::string("path")) + " has nowhere to go");
        continue;
      }
      const Service& svc = set_.services[*backend.service];
      const auto port = std::find_if(svc.ports.begin(), svc.ports.end(), [&](const ServicePort& p) {
        return backend.port_name.empty() ? p.port == backend.port_number : p.name == backend.port_name;
      });
      if (port == svc.ports.end()) {
        const std::string wanted = backend.port_name.empty() ? "port " + std::to_string(backend.port_number)
                                                             : "port named " + quoted(backend.port_name);
        std::vector<std::string_view> port_names;
        for (const ServicePort& p : svc.ports) port_names.push_back(p.name);
        warn(at.port_where, ing, at.port_path,
             "Service " + quoted(svc.id) + " has no " + wanted + " (its ports: " + describe_ports(svc) + ")" +
                 (backend.port_name.empty() ? std::string() : util::did_you_mean(backend.port_name, port_names)));
      } else {
        backend.service_port = static_cast<std::uint32_t>(port - svc.ports.begin());
      }
      // Service annotations win over the Ingress's (read_service checked the value).
      if (const auto it = svc.annotations.find(std::string(kAlbAnnotationTargetType)); it != svc.annotations.end()) {
        backend.target_type = it->second == "ip" ? NlbTargetType::Ip : NlbTargetType::Instance;
      }
      if (alb && backend.target_type == NlbTargetType::Instance && svc.type != ServiceType::NodePort &&
          svc.type != ServiceType::LoadBalancer) {
        warn(at.name_where, ing, at.name_path,
             "target type instance sends to the Service's NodePort, but " + quoted(svc.id) + " is of type " +
                 std::string(to_string(svc.type)) +
                 "; the controller needs NodePort or LoadBalancer (or target-type ip)");
      }
    }
  }
}

}  // namespace eksim::k8s::detail
