// Importing networking.k8s.io/v1 Ingresses and IngressClasses (tests/k8s/ingress/):
// the controller each Ingress gets, the ALB settings the AWS Load Balancer
// Controller reads from its annotations (defaults from the controller's
// annotation reference), and each backend resolved to a Service and port.
// Expected values are read off the fixtures by hand.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "eksim/k8s/manifest_loader.hpp"

using namespace eksim::k8s;

namespace {

const std::string kDir = std::string(EKSIM_SOURCE_DIR) + "/tests/k8s/ingress/";

const ManifestSet& shop() {
  static const ManifestSet set = load_manifests({kDir + "shop.yaml"});
  return set;
}

const ManifestSet& classes() {
  static const ManifestSet set = load_manifests({kDir + "classes.yaml"});
  return set;
}

const Ingress& ingress(const ManifestSet& set, const std::string& ns, const std::string& name) {
  const auto index = set.find_ingress(ns, name);
  REQUIRE(index);
  return set.ingresses[*index];
}

// One Ingress with only these annotations and a default backend to Service
// web:80 (a NodePort, so instance targets are fine).
ManifestSet one_ingress(const std::string& annotations, const std::string& spec_extra = "") {
  std::string text = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: app\n";
  if (!annotations.empty()) text += "  annotations:\n" + annotations;
  text += "spec:\n" + spec_extra + "  defaultBackend:\n    service: {name: web, port: {number: 80}}\n";
  text +=
      "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: app}\n"
      "spec: {type: NodePort, ports: [{port: 80}]}\n";
  return load_manifest_text(text, "one.yaml");
}

}  // namespace

TEST_CASE("an ALB Ingress: host, two prefix paths, one Service port by name", "[k8s][ingress]") {
  const ManifestSet& set = shop();
  REQUIRE(set.ingresses.size() == 1);
  CHECK(set.warnings.empty());
  const Ingress& ing = ingress(set, "shop", "shop");
  CHECK(ing.id == "shop/shop");
  CHECK(set.namespaces[ing.namespace_index].name == "shop");
  CHECK(ing.where.str() == kDir + "shop.yaml:70:1");

  // ingressClassName alb with no IngressClass manifest: the class the
  // controller's Helm chart creates.
  CHECK(ing.ingress_class == "alb");
  CHECK(ing.class_source == IngressClassSource::Field);
  CHECK_FALSE(ing.ingress_class_index);
  CHECK(ing.controller == IngressController::AwsLoadBalancerController);
  CHECK(ing.served_by_aws_load_balancer_controller());
  CHECK(ing.makes_alb());

  CHECK(ing.alb.scheme == LoadBalancerScheme::InternetFacing);
  CHECK(ing.alb.scheme_explicit);
  CHECK(ing.alb.target_type == NlbTargetType::Instance);
  CHECK_FALSE(ing.alb.target_type_explicit);
  CHECK(ing.alb.group_name == "shop-public");
  CHECK(ing.alb.attributes_text == "idle_timeout.timeout_seconds=120, routing.http2.enabled=true");
  REQUIRE(ing.alb.attributes.size() == 2);
  CHECK(ing.alb.attributes[0] == std::pair<std::string, std::string>{"idle_timeout.timeout_seconds", "120"});
  CHECK(ing.alb.attributes[1] == std::pair<std::string, std::string>{"routing.http2.enabled", "true"});
  REQUIRE(ing.alb.inbound_cidrs.size() == 2);
  CHECK(ing.alb.inbound_cidrs[0].text == "203.0.113.0/24");
  CHECK(ing.alb.inbound_cidrs[1].ipv4.to_string() == "198.51.100.0/24");
  CHECK(ing.alb.listen_ports_text == R"([{"HTTP": 80}, {"HTTPS": 443}])");
  REQUIRE(ing.alb.listeners.size() == 2);
  CHECK(ing.alb.listeners[0].protocol == AlbListenerProtocol::Http);
  CHECK(ing.alb.listeners[0].port == 80);
  CHECK(ing.alb.listeners[1].protocol == AlbListenerProtocol::Https);
  CHECK(ing.alb.listeners[1].port == 443);
  CHECK(ing.annotations.size() == 6);

  CHECK_FALSE(ing.default_backend);
  REQUIRE(ing.rules.size() == 1);
  CHECK(ing.rules[0].host == "shop.example.com");
  REQUIRE(ing.rules[0].paths.size() == 2);

  const IngressPath& root = ing.rules[0].paths[0];
  CHECK(root.path == "/");
  CHECK(root.path_type == IngressPathType::Prefix);
  CHECK(root.backend.service_name == "storefront");
  CHECK(root.backend.port_number == 80);
  CHECK(root.backend.port_name.empty());
  REQUIRE(root.backend.service);
  CHECK(set.services[*root.backend.service].id == "shop/storefront");
  REQUIRE(root.backend.service_port);
  CHECK(*root.backend.service_port == 0);
  // The Ingress's default: instance targets, through the storefront's NodePort.
  CHECK(root.backend.target_type == NlbTargetType::Instance);

  const IngressPath& cart = ing.rules[0].paths[1];
  CHECK(cart.path == "/api/cart");
  CHECK(cart.path_type == IngressPathType::Prefix);
  CHECK(cart.backend.service_name == "cart");
  CHECK(cart.backend.port_number == 0);
  CHECK(cart.backend.port_name == "http");
  REQUIRE(cart.backend.service);
  const Service& cart_service = set.services[*cart.backend.service];
  CHECK(cart_service.id == "shop/cart");
  REQUIRE(cart.backend.service_port);
  // Port "http" is the cart Service's first port: 8080, to container port http.
  CHECK(cart_service.ports[*cart.backend.service_port].port == 8080);
  // The cart Service's own target-type annotation wins over the Ingress's default.
  CHECK(cart.backend.target_type == NlbTargetType::Ip);
}

TEST_CASE("IngressClasses are imported with their controller and default mark", "[k8s][ingress]") {
  const ManifestSet& set = classes();
  REQUIRE(set.ingress_classes.size() == 3);
  CHECK(set.ingress_classes[0].name == "internal-alb");
  CHECK(set.ingress_classes[0].controller == "ingress.k8s.aws/alb");
  CHECK_FALSE(set.ingress_classes[0].is_default);
  CHECK(set.ingress_classes[1].name == "nginx");
  CHECK(set.ingress_classes[1].controller == "k8s.io/ingress-nginx");
  CHECK(set.ingress_classes[1].is_default);
  CHECK(set.ingress_classes[2].controller == "eks.amazonaws.com/alb");
  CHECK(set.find_ingress_class("auto-alb") == 2u);
}

TEST_CASE("the class comes from ingressClassName, the annotation or the default IngressClass", "[k8s][ingress]") {
  const ManifestSet& set = classes();
  REQUIRE(set.ingresses.size() == 5);  // the extensions/v1beta1 one is skipped

  const Ingress& admin = ingress(set, "ops", "admin");  // ingressClassName -> IngressClass -> ingress.k8s.aws/alb
  CHECK(admin.class_source == IngressClassSource::Field);
  CHECK(admin.ingress_class == "internal-alb");
  CHECK(admin.ingress_class_index == 0u);
  CHECK(admin.controller == IngressController::AwsLoadBalancerController);

  const Ingress& legacy = ingress(set, "ops", "legacy");  // kubernetes.io/ingress.class: alb
  CHECK(legacy.class_source == IngressClassSource::Annotation);
  CHECK(legacy.ingress_class == "alb");
  CHECK_FALSE(legacy.ingress_class_index);
  CHECK(legacy.controller == IngressController::AwsLoadBalancerController);

  const Ingress& blog = ingress(set, "ops", "blog");  // no class: the default IngressClass, nginx
  CHECK(blog.class_source == IngressClassSource::DefaultClass);
  CHECK(blog.ingress_class == "nginx");
  CHECK(blog.ingress_class_index == 1u);
  CHECK(blog.controller == IngressController::Other);
  CHECK_FALSE(blog.makes_alb());
  REQUIRE(blog.rules.size() == 1);
  CHECK(blog.rules[0].host == "*.blog.example.com");
  CHECK(blog.rules[0].paths.empty());

  const Ingress& status = ingress(set, "ops", "status");  // annotation naming another controller's class
  CHECK(status.class_source == IngressClassSource::Annotation);
  CHECK(status.controller == IngressController::Other);

  const Ingress& automode = ingress(set, "ops", "auto");
  CHECK(automode.controller == IngressController::EksAutoMode);
  CHECK(automode.makes_alb());
  CHECK_FALSE(automode.served_by_aws_load_balancer_controller());
}

TEST_CASE("without annotations the ALB is internal, instance targets, one HTTP listener on 80", "[k8s][ingress]") {
  const Ingress& admin = ingress(classes(), "ops", "admin");
  CHECK(admin.alb.scheme == LoadBalancerScheme::Internal);
  CHECK_FALSE(admin.alb.scheme_explicit);
  CHECK(admin.alb.target_type == NlbTargetType::Instance);
  CHECK_FALSE(admin.alb.target_type_explicit);
  CHECK(admin.alb.group_name.empty());
  CHECK(admin.alb.attributes.empty());
  CHECK(admin.alb.inbound_cidrs.empty());
  CHECK(admin.alb.listen_ports_text.empty());
  REQUIRE(admin.alb.listeners.size() == 1);
  CHECK(admin.alb.listeners[0].protocol == AlbListenerProtocol::Http);
  CHECK(admin.alb.listeners[0].port == 80);
  REQUIRE(admin.default_backend);
  CHECK(admin.default_backend->service_name == "admin");
  CHECK(admin.default_backend->port_number == 8080);
  CHECK(admin.default_backend->service == 0u);
  CHECK(admin.default_backend->service_port == 0u);
  CHECK(admin.rules.empty());

  // A certificate without listen-ports: the controller listens on HTTPS 443 instead.
  const ManifestSet tls = one_ingress(
      "    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:111122223333:certificate/abc\n");
  REQUIRE(tls.ingresses.size() == 1);
  REQUIRE(tls.ingresses[0].alb.listeners.size() == 1);
  CHECK(tls.ingresses[0].alb.listeners[0].protocol == AlbListenerProtocol::Https);
  CHECK(tls.ingresses[0].alb.listeners[0].port == 443);

  // The Ingress's own target-type and scheme annotations.
  const ManifestSet ip =
      one_ingress("    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/scheme: internal\n");
  CHECK(ip.ingresses[0].alb.target_type == NlbTargetType::Ip);
  CHECK(ip.ingresses[0].alb.target_type_explicit);
  CHECK(ip.ingresses[0].alb.scheme == LoadBalancerScheme::Internal);
  CHECK(ip.ingresses[0].alb.scheme_explicit);
  CHECK(ip.ingresses[0].default_backend->target_type == NlbTargetType::Ip);
}

TEST_CASE("backends resolve to Services of the same namespace; missing ones are warnings", "[k8s][ingress]") {
  const ManifestSet& set = classes();
  const Ingress& legacy = ingress(set, "ops", "legacy");
  CHECK(legacy.alb.target_type == NlbTargetType::Ip);
  REQUIRE(legacy.default_backend);
  CHECK(legacy.default_backend->port_name == "web");
  CHECK(legacy.default_backend->service == 0u);
  CHECK(legacy.default_backend->service_port == 0u);
  CHECK(legacy.default_backend->target_type == NlbTargetType::Ip);

  REQUIRE(legacy.rules.size() == 1);
  CHECK(legacy.rules[0].host.empty());
  const auto& paths = legacy.rules[0].paths;
  REQUIRE(paths.size() == 3);
  CHECK(paths[0].path_type == IngressPathType::Exact);
  CHECK(paths[0].backend.service_name == "report");
  CHECK_FALSE(paths[0].backend.service);  // no such Service
  CHECK_FALSE(paths[0].backend.service_port);
  CHECK(paths[1].path_type == IngressPathType::ImplementationSpecific);
  CHECK(paths[1].backend.service == 0u);       // the Service exists...
  CHECK_FALSE(paths[1].backend.service_port);  // ...but has no port named http
  CHECK(paths[2].backend.is_annotation_action());
  CHECK_FALSE(paths[2].backend.service);  // an action, not a Service named to-docs

  const std::string file = kDir + "classes.yaml";
  REQUIRE(set.warnings.size() == 5);
  CHECK(set.warnings[0].where.str() == file + ":126:13");
  CHECK(set.warnings[0].message ==
        "apiVersion: Ingress extensions/v1beta1 was removed in Kubernetes 1.22; not imported (use apiVersion "
        "networking.k8s.io/v1)");
  CHECK(set.warnings[1].where.str() == file + ":47:13");
  CHECK(set.warnings[1].message ==
        "Ingress 'ops/admin': spec.defaultBackend.service.name: target type instance sends to the Service's "
        "NodePort, but 'ops/admin' is of type ClusterIP; the controller needs NodePort or LoadBalancer (or "
        "target-type ip)");
  CHECK(set.warnings[2].where.str() == file + ":76:23");
  CHECK(set.warnings[2].message ==
        "Ingress 'ops/legacy': spec.rules[0].http.paths[0].backend.service.name: no Service 'report' in namespace "
        "'ops'; the API server accepts it, but this path has nowhere to go");
  CHECK(set.warnings[3].where.str() == file + ":85:25");
  CHECK(set.warnings[3].message ==
        "Ingress 'ops/legacy': spec.rules[0].http.paths[1].backend.service.port.name: Service 'ops/admin' has no "
        "port named 'http' (its ports: 8080 (web))");
  CHECK(set.warnings[4].where.str() == file + ":123:21");
  CHECK(set.warnings[4].message.rfind("Ingress 'ops/auto': spec.defaultBackend.service.name: target type instance",
                                      0) == 0);

  const SkippedKind* old = set.find_skipped("extensions/v1beta1", "Ingress");
  REQUIRE(old);
  CHECK(old->count == 1);
}

TEST_CASE("a misspelt Service name gets a suggestion; a Service declared later still resolves", "[k8s][ingress]") {
  const ManifestSet set = load_manifest_text(
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: app}\n"
      "spec:\n  ingressClassName: alb\n  rules:\n  - http:\n      paths:\n"
      "      - {path: /, pathType: Prefix, backend: {service: {name: frontend, port: {number: 80}}}}\n"
      "      - {path: /a, pathType: Prefix, backend: {service: {name: api, port: {number: 81}}}}\n"
      "---\napiVersion: v1\nkind: Service\nmetadata: {name: frontnd, namespace: app}\n"
      "spec: {type: NodePort, ports: [{port: 80}]}\n"
      "---\napiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: app}\n"
      "spec: {type: NodePort, ports: [{name: http, port: 80}]}\n",
      "later.yaml");
  REQUIRE(set.warnings.size() == 2);
  CHECK(set.warnings[0].where.str() == "later.yaml:9:63");
  CHECK(set.warnings[0].message ==
        "Ingress 'app/web': spec.rules[0].http.paths[0].backend.service.name: no Service 'frontend' in namespace "
        "'app' (did you mean 'frontnd'?); the API server accepts it, but this path has nowhere to go");
  CHECK(set.warnings[1].message ==
        "Ingress 'app/web': spec.rules[0].http.paths[1].backend.service.port.number: Service 'app/api' has no port "
        "81 (its ports: 80 (http))");
  CHECK(set.ingresses[0].rules[0].paths[1].backend.service == 1u);
}

TEST_CASE("an unknown IngressClass is a warning; two default classes leave an Ingress without one", "[k8s][ingress]") {
  const ManifestSet unknown = one_ingress("", "  ingressClassName: internal\n");
  CHECK(unknown.ingresses[0].controller == IngressController::Other);
  REQUIRE(unknown.warnings.size() == 1);
  CHECK(unknown.warnings[0].where.str() == "one.yaml:7:21");
  CHECK(unknown.warnings[0].message.rfind(
            "Ingress 'app/web': spec.ingressClassName: no IngressClass 'internal' among the manifests", 0) == 0);

  const std::string default_class =
      "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: NAME\n  annotations:\n"
      "    ingressclass.kubernetes.io/is-default-class: \"true\"\nspec: {controller: ingress.k8s.aws/alb}\n---\n";
  std::string text = default_class;
  text.replace(text.find("NAME"), 4, "a");
  const std::string one_default = text;
  std::string second = default_class;
  second.replace(second.find("NAME"), 4, "b");
  const std::string ingress_text =
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: app}\n"
      "spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}\n";

  const ManifestSet one = load_manifest_text(one_default + ingress_text, "default.yaml");
  CHECK(one.ingresses[0].class_source == IngressClassSource::DefaultClass);
  CHECK(one.ingresses[0].controller == IngressController::AwsLoadBalancerController);

  const ManifestSet two = load_manifest_text(one_default + second + ingress_text, "defaults.yaml");
  CHECK(two.ingresses[0].class_source == IngressClassSource::None);
  CHECK(two.ingresses[0].controller == IngressController::None);
  CHECK_FALSE(two.ingresses[0].makes_alb());

  // "True" is not "true": the admission plugin compares exactly.
  std::string capital = one_default;
  capital.replace(capital.find("\"true\""), 6, "\"True\"");
  const ManifestSet not_default = load_manifest_text(capital + ingress_text, "capital.yaml");
  CHECK_FALSE(not_default.ingress_classes[0].is_default);
  CHECK(not_default.ingresses[0].controller == IngressController::None);
}

TEST_CASE("listen-ports keeps the last protocol of a repeated port, sorted by port", "[k8s][ingress]") {
  const ManifestSet set = one_ingress(
      "    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTPS\": 8443}, {\"HTTP\": 80}, {\"HTTP\": 8443}]'\n");
  const auto& listeners = set.ingresses[0].alb.listeners;
  REQUIRE(listeners.size() == 2);
  CHECK(listeners[0].port == 80);
  CHECK(listeners[1].port == 8443);
  CHECK(listeners[1].protocol == AlbListenerProtocol::Http);
  REQUIRE(set.warnings.size() == 1);
  CHECK(set.warnings[0].message.find("port 8443 is listed twice") != std::string::npos);
}

TEST_CASE("an ALB cannot route to a resource backend or to a missing action", "[k8s][ingress]") {
  const ManifestSet set = load_manifest_text(
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: app}\n"
      "spec:\n  ingressClassName: alb\n"
      "  defaultBackend:\n    resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}\n"
      "  rules:\n  - http:\n      paths:\n"
      "      - {path: /old, pathType: Prefix, backend: {service: {name: to-new, port: {name: use-annotation}}}}\n",
      "actions.yaml");
  const Ingress& ing = set.ingresses[0];
  REQUIRE(ing.default_backend);
  CHECK(ing.default_backend->is_resource());
  CHECK(ing.default_backend->resource_kind == "StorageBucket");
  CHECK(ing.default_backend->resource_name == "static");
  CHECK_FALSE(ing.default_backend->service);
  REQUIRE(set.warnings.size() == 2);
  CHECK(set.warnings[0].where.str() == "actions.yaml:7:5");
  CHECK(set.warnings[0].message ==
        "Ingress 'app/web': spec.defaultBackend: the AWS Load Balancer Controller routes only to Services, not to a "
        "StorageBucket");
  CHECK(set.warnings[1].message ==
        "Ingress 'app/web': spec.rules[0].http.paths[0].backend.service.port.name: port use-annotation needs the "
        "annotation alb.ingress.kubernetes.io/actions.to-new, which this Ingress does not have");
}

TEST_CASE("a Service's target type reaches the ALB through the default backend as through a rule", "[k8s][ingress]") {
  // The Ingress says nothing of target types; Service web (the default backend, no
  // NodePort) asks for ip targets, Service shop (a rule's backend) says nothing.
  const std::string text =
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: front, namespace: app}\n"
      "spec:\n  ingressClassName: alb\n"
      "  defaultBackend: {service: {name: web, port: {number: 80}}}\n"
      "  rules:\n  - http:\n      paths:\n"
      "      - {path: /shop, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}\n"
      "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: app\n"
      "  annotations: {alb.ingress.kubernetes.io/target-type: ip}\nspec: {ports: [{port: 80}]}\n"
      "---\napiVersion: v1\nkind: Service\nmetadata: {name: shop, namespace: app}\n"
      "spec: {type: NodePort, ports: [{port: 80}]}\n"
      "---\napiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: app}\nspec: {ports: [{port: 80}]}\n";
  const ManifestSet set = load_manifest_text(text, "front.yaml");
  const Ingress& front = ingress(set, "app", "front");
  const auto service = [&](const std::string& name) {
    const auto found = set.find_service("app", name);
    REQUIRE(found);
    return *found;
  };
  CHECK(front.target_type_of(service("web")) == NlbTargetType::Ip);
  CHECK(front.target_type_of(service("shop")) == NlbTargetType::Instance);
  // No backend names it: the Ingress's own (here the default, instance).
  CHECK(front.target_type_of(service("other")) == NlbTargetType::Instance);
}
