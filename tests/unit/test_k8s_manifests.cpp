// Importing the multi-namespace shop of tests/k8s/shop/: files of every form
// (multi-document YAML, JSON, a List, exported pods with ownerReferences,
// custom resources, a kustomization), checked against the manifests by hand.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "eksim/k8s/manifest_loader.hpp"

using namespace eksim::k8s;

namespace {

const std::string kShop = std::string(EKSIM_SOURCE_DIR) + "/tests/k8s/shop";

const ManifestSet& shop() {
  static const ManifestSet set = load_manifests({kShop});
  return set;
}

const Workload& workload(const std::string& ns, const std::string& name, const std::string& kind) {
  const auto index = shop().find_workload(ns, name, kind);
  REQUIRE(index);
  return shop().workloads[*index];
}

const Namespace& ns(const std::string& name) {
  const auto index = shop().find_namespace(name);
  REQUIRE(index);
  return shop().namespaces[*index];
}

const Pod& pod(const std::string& ns, const std::string& name) {
  const auto index = shop().find_pod(ns, name);
  REQUIRE(index);
  return shop().pods[*index];
}

const Service& service(const std::string& ns, const std::string& name) {
  const auto index = shop().find_service(ns, name);
  REQUIRE(index);
  return shop().services[*index];
}

}  // namespace

TEST_CASE("a directory is read recursively in path order, skipping hidden folders", "[k8s]") {
  const std::vector<std::string> expected = {
      "00-namespaces.yaml", "admin-policies.yaml", "cart.yaml",    "checkout.json",         "extras.yaml",
      "frontend.yaml",      "kustomization.yaml",  "list.yaml",    "network-policies.yaml", "node-exporter.yaml",
      "pods.yaml",          "report-cronjob.yaml", "services.yaml"};
  REQUIRE(shop().files.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(shop().files[i] == kShop + "/" + expected[i]);
  // .archive/old.yaml would fail to load (a misspelled kind): it was never read.
  CHECK(shop().warnings.empty());
}

TEST_CASE("every namespace carries kubernetes.io/metadata.name, declared or not", "[k8s]") {
  REQUIRE(shop().namespaces.size() == 3);
  const Namespace& web = ns("web");
  CHECK(web.declared);
  CHECK(web.labels == Labels{{"kubernetes.io/metadata.name", "web"}, {"team", "shop"}, {"env", "prod"}});
  const Namespace& monitoring = ns("monitoring");
  CHECK(monitoring.labels == Labels{{"kubernetes.io/metadata.name", "monitoring"}});
  // Objects with no metadata.namespace live in `default`, which exists implicitly.
  const ManifestSet loose = load_manifest_text(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: busybox}]}\n", "p.yaml");
  REQUIRE(loose.namespaces.size() == 1);
  CHECK(loose.namespaces[0].name == "default");
  CHECK_FALSE(loose.namespaces[0].declared);
  CHECK(loose.namespaces[0].labels == Labels{{"kubernetes.io/metadata.name", "default"}});
  CHECK(loose.workloads[0].namespace_name == "default");
}

TEST_CASE("workloads take replicas and their template's labels and named ports", "[k8s]") {
  const Workload& frontend = workload("web", "frontend", "Deployment");
  CHECK(frontend.id == "web/frontend[Deployment]");
  CHECK(frontend.replicas == 3);
  CHECK(frontend.pod.labels == Labels{{"app", "frontend"}, {"tier", "web"}});
  CHECK(frontend.pod.service_account == "storefront");
  CHECK(frontend.pod.node_selector == Labels{{"kubernetes.io/os", "linux"}});
  CHECK(frontend.pod.annotations == Labels{{"prometheus.io/scrape", "true"}});
  REQUIRE(frontend.pod.containers.size() == 2);
  const std::vector<ContainerPort> ports = frontend.pod.all_ports();
  REQUIRE(ports.size() == 3);
  CHECK(ports[0].name == "http");
  CHECK(ports[0].container_port == 8080);
  CHECK(ports[0].protocol == Protocol::Tcp);  // defaulted
  CHECK(ports[1].name == "metrics");
  CHECK(ports[2].name.empty());
  CHECK(ports[2].container_port == 15001);
  REQUIRE(frontend.pod.dns_config);
  CHECK(frontend.pod.dns_config->ndots() == 2);
  CHECK(frontend.pod.dns_config->options[1].name == "edns0");
  CHECK_FALSE(frontend.pod.dns_config->options[1].value);

  // Named ports resolve by name and protocol, per pod: `http` is 8080 on the
  // frontend and 8081 on the cart (policy-semantics.md item 10).
  CHECK(frontend.pod.find_port("http", Protocol::Tcp)->container_port == 8080);
  CHECK_FALSE(frontend.pod.find_port("http", Protocol::Udp));
  const Workload& cart = workload("data", "cart", "StatefulSet");
  CHECK(cart.pod.find_port("http", Protocol::Tcp)->container_port == 8081);
  CHECK(cart.pod.find_port("gossip", Protocol::Udp)->container_port == 7946);
  CHECK(cart.replicas == 2);
  CHECK(cart.service_name == "cart-headless");
  CHECK(cart.selector.to_string() == "app in (cart)");

  // Deployment defaults to one replica (the List's worker has no replicas field).
  CHECK(workload("web", "worker", "Deployment").replicas == 1);
  // From the JSON file.
  const Workload& checkout = workload("web", "checkout", "Deployment");
  CHECK(checkout.replicas == 2);
  CHECK(checkout.pod.find_port("grpc", Protocol::Tcp)->container_port == 50051);
}

TEST_CASE("DaemonSets run one pod per node; CronJobs run their Job template's parallelism", "[k8s]") {
  const Workload& exporter = workload("monitoring", "node-exporter", "DaemonSet");
  CHECK(exporter.per_node);
  CHECK(exporter.replicas == 1);
  CHECK(exporter.pod.host_network);
  CHECK(exporter.pod.dns_policy == DnsPolicy::ClusterFirstWithHostNet);
  CHECK(effective_dns_policy(exporter.pod) == DnsPolicy::ClusterFirstWithHostNet);
  CHECK(exporter.pod.containers[0].ports[0].host_port == 9100);

  const Workload& report = workload("data", "report", "CronJob");
  CHECK(report.schedule == "*/15 * * * *");
  REQUIRE(report.job);
  CHECK(report.job->parallelism == 4);
  CHECK(report.job->completions == 2);
  CHECK(report.replicas == 2);  // min(parallelism 4, completions 2)
  CHECK(report.pod.dns_policy == DnsPolicy::None);
  CHECK(report.pod.dns_config->nameservers == std::vector<std::string>{"169.254.20.10"});
  CHECK(report.pod.dns_config->searches == std::vector<std::string>{"data.svc.cluster.local", "svc.cluster.local"});
  CHECK(report.pod.dns_config->ndots() == 1);
}

TEST_CASE("pods group under their owner, imported or not", "[k8s]") {
  // A bare pod is its own workload.
  const Workload& debug = workload("web", "debug", "Pod");
  CHECK(debug.replicas == 1);
  REQUIRE(debug.pods.size() == 1);
  CHECK(shop().pods[debug.pods[0]].id == "web/debug");
  CHECK_FALSE(shop().pods[debug.pods[0]].owner);

  // cart-0 names the imported StatefulSet: no workload of its own.
  const Pod& cart0 = pod("data", "cart-0");
  CHECK(shop().workloads[cart0.workload].id == "data/cart[StatefulSet]");
  CHECK(cart0.owner->kind == "StatefulSet");
  CHECK(cart0.spec.labels.count("statefulset.kubernetes.io/pod-name") == 1);
  CHECK_FALSE(shop().find_workload("data", "cart-0", "Pod"));

  // Two pods of a ReplicaSet that was not exported: one workload named after it.
  const Workload& legacy = workload("web", "legacy-7f9c", "ReplicaSet");
  CHECK(legacy.synthesized);
  CHECK(legacy.replicas == 2);
  CHECK(legacy.pods.size() == 2);
  CHECK(legacy.pod.labels == Labels{{"app", "legacy"}, {"pod-template-hash", "7f9c"}});

  // Pod -> imported ReplicaSet -> missing Deployment: everything folds into `api`.
  const Workload& api = workload("data", "api", "Deployment");
  CHECK(api.synthesized);
  CHECK(api.replicas == 3);  // the ReplicaSet's, not 3 + 1
  REQUIRE(api.members.size() == 1);
  CHECK(api.members[0].kind == "ReplicaSet");
  CHECK(api.members[0].name == "api-5d8f");
  REQUIRE(api.pods.size() == 1);
  CHECK(shop().pods[api.pods[0]].name == "api-5d8f-x2x9k");
  CHECK_FALSE(shop().find_workload("data", "api-5d8f", "ReplicaSet"));

  // 9 workloads: cart, checkout, frontend, worker, node-exporter, debug, legacy, api, report.
  CHECK(shop().workloads.size() == 9);
  CHECK(shop().pods.size() == 5);
}

TEST_CASE("Services of every type, with the AWS load balancer their annotations ask for", "[k8s]") {
  const Service& frontend = service("web", "frontend");
  CHECK(frontend.type == ServiceType::ClusterIP);
  CHECK_FALSE(frontend.headless);
  CHECK(frontend.ports[0].port == 80);
  CHECK(frontend.ports[0].target_port == PortRef::of_name("http"));
  REQUIRE(frontend.backends.size() == 1);
  CHECK(shop().workloads[frontend.backends[0]].name == "frontend");

  CHECK(service("data", "cart-headless").headless);
  const Service& cart = service("data", "cart");
  CHECK(cart.ports[1].protocol == Protocol::Udp);
  CHECK(cart.ports[1].target_port == PortRef::of_number(7946));

  const Service& admin = service("web", "admin");
  CHECK(admin.type == ServiceType::NodePort);
  CHECK(admin.ports[0].node_port == 30080);
  CHECK(admin.ports[0].target_port == PortRef::of_number(8080));

  const Service& storefront = service("web", "storefront");
  REQUIRE(storefront.load_balancer);
  const AwsLoadBalancer& nlb = *storefront.load_balancer;
  CHECK(nlb.controller == LoadBalancerController::AwsLoadBalancerController);
  CHECK(nlb.kind == LoadBalancerKind::Network);
  CHECK(nlb.target_type == NlbTargetType::Ip);
  CHECK(nlb.scheme == LoadBalancerScheme::InternetFacing);
  CHECK(nlb.cross_zone);  // from aws-load-balancer-attributes
  REQUIRE(nlb.attributes.size() == 2);
  CHECK(nlb.attributes[1] == std::pair<std::string, std::string>{"deletion_protection.enabled", "true"});
  REQUIRE(nlb.source_ranges.size() == 2);
  CHECK(nlb.source_ranges[0].ipv4.to_string() == "203.0.113.0/24");
  CHECK(storefront.external_traffic_policy == TrafficPolicy::Local);

  // loadBalancerClass alone: the LBC's defaults, instance targets and internal.
  const AwsLoadBalancer& internal = *service("data", "internal-api").load_balancer;
  CHECK(internal.controller == LoadBalancerController::AwsLoadBalancerController);
  CHECK(internal.target_type == NlbTargetType::Instance);
  CHECK_FALSE(internal.target_type_explicit);
  CHECK(internal.scheme == LoadBalancerScheme::Internal);
  CHECK_FALSE(internal.cross_zone);

  // No annotation, no class: the in-tree provider's Classic Load Balancer.
  const AwsLoadBalancer& classic = *service("web", "legacy-elb").load_balancer;
  CHECK(classic.controller == LoadBalancerController::InTreeClassic);
  CHECK(classic.kind == LoadBalancerKind::Classic);
  CHECK(classic.scheme == LoadBalancerScheme::InternetFacing);
  CHECK(classic.cross_zone);

  const Service& payments = service("web", "payments");
  CHECK(payments.type == ServiceType::ExternalName);
  CHECK(payments.external_name == "api.payments.example.com");
  CHECK(payments.backends.empty());
  CHECK_FALSE(payments.load_balancer);
  CHECK(shop().services.size() == 8);
}

TEST_CASE("kinds not modelled are listed once each, with a count and the first place", "[k8s]") {
  const SkippedKind* config_maps = shop().find_skipped("v1", "ConfigMap");
  REQUIRE(config_maps);
  CHECK(config_maps->count == 2);  // frontend.yaml and the List in list.yaml
  CHECK(config_maps->first_seen.str() == kShop + "/frontend.yaml:68:1");
  const SkippedKind* widgets = shop().find_skipped("example.com/v1", "Widget");
  REQUIRE(widgets);
  CHECK(widgets->count == 2);
  CHECK(shop().find_skipped("apiextensions.k8s.io/v1", "CustomResourceDefinition"));
  CHECK(shop().find_skipped("v1", "Secret"));
  // A Knative Service is a custom resource, not a core Service.
  CHECK(shop().find_skipped("serving.knative.dev/v1", "Service"));
  CHECK_FALSE(shop().find_service("web", "hello"));
  CHECK(shop().find_skipped("kustomize.config.k8s.io/v1beta1", "Kustomization"));
  CHECK(shop().skipped.size() == 6);
}

TEST_CASE("importing is deterministic and reads a file named twice once", "[k8s]") {
  const ManifestSet again = load_manifests({kShop, kShop + "/frontend.yaml"});
  REQUIRE(again.workloads.size() == shop().workloads.size());
  for (std::size_t i = 0; i < again.workloads.size(); ++i) CHECK(again.workloads[i].id == shop().workloads[i].id);
  CHECK(again.files == shop().files);  // frontend.yaml was named twice but read once
}

TEST_CASE("typed lists, JSON and YAML 1.1 scalars are read as kubectl reads them", "[k8s]") {
  // A DeploymentList, as the API returns it: items without kind or apiVersion.
  const ManifestSet list = load_manifest_text(R"(
apiVersion: apps/v1
kind: DeploymentList
items:
  - metadata: {name: a, namespace: x}
    spec:
      replicas: 0x10
      selector: {matchLabels: {app: a}}
      template:
        metadata: {labels: {app: a}}
        spec:
          hostNetwork: yes
          containers: [{name: a, image: a}]
)",
                                              "list.yaml");
  REQUIRE(list.workloads.size() == 1);
  CHECK(list.workloads[0].kind == WorkloadKind::Deployment);
  CHECK(list.workloads[0].replicas == 16);    // go-yaml reads 0x10 as 16
  CHECK(list.workloads[0].pod.host_network);  // and `yes` as true (YAML 1.1)

  // Job without completions runs `parallelism` pods; default parallelism 1.
  const ManifestSet jobs = load_manifest_text(R"({"apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"name": "migrate"},
    "spec": {"parallelism": 3, "template": {"metadata": {"labels": {"job": "migrate"}},
             "spec": {"restartPolicy": "Never", "containers": [{"name": "m", "image": "m"}]}}}})",
                                              "job.json");
  CHECK(jobs.workloads[0].replicas == 3);
  CHECK_FALSE(jobs.workloads[0].job->completions);
  CHECK(jobs.workloads[0].selector.match_labels == Labels{{"job", "migrate"}});
}

TEST_CASE("fields outside the model are ignored; non-Kubernetes fields become warnings", "[k8s]") {
  const ManifestSet set = load_manifest_text(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, resources: {limits: {cpu: "1"}}}]
  teamOwner: platform
)",
                                             "warn.yaml");
  REQUIRE(set.warnings.size() == 1);
  CHECK(set.warnings[0].where.str() == "warn.yaml:10:3");
  CHECK(set.warnings[0].message == "Deployment 'default/web': spec.teamOwner: unknown field 'teamOwner' is ignored");
}

TEST_CASE("a misspelled top-level field is an error, not a missing spec", "[k8s]") {
  CHECK_THROWS_WITH(load_manifest_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                                       "metadata: {name: p}\nsepc: {podSelector: {}}\n",
                                       "sepc.yaml"),
                    "sepc.yaml:4:1: NetworkPolicy: sepc: unknown field 'sepc' (did you mean 'spec'?)");
  // Without any spec, the API server's defaults apply, and the warning says what they mean.
  const ManifestSet bare =
      load_manifest_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n", "bare.yaml");
  REQUIRE(bare.network_policies.size() == 1);
  CHECK(bare.network_policies[0].isolates_ingress);
  CHECK(bare.network_policies[0].pod_selector.selects_everything());
  REQUIRE(bare.warnings.size() == 1);
  CHECK(bare.warnings[0].message.find("denies all ingress to every pod of the namespace") != std::string::npos);
}

TEST_CASE("missing paths and empty directories are errors", "[k8s]") {
  CHECK_THROWS_WITH(load_manifests({kShop + "/nope"}), Catch::Contains("nope: no such file or directory"));
  const auto empty = std::filesystem::temp_directory_path() / "eksim-k8s-empty-dir-test";
  std::filesystem::create_directories(empty);
  CHECK_THROWS_WITH(load_manifests({empty.string()}), Catch::Contains("directory holds no .yaml, .yml or .json files"));
  std::filesystem::remove(empty);
  CHECK(load_manifests({}).workloads.empty());
}

TEST_CASE("documents are split at --- and ... lines with positions kept", "[k8s]") {
  // CRLF line endings, a byte order mark, an inline document after "---", an
  // explicit end marker and an empty document.
  const std::string text =
      "\xEF\xBB\xBF# first\r\n"
      "apiVersion: v1\r\n"
      "kind: Namespace\r\n"
      "metadata: {name: one}\r\n"
      "--- {apiVersion: v1, kind: Namespace, metadata: {name: two}}\r\n"
      "...\r\n"
      "---\r\n"
      "---\r\n"
      "apiVersion: v1\r\n"
      "kind: Namespace\r\n"
      "metadata: {name: Three}\r\n";
  CHECK_THROWS_WITH(load_manifest_text(text, "split.yaml"),
                    Catch::StartsWith("split.yaml:11:18: Namespace: metadata.name: invalid name 'Three'"));
  const ManifestSet two = load_manifest_text(text.substr(0, text.find("---\r\n---")), "split.yaml");
  REQUIRE(two.namespaces.size() == 2);
  CHECK(two.namespaces[1].name == "two");
  CHECK(two.namespaces[1].where.str() == "split.yaml:5:5");
}

TEST_CASE("text yaml-cpp cannot read is an error, never an empty document", "[k8s]") {
  CHECK_THROWS_WITH(
      load_manifest_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n,\nkind: Pod\n", "junk.yaml"),
      Catch::StartsWith("junk.yaml:5:1: invalid YAML"));
  // yaml-cpp 0.7's LoadAll loops forever on this input (a quote opened before
  // a document marker); the importer must stop with an error.
  CHECK_THROWS_WITH(load_manifest_text("kind: N\nmetadata:\n  name: a\n \"  env: prod\n---\nkind: x\n", "hang.yaml"),
                    Catch::StartsWith("hang.yaml:") && Catch::Contains("invalid YAML"));
  CHECK(load_manifest_text("# only a comment\n---\n~\n...\n", "empty.yaml").workloads.empty());
  // A %YAML directive stays with the document its "---" opens.
  const ManifestSet directive = load_manifest_text(
      "%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n%YAML 1.2\n---\n"
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n",
      "directive.yaml");
  REQUIRE(directive.namespaces.size() == 2);
  CHECK(directive.namespaces[1].where.str() == "directive.yaml:9:1");
}
