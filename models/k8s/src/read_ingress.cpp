// networking.k8s.io/v1 Ingress and IngressClass, validated as the API server
// validates them (k8s.io/kubernetes pkg/apis/networking/validation), with the
// ALB settings read from the AWS Load Balancer Controller's annotations the way
// the controller parses them (pkg/ingress in aws-load-balancer-controller).
#include <algorithm>
#include <array>

#include "annotation_values.hpp"
#include "eksim/k8s/ingress.hpp"
#include "name_rules.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

// The API server refuses these in Exact and Prefix paths.
constexpr std::array<std::string_view, 5> kInvalidPathSequences = {"//", "/./", "/../", "%2f", "%2F"};
constexpr std::array<std::string_view, 2> kInvalidPathSuffixes = {"/..", "/."};
constexpr std::size_t kMaxGroupNameLength = 63;

// The controller's groupNameRegex ^([a-z0-9][-a-z0-9.]*)?[a-z0-9]$, at most 63 characters.
std::string group_name_problem(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > kMaxGroupNameLength) return "must be at most 63 characters";
  const auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (const char c : name) {
    if (!lower_alnum(c) && c != '-' && c != '.') return "may contain only lowercase letters, digits, '-' and '.'";
  }
  if (!lower_alnum(name.front()) || !lower_alnum(name.back())) {
    return "must start and end with a lowercase letter or digit";
  }
  return {};
}

IngressBackend read_backend(const Reader& r, const Field& field, IngressBackendFields* at) {
  const MapView b = read_map(r, field);
  for (const std::string_view old : {"serviceName", "servicePort"}) {
    if (const auto f = b.get(old)) {
      r.fail(Field{f->key, f->key, f->path},
             "serviceName and servicePort are the extensions/v1beta1 and networking.k8s.io/v1beta1 form (removed "
             "in Kubernetes 1.22); networking.k8s.io/v1 takes service: {name: ..., port: {number: ...}}");
    }
  }
  b.check_fields({"service", "resource"}, {});
  IngressBackend out;
  out.where = r.at(field);
  at->backend_path = field.path;
  at->where = out.where;
  const auto service = b.get("service");
  const auto resource = b.get("resource");
  if (service && resource) r.fail(field, "cannot set both resource and service backends");
  if (!service && !resource) r.fail(field, "a backend needs a service (or a resource)");
  if (resource) {
    const MapView res = read_map(r, *resource);
    res.check_fields({"apiGroup", "kind", "name"}, {});
    if (const auto group = res.get("apiGroup")) out.resource_api_group = read_string(r, *group);
    out.resource_kind = read_string(r, res.require("kind"));
    out.resource_name = read_string(r, res.require("name"));
    if (out.resource_kind.empty()) r.fail(res.require("kind"), "kind is required");
    if (out.resource_name.empty()) r.fail(res.require("name"), "name is required");
    return out;
  }
  const MapView svc = read_map(r, *service);
  svc.check_fields({"name", "port"}, {});
  const Field name = svc.require("name");
  out.service_name = read_string(r, name);
  if (const std::string problem = dns1035_label_problem(out.service_name); !problem.empty()) {
    r.fail(name, "invalid Service name " + quoted(out.service_name) + ": " + problem);
  }
  at->name_where = r.at(name);
  at->name_path = name.path;
  const Field port_field = svc.require("port");
  const MapView port = read_map(r, port_field);
  port.check_fields({"name", "number"}, {});
  const auto port_name = port.get("name");
  const auto port_number = port.get("number");
  if (port_name && port_number) r.fail(port_field, "cannot set both port name and port number");
  if (!port_name && !port_number) r.fail(port_field, "a port name or number is required");
  if (port_number) {
    out.port_number = read_port_number(r, *port_number);
    at->port_where = r.at(*port_number);
    at->port_path = port_number->path;
  } else {
    out.port_name = read_string(r, *port_name);
    if (const std::string problem = port_name_problem(out.port_name); !problem.empty()) {
      r.fail(*port_name, "invalid port name " + quoted(out.port_name) + ": " + problem);
    }
    at->port_where = r.at(*port_name);
    at->port_path = port_name->path;
  }
  return out;
}

IngressPath read_path(const Reader& r, const Field& item, IngressBackendFields* at) {
  const MapView p = read_map(r, item);
  p.check_fields({"path", "pathType", "backend"}, {});
  IngressPath out;
  const auto path = p.get("path");
  if (path) out.path = read_string(r, *path);
  const auto type = p.get("pathType");
  if (!type) r.fail(item, "pathType must be specified: Exact, Prefix or ImplementationSpecific");
  out.path_type = read_enum<IngressPathType>(r, *type, {"Exact", "Prefix", "ImplementationSpecific"});
  const Field& path_at = path ? *path : item;
  if (out.path_type != IngressPathType::ImplementationSpecific || !out.path.empty()) {
    if (out.path.empty() || out.path.front() != '/') {
      r.fail(path_at, "must be an absolute path (starting with '/'), got " + quoted(out.path));
    }
  }
  if (out.path_type != IngressPathType::ImplementationSpecific) {
    for (const std::string_view seq : kInvalidPathSequences) {
      if (out.path.find(seq) != std::string::npos) r.fail(path_at, "must not contain '" + std::string(seq) + "'");
    }
    for (const std::string_view suffix : kInvalidPathSuffixes) {
      if (out.path.ends_with(suffix)) r.fail(path_at, "cannot end with '" + std::string(suffix) + "'");
    }
  }
  out.backend = read_backend(r, p.require("backend"), at);
  return out;
}

std::string read_host(const Reader& r, const Field& field) {
  std::string host = read_string(r, field);
  if (host.empty()) return host;
  if (is_ip_address(host)) r.fail(field, "must be a DNS name, not an IP address");
  const std::string problem =
      host.find('*') != std::string::npos ? wildcard_dns1123_subdomain_problem(host) : dns1123_subdomain_problem(host);
  if (!problem.empty()) r.fail(field, "invalid host " + quoted(host) + ": " + problem);
  return host;
}

// alb.ingress.kubernetes.io/listen-ports: JSON, a list of {"HTTP": 80} or
// {"HTTPS": 443} objects, parsed with Go's encoding/json into
// []map[string]int64; a port given twice keeps its last protocol.
std::vector<AlbListener> read_listen_ports(const Reader& r, const Field& field, const std::string& text) {
  const std::string example = "; expected JSON such as [{\"HTTP\": 80}, {\"HTTPS\": 443}]";
  YAML::Node doc;
  try {
    doc = YAML::Load(text);  // JSON is YAML; the checks below keep to what JSON allows
  } catch (const YAML::Exception&) {
    r.fail(field, "cannot parse " + quoted(text) + example);
  }
  if (!doc.IsSequence()) r.fail(field, "expected a JSON list, got " + quoted(text) + example);
  if (doc.size() == 0) r.fail(field, "an empty listen-ports list gives the ALB no listener" + example);
  std::vector<AlbListener> listeners;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const YAML::Node entry = doc[i];
    if (!entry.IsMap()) r.fail(field, "each item must be a JSON object such as {\"HTTP\": 80}" + example);
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node value = it->second;
      // A quoted key has the non-specific tag "!"; JSON has no other kind.
      if (!key.IsScalar() || key.Tag() != "!") {
        r.fail(field, "JSON object keys are double-quoted strings such as \"HTTP\"" + example);
      }
      AlbListener listener;
      if (key.Scalar() == "HTTPS") {
        listener.protocol = AlbListenerProtocol::Https;
      } else if (key.Scalar() != "HTTP") {
        r.fail(field, "listen protocol must be HTTP or HTTPS, got " + quoted(key.Scalar()) +
                          util::did_you_mean(key.Scalar(), std::vector<std::string_view>{"HTTP", "HTTPS"}));
      }
      const bool digits =
          value.IsScalar() && value.Tag() == "?" && !value.Scalar().empty() &&
          std::all_of(value.Scalar().begin(), value.Scalar().end(), [](char c) { return c >= '0' && c <= '9'; });
      const auto port = digits ? parse_yaml_int(value.Scalar()) : std::nullopt;
      if (!port || *port < 1 || *port > 65535) {
        r.fail(field, "listen port must be a number from 1 to 65535, got " +
                          (value.IsScalar() ? quoted(value.Scalar()) : std::string("a structure")));
      }
      listener.port = static_cast<std::uint16_t>(*port);
      const auto same = std::find_if(listeners.begin(), listeners.end(),
                                     [&](const AlbListener& l) { return l.port == listener.port; });
      if (same != listeners.end()) {
        r.warn(field, "port " + std::to_string(listener.port) +
                          " is listed twice; the controller keeps the last protocol, " +
                          std::string(to_string(listener.protocol)));
        same->protocol = listener.protocol;
      } else {
        listeners.push_back(listener);
      }
    }
  }
  std::sort(listeners.begin(), listeners.end(),
            [](const AlbListener& a, const AlbListener& b) { return a.port < b.port; });
  return listeners;
}

AlbSettings read_alb_settings(const Reader& r, const ObjectMeta& meta) {
  AlbSettings alb;
  if (const auto scheme = annotation_field(r, meta, kAlbAnnotationScheme)) {
    alb.scheme = read_enum<LoadBalancerScheme>(r, *scheme, {"internal", "internet-facing"});
    alb.scheme_explicit = true;
  }
  if (const auto target = annotation_field(r, meta, kAlbAnnotationTargetType)) {
    alb.target_type = read_enum<NlbTargetType>(r, *target, {"instance", "ip"});
    alb.target_type_explicit = true;
  }
  if (const auto group = annotation_field(r, meta, kAlbAnnotationGroupName)) {
    alb.group_name = read_string(r, *group);
    if (const std::string problem = group_name_problem(alb.group_name); !problem.empty()) {
      r.fail(*group, "invalid group name " + quoted(alb.group_name) + ": " + problem);
    }
  }
  if (const auto attributes = annotation_field(r, meta, kAlbAnnotationAttributes)) {
    alb.attributes_text = read_string(r, *attributes);
    alb.attributes = read_key_value_pairs(r, *attributes);
  }
  if (const auto cidrs = annotation_field(r, meta, kAlbAnnotationInboundCidrs)) {
    for (const std::string& part : split_commas(read_string(r, *cidrs))) {
      std::string problem;
      auto cidr = parse_ip_cidr(part, &problem);
      if (!cidr) r.fail(*cidrs, "invalid address block " + quoted(part) + ": " + problem);
      alb.inbound_cidrs.push_back(std::move(*cidr));
    }
  }
  if (const auto ports = annotation_field(r, meta, kAlbAnnotationListenPorts)) {
    alb.listen_ports_text = read_string(r, *ports);
    alb.listeners = read_listen_ports(r, *ports, alb.listen_ports_text);
  } else {
    // The controller prefers TLS when a certificate is named.
    bool certificate = false;
    if (const auto arn = annotation_field(r, meta, kAlbAnnotationCertificateArn)) {
      certificate = !split_commas(read_string(r, *arn)).empty();
    }
    alb.listeners.push_back(certificate ? AlbListener{AlbListenerProtocol::Https, 443}
                                        : AlbListener{AlbListenerProtocol::Http, 80});
  }
  return alb;
}

}  // namespace

Ingress read_ingress(const Reader& r, const MapView& object, const ObjectMeta& meta, IngressFields* fields) {
  Ingress ing;
  ing.name = meta.name;
  ing.namespace_name = meta.namespace_name;
  ing.annotations = meta.annotations;
  ing.where = meta.where;

  const MapView spec = read_map(r, object.require("spec"));
  if (const auto old = spec.get("backend")) {
    r.fail(*old,
           "spec.backend is the extensions/v1beta1 and networking.k8s.io/v1beta1 name (removed in Kubernetes "
           "1.22); networking.k8s.io/v1 calls it defaultBackend");
  }
  spec.check_fields({"ingressClassName", "defaultBackend", "rules"}, {"tls"});

  const auto class_annotation = annotation_field(r, meta, kAnnotationIngressClass);
  if (const auto class_name = spec.get("ingressClassName")) {
    if (class_annotation) {
      r.fail(*class_annotation,
             "cannot be set when spec.ingressClassName is also set (the API server refuses an Ingress with both)");
    }
    ing.ingress_class = read_string(r, *class_name);
    if (const std::string problem = dns1123_subdomain_problem(ing.ingress_class); !problem.empty()) {
      r.fail(*class_name, "invalid IngressClass name " + quoted(ing.ingress_class) + ": " + problem);
    }
    ing.class_source = IngressClassSource::Field;
    fields->class_where = r.at(*class_name);
    fields->class_path = class_name->path;
  } else if (class_annotation) {
    ing.ingress_class = read_string(r, *class_annotation);
    ing.class_source = IngressClassSource::Annotation;
    fields->class_where = r.at(*class_annotation);
    fields->class_path = class_annotation->path;
  }

  ing.alb = read_alb_settings(r, meta);

  const auto default_backend = spec.get("defaultBackend");
  if (default_backend) {
    IngressBackendFields at;
    ing.default_backend = read_backend(r, *default_backend, &at);
    fields->backends.push_back(std::move(at));
  }
  const auto rules = spec.get("rules");
  std::vector<Field> rule_items;
  if (rules) rule_items = read_list(r, *rules);
  if (rule_items.empty() && !default_backend) {
    r.fail(rules ? *rules : spec.self(), "either defaultBackend or rules must be specified");
  }
  for (std::size_t i = 0; i < rule_items.size(); ++i) {
    const MapView rule = read_map(r, rule_items[i]);
    rule.check_fields({"host", "http"}, {});
    IngressRule out;
    if (const auto host = rule.get("host")) out.host = read_host(r, *host);
    if (const auto http = rule.get("http")) {
      const MapView h = read_map(r, *http);
      h.check_fields({"paths"}, {});
      const auto paths = h.get("paths");
      const std::vector<Field> items = paths ? read_list(r, *paths) : std::vector<Field>{};
      if (items.empty()) r.fail(paths ? *paths : *http, "an http rule needs at least one path");
      for (std::size_t j = 0; j < items.size(); ++j) {
        IngressBackendFields at;
        at.rule = static_cast<int>(i);
        at.path = j;
        out.paths.push_back(read_path(r, items[j], &at));
        fields->backends.push_back(std::move(at));
      }
    }
    ing.rules.push_back(std::move(out));
  }
  return ing;
}

IngressClass read_ingress_class(const Reader& r, const MapView& object, const ObjectMeta& meta) {
  IngressClass ic;
  ic.name = meta.name;
  ic.where = meta.where;
  if (const auto it = meta.annotations.find(std::string(kAnnotationDefaultIngressClass));
      it != meta.annotations.end()) {
    // The admission plugin compares with "true" exactly.
    ic.is_default = it->second == "true";
  }
  if (!object.get("spec")) return ic;  // spec is optional; such a class has no controller
  const MapView spec = read_map(r, *object.get("spec"));
  spec.check_fields({"controller"}, {"parameters"});
  if (const auto controller = spec.get("controller")) {
    ic.controller = read_string(r, *controller);
    if (const std::string problem = domain_prefixed_path_problem(ic.controller); !problem.empty()) {
      r.fail(*controller, "invalid controller " + quoted(ic.controller) + ": " + problem);
    }
    const std::vector<std::string_view> aws = {kIngressControllerAlb, kIngressControllerEksAutoMode};
    if (std::find(aws.begin(), aws.end(), ic.controller) == aws.end()) {
      if (const std::string hint = util::did_you_mean(ic.controller, aws); !hint.empty()) {
        r.fail(*controller, "unknown controller " + quoted(ic.controller) + hint);
      }
    }
  }
  return ic;
}

}  // namespace eksim::k8s::detail
