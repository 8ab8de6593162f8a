// core/v1 PodSpec and PodTemplateSpec: the parts that shape a pod's network identity.
#include <algorithm>
#include <set>
#include <string>

#include "name_rules.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

// Kubernetes' limits on spec.dnsConfig (core/v1 validation).
constexpr std::size_t kMaxNameservers = 3;
constexpr std::size_t kMaxSearches = 32;
// glibc reads at most this ndots from resolv.conf.
constexpr std::int64_t kGlibcMaxNdots = 15;

Container read_container(const Reader& r, const Field& field, bool init, std::set<std::string>& names) {
  const MapView c = read_map(r, field);
  c.check_fields({"name", "image", "ports", "restartPolicy"}, {"command",
                                                               "args",
                                                               "workingDir",
                                                               "envFrom",
                                                               "env",
                                                               "resources",
                                                               "resizePolicy",
                                                               "restartPolicyRules",
                                                               "volumeMounts",
                                                               "volumeDevices",
                                                               "livenessProbe",
                                                               "readinessProbe",
                                                               "startupProbe",
                                                               "lifecycle",
                                                               "terminationMessagePath",
                                                               "terminationMessagePolicy",
                                                               "imagePullPolicy",
                                                               "securityContext",
                                                               "stdin",
                                                               "stdinOnce",
                                                               "tty"});
  Container out;
  const Field name = c.require("name");
  out.name = read_string(r, name);
  if (const std::string problem = dns1123_label_problem(out.name); !problem.empty()) {
    r.fail(name, "invalid container name " + quoted(out.name) + ": " + problem);
  }
  if (!names.insert(out.name).second) r.fail(name, "container name " + quoted(out.name) + " is used twice in this pod");
  if (const auto image = c.get("image")) out.image = read_string(r, *image);
  if (init) {
    // The only restartPolicy an init container may have; it makes it a sidecar.
    if (const auto policy = c.get("restartPolicy")) out.sidecar = read_choice(r, *policy, {"Always"}) == 0;
  }
  if (const auto ports = c.get("ports")) {
    std::set<std::string> port_names;
    for (const Field& item : read_list(r, *ports)) {
      const MapView p = read_map(r, item);
      p.check_fields({"name", "containerPort", "protocol", "hostPort"}, {"hostIP"});
      ContainerPort port;
      if (const auto n = p.get("name")) {
        port.name = read_string(r, *n);
        if (const std::string problem = port_name_problem(port.name); !problem.empty()) {
          r.fail(*n, "invalid port name " + quoted(port.name) + ": " + problem);
        }
        if (!port_names.insert(port.name).second) {
          r.fail(*n, "port name " + quoted(port.name) + " is used twice in container " + quoted(out.name));
        }
      }
      port.container_port = read_port_number(r, p.require("containerPort"));
      if (const auto proto = p.get("protocol")) port.protocol = read_protocol(r, *proto);
      if (const auto host = p.get("hostPort")) port.host_port = read_port_number(r, *host);
      out.ports.push_back(std::move(port));
    }
  }
  return out;
}

DnsConfig read_dns_config(const Reader& r, const Field& field) {
  DnsConfig config;
  const MapView m = read_map(r, field);
  m.check_fields({"nameservers", "searches", "options"}, {});
  if (const auto ns = m.get("nameservers")) {
    const std::vector<Field> items = read_list(r, *ns);
    if (items.size() > kMaxNameservers) {
      r.fail(items[kMaxNameservers], "at most 3 nameservers are allowed (the resolver reads no more)");
    }
    for (const Field& item : items) {
      std::string address = read_string(r, item);
      if (!is_ip_address(address)) r.fail(item, "expected an IP address, got " + quoted(address));
      config.nameservers.push_back(std::move(address));
    }
  }
  if (const auto searches = m.get("searches")) {
    const std::vector<Field> items = read_list(r, *searches);
    if (items.size() > kMaxSearches) r.fail(items[kMaxSearches], "at most 32 search domains are allowed");
    for (const Field& item : items) {
      std::string domain = read_string(r, item);
      std::string_view bare = domain;
      if (!bare.empty() && bare.back() == '.') bare.remove_suffix(1);
      if (const std::string problem = dns1123_subdomain_problem(bare); !problem.empty()) {
        r.fail(item, "invalid search domain " + quoted(domain) + ": " + problem);
      }
      config.searches.push_back(std::move(domain));
    }
  }
  if (const auto options = m.get("options")) {
    for (const Field& item : read_list(r, *options)) {
      const MapView o = read_map(r, item);
      o.check_fields({"name", "value"}, {});
      DnsOption option;
      option.name = read_string(r, o.require("name"));
      if (option.name.empty()) r.fail(o.require("name"), "must not be empty");
      if (const auto v = o.get("value")) {
        option.value = read_string(r, *v);
        if (option.name == "ndots") {
          const std::string& text = *option.value;
          if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
            r.fail(*v, "ndots must be a whole number, got " + quoted(text));
          }
          if (std::stoll(text) > kGlibcMaxNdots) r.warn(*v, "ndots above 15 acts as 15 (glibc's limit)");
        }
      }
      config.options.push_back(std::move(option));
    }
  }
  return config;
}

}  // namespace

PodTemplate read_pod_spec(const Reader& r, const Field& spec, Labels labels, Labels annotations) {
  PodTemplate t;
  t.labels = std::move(labels);
  t.annotations = std::move(annotations);
  const MapView s = read_map(r, spec);
  s.check_fields({"containers", "initContainers", "hostNetwork", "dnsPolicy", "dnsConfig", "serviceAccountName",
                  "serviceAccount", "nodeSelector", "nodeName"},
                 {"volumes",
                  "ephemeralContainers",
                  "restartPolicy",
                  "terminationGracePeriodSeconds",
                  "activeDeadlineSeconds",
                  "automountServiceAccountToken",
                  "hostPID",
                  "hostIPC",
                  "shareProcessNamespace",
                  "securityContext",
                  "imagePullSecrets",
                  "hostname",
                  "subdomain",
                  "affinity",
                  "schedulerName",
                  "tolerations",
                  "hostAliases",
                  "priorityClassName",
                  "priority",
                  "readinessGates",
                  "runtimeClassName",
                  "enableServiceLinks",
                  "preemptionPolicy",
                  "overhead",
                  "topologySpreadConstraints",
                  "setHostnameAsFQDN",
                  "os",
                  "hostUsers",
                  "schedulingGates",
                  "resourceClaims",
                  "resources",
                  "hostnameOverride"});
  std::set<std::string> names;
  const Field containers = s.require("containers");
  const std::vector<Field> items = read_list(r, containers);
  if (items.empty()) r.fail(containers, "a pod needs at least one container");
  for (const Field& item : items) t.containers.push_back(read_container(r, item, false, names));
  if (const auto init = s.get("initContainers")) {
    for (const Field& item : read_list(r, *init)) {
      Container c = read_container(r, item, true, names);
      if (c.sidecar) t.containers.push_back(std::move(c));
    }
  }
  if (const auto host = s.get("hostNetwork")) t.host_network = read_bool(r, *host);
  if (const auto dns = s.get("dnsConfig")) t.dns_config = read_dns_config(r, *dns);
  if (const auto policy = s.get("dnsPolicy")) {
    t.dns_policy = read_enum<DnsPolicy>(r, *policy, {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"});
    if (t.dns_policy == DnsPolicy::None && (!t.dns_config || t.dns_config->nameservers.empty())) {
      r.fail(*policy, "dnsPolicy None needs spec.dnsConfig with at least one nameserver");
    }
  }
  if (const auto sa = s.get("serviceAccountName")) {
    t.service_account = read_string(r, *sa);
  } else if (const auto legacy = s.get("serviceAccount")) {
    t.service_account = read_string(r, *legacy);
  }
  if (t.service_account.empty()) t.service_account = "default";
  if (const auto selector = s.get("nodeSelector")) t.node_selector = read_string_map(r, *selector, true);
  if (const auto node = s.get("nodeName")) t.node_name = read_string(r, *node);
  return t;
}

PodTemplate read_pod_template(const Reader& r, const Field& field) {
  const MapView m = read_map(r, field);
  m.check_fields({"metadata", "spec"}, {});
  Labels labels;
  Labels annotations;
  if (const auto md = m.get("metadata")) {
    const MapView meta = read_map(r, *md);
    meta.check_fields({"labels", "annotations"},
                      {"name", "namespace", "generateName", "uid", "resourceVersion", "generation", "creationTimestamp",
                       "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences", "finalizers",
                       "managedFields", "selfLink"});
    if (const auto l = meta.get("labels")) labels = read_string_map(r, *l, true);
    if (const auto a = meta.get("annotations")) annotations = read_string_map(r, *a, false);
  }
  return read_pod_spec(r, m.require("spec"), std::move(labels), std::move(annotations));
}

}  // namespace eksim::k8s::detail
