// Every malformed manifest in tests/k8s/bad/ fails with a LoadError naming
// file:line:column, the field, what was expected and, for misspellings, the
// closest valid value. Positions were read off the fixtures by hand.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "eksim/k8s/manifest_loader.hpp"

using eksim::k8s::load_manifests;
using eksim::k8s::LoadError;

namespace {

const std::string kBad = std::string(EKSIM_SOURCE_DIR) + "/tests/k8s/bad/";

struct BadCase {
  const char* file;     // under tests/k8s/bad/
  const char* where;    // "line:column"
  const char* message;  // the rest of what(), exactly
};

const std::vector<BadCase> kCases = {
    {"replicas-word.yaml", "7:13",
     "Deployment 'web/frontend': spec.replicas: expected a whole number (from 0 to 2147483647), got 'three'"},
    {"port-out-of-range.yaml", "11:26",
     "Pod 'default/big-port': spec.containers[0].ports[0].containerPort: 80800 is out of range: expected a whole "
     "number from 1 to 65535"},
    {"protocol-typo.yaml", "11:17",
     "Service 'data/cart': spec.ports[0].protocol: expected TCP, UDP or SCTP, got 'TCPP' (did you mean 'TCP'?)"},
    {"selector-operator.yaml", "10:19",
     "NetworkPolicy 'data/only-backend': spec.podSelector.matchExpressions[0].operator: expected In, NotIn, Exists or "
     "DoesNotExist, got 'Inn' (did you mean 'In'?)"},
    {"endport-below-port.yaml", "13:20",
     "NetworkPolicy 'web/ephemeral': spec.egress[0].ports[0].endPort: endPort 32000 is below port 32768; the range "
     "is port..endPort, inclusive"},
    {"policy-type-typo.yaml", "10:7",
     "NetworkPolicy 'web/deny-egress': spec.policyTypes[1]: expected Ingress or Egress, got 'Egres' (did you mean "
     "'Egress'?)"},
    {"duplicate-object.yaml", "10:1", "Service 'data/cart': defined twice; first at "},
    {"kind-typo.yaml", "2:7", "kind: unknown kind 'Deploymnet' (did you mean 'Deployment'?)"},
    {"removed-api-version.yaml", "1:13",
     "apiVersion: Deployment extensions/v1beta1 was removed in Kubernetes 1.16; use apiVersion apps/v1"},
    {"invalid-yaml.yaml", "6:5", "invalid YAML: end of map flow not found"},
    {"selector-field-typo.yaml", "8:5",
     "NetworkPolicy 'data/allow-frontend': spec.podSelector.matchLabel: unknown field 'matchLabel' (did you mean "
     "'matchLabels'?)"},
    {"selector-mismatch.yaml", "8:5",
     "Deployment 'web/frontend': spec.selector: the selector (app=front-end) does not match the pod template's labels "
     "(app=frontend)"},
    {"banp-name.yaml", "4:9",
     "BaselineAdminNetworkPolicy 'baseline': metadata.name: a BaselineAdminNetworkPolicy must be named 'default' "
     "(there is one per cluster), not 'baseline'"},
    {"banp-pass.yaml", "9:15",
     "BaselineAdminNetworkPolicy 'default': spec.egress[0].action: Pass is not an action of a "
     "BaselineAdminNetworkPolicy (expected Allow or Deny)"},
    {"anp-priority.yaml", "6:13",
     "AdminNetworkPolicy 'too-low': spec.priority: 1001 is out of range: expected a whole number from 0 to 1000"},
    {"anp-peer-two-members.yaml", "14:13",
     "AdminNetworkPolicy 'ambiguous': spec.ingress[0].from[0].pods: a peer takes exactly one of namespaces or pods, "
     "but both 'namespaces' and 'pods' are set"},
    {"label-number.yaml", "7:14",
     "Pod 'default/versioned': metadata.labels.version: expected a string, got the number 1.10; quote it (\"1.10\"), "
     "as kubectl would otherwise reject it"},
    {"quoted-replicas.json", "6:17",
     "StatefulSet 'data/cart': spec.replicas: expected a whole number, got the string \"3\"; write it without quotes, "
     "as kubectl would otherwise reject it"},
    {"quoted-target-port.yaml", "9:19",
     "Service 'default/api': spec.ports[0].targetPort: \"8080\" is quoted, so Kubernetes reads it as a port name, and "
     "port names must contain a letter; write 8080 without quotes for a port number"},
    {"except-outside-cidr.yaml", "14:17",
     "NetworkPolicy 'web/vpc-only': spec.egress[0].to[0].ipBlock.except[0]: 10.1.0.0/24 must be a strict subset of "
     "the ipBlock's cidr 10.0.0.0/16"},
    {"headless-nodeport.yaml", "8:14",
     "Service 'data/cart': spec.clusterIP: clusterIP: None (a headless Service) is only valid with type ClusterIP"},
    {"peer-ipblock-and-selector.yaml", "11:20",
     "NetworkPolicy 'web/mixed-peer': spec.ingress[0].from[0].ipBlock: ipBlock cannot be combined with podSelector "
     "or namespaceSelector in one peer; list them as separate peers"},
    {"ingress-rule-with-to.yaml", "9:7",
     "NetworkPolicy 'web/wrong-direction': spec.ingress[0].to: an ingress rule takes 'from', not 'to'"},
    {"lb-type-typo.yaml", "7:56",
     "Service 'web/storefront': metadata.annotations.service.beta.kubernetes.io/aws-load-balancer-type: expected "
     "external, nlb or nlb-ip, got 'nbl' (did you mean 'nlb'?)"},
    {"owner-cycle.yaml", "1:1", "ReplicaSet 'default/a': metadata.ownerReferences form a cycle"},
    {"missing-kind.yaml", "1:1", "missing required field 'kind'"},
    {"dns-none-without-nameservers.yaml", "6:14",
     "Pod 'default/custom-dns': spec.dnsPolicy: dnsPolicy None needs spec.dnsConfig with at least one nameserver"},
    {"cronjob-schedule.yaml", "6:13",
     "CronJob 'default/nightly': spec.schedule: expected five cron fields (minute hour day-of-month month "
     "day-of-week), got 4 in '0 2 * *'"},
    {"calico-selector-syntax.yaml", "7:18",
     "Calico NetworkPolicy 'production/allow-frontend': spec.selector: invalid selector \"role = 'database'\": "
     "expected '==' (a single '=' is not a Calico operator)"},
    {"calico-selector-quoted.yaml", "6:65",
     "GlobalNetworkPolicy 'deny-untrusted': spec.selector: invalid selector \"!has(trusted) && (env == 'prod' || "
     "env == 'staging'\": expected ')' to close the '(' at column 18"},
    {"calico-ports-without-protocol.yaml", "11:16",
     "Calico NetworkPolicy 'production/allow-redis': spec.ingress[0].destination.ports: ports need the rule to set "
     "protocol: TCP, UDP or SCTP"},
    {"calico-ports-icmp.yaml", "11:16",
     "Calico NetworkPolicy 'production/ping': spec.ingress[0].destination.ports: ports need protocol TCP, UDP or "
     "SCTP, but the rule's protocol is ICMP"},
    {"calico-unknown-tier.yaml", "13:9",
     "GlobalNetworkPolicy 'security.allow-dns': spec.tier: tier 'securty' has no Tier object; Calico refuses "
     "policies in a tier that does not exist (did you mean 'security'?)"},
    {"calico-action-typo.yaml", "8:15",
     "Calico NetworkPolicy 'web/allow-web': spec.ingress[0].action: expected Allow, Deny, Log or Pass, got 'Alow' "
     "(did you mean 'Allow'?)"},
    {"calico-field-typo.yaml", "10:9",
     "Calico NetworkPolicy 'web/not-untrusted': spec.ingress[0].source.notSelecter: unknown field 'notSelecter' "
     "(did you mean 'notSelector'?)"},
    {"calico-global-in-selector.yaml", "10:19",
     "Calico NetworkPolicy 'web/from-host': spec.ingress[0].source.selector: global() can only be used in an "
     "EntityRule namespaceSelector"},
    {"calico-default-tier-order.yaml", "6:10", "Tier 'default': spec.order: the default tier's order must be 1000000"},
    {"calico-protocol-case.yaml", "9:17",
     "Calico NetworkPolicy 'web/allow-web': spec.ingress[0].protocol: expected TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite "
     "or a protocol number from 1 to 255, got 'tcp' (did you mean 'TCP'?)"},
    {"calico-kind-typo.yaml", "2:7", "kind: unknown kind 'GlobalNetworkPolcy' (did you mean 'GlobalNetworkPolicy'?)"},
    {"calico-name-two-dots.yaml", "4:9",
     "GlobalNetworkPolicy 'security.dns.allow': metadata.name: invalid Calico policy name 'security.dns.allow': at "
     "most one '.' is allowed (between the tier and the name)"},
    {"calico-services-with-selector.yaml", "12:11",
     "Calico NetworkPolicy 'web/to-api': spec.egress[0].destination.services: cannot specify selector/notSelector "
     "and services on the same rule"},
    {"calico-order-quoted.yaml", "7:10",
     "Calico NetworkPolicy 'web/ordered': spec.order: expected a number, got the string \"100\"; write it without "
     "quotes, as kubectl would otherwise reject it"},
    {"calico-icmp-code-without-type.yaml", "11:15",
     "Calico NetworkPolicy 'web/ping': spec.ingress[0].icmp.code: an ICMP code needs an ICMP type"},
    {"sgp-too-many-groups.yaml", "9:46",
     "SecurityGroupPolicy 'web/many': spec.securityGroups.groupIds[5]: groupIds takes at most 5 security groups"},
    {"sgp-missing-groups.yaml", "7:3",
     "SecurityGroupPolicy 'web/no-groups': spec: missing required field 'securityGroups'"},
    {"ingress-path-type-typo.yaml", "12:23",
     "Ingress 'shop/shop': spec.rules[0].http.paths[0].pathType: expected Exact, Prefix or ImplementationSpecific, "
     "got 'Prefx' (did you mean 'Prefix'?)"},
    {"ingress-scheme-typo.yaml", "7:39",
     "Ingress 'shop/shop': metadata.annotations.alb.ingress.kubernetes.io/scheme: expected internal or "
     "internet-facing, got 'internet-facin' (did you mean 'internet-facing'?)"},
    {"ingress-class-and-annotation.yaml", "7:34",
     "Ingress 'shop/shop': metadata.annotations.kubernetes.io/ingress.class: cannot be set when "
     "spec.ingressClassName is also set (the API server refuses an Ingress with both)"},
    {"ingress-backend-v1beta1.yaml", "14:15",
     "Ingress 'shop/shop': spec.rules[0].http.paths[0].backend.serviceName: serviceName and servicePort are the "
     "extensions/v1beta1 and networking.k8s.io/v1beta1 form (removed in Kubernetes 1.22); networking.k8s.io/v1 "
     "takes service: {name: ..., port: {number: ...}}"},
    {"ingress-port-name-and-number.yaml", "12:9",
     "Ingress 'shop/shop': spec.defaultBackend.service.port: cannot set both port name and port number"},
    {"ingress-listen-ports.yaml", "7:45",
     "Ingress 'shop/shop': metadata.annotations.alb.ingress.kubernetes.io/listen-ports: listen port must be a number "
     "from 1 to 65535, got '80'"},
    {"ingress-relative-path.yaml", "11:19",
     "Ingress 'shop/shop': spec.rules[0].http.paths[0].path: must be an absolute path (starting with '/'), got "
     "'api'"},
    {"ingress-no-rules.yaml", "7:3", "Ingress 'shop/shop': spec: either defaultBackend or rules must be specified"},
    {"ingress-field-typo.yaml", "7:3",
     "Ingress 'shop/shop': spec.ingresClassName: unknown field 'ingresClassName' (did you mean "
     "'ingressClassName'?)"},
    {"ingress-class-controller-typo.yaml", "6:15",
     "IngressClass 'alb': spec.controller: unknown controller 'ingress.k8s.aws/abl' (did you mean "
     "'ingress.k8s.aws/alb'?)"},
};

std::string error_of(const std::string& path) {
  try {
    (void)load_manifests({path});
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(loaded without error)";
}

}  // namespace

TEST_CASE("each malformed manifest fails at its place with the specific problem", "[k8s]") {
  REQUIRE(kCases.size() >= 12);
  for (const BadCase& c : kCases) {
    const std::string path = kBad + c.file;
    INFO(c.file);
    const std::string what = error_of(path);
    const std::string prefix = path + ":" + c.where + ": ";
    CHECK(what.rfind(prefix, 0) == 0);
    CHECK(what.substr(std::min(prefix.size(), what.size())).rfind(c.message, 0) == 0);
  }
}

TEST_CASE("every fixture in tests/k8s/bad/ has an expectation", "[k8s]") {
  std::set<std::string> covered;
  for (const BadCase& c : kCases) covered.insert(c.file);
  for (const auto& entry : std::filesystem::directory_iterator(kBad)) {
    if (!entry.is_regular_file()) continue;
    INFO(entry.path().filename().string());
    CHECK(covered.count(entry.path().filename().string()) == 1);
  }
}

TEST_CASE("a duplicate across files names both places", "[k8s]") {
  const std::string dir = kBad + "duplicate-across-files";
  CHECK(error_of(dir) == dir + "/b.yaml:2:1: Namespace 'shop': defined twice; first at " + dir + "/a.yaml:1:1");
}

TEST_CASE("a loader error carries its location for the CLI", "[k8s]") {
  try {
    (void)load_manifests({kBad + "replicas-word.yaml"});
    FAIL("expected a LoadError");
  } catch (const LoadError& e) {
    CHECK(e.where().file == kBad + "replicas-word.yaml");
    CHECK(e.where().line == 7);
    CHECK(e.where().column == 13);
  }
}
