// The traffic keys of a scenario: hopLatency, mesh, servers, traffic, the
// latency entries of expect, and a cluster's kubeProxy. Kept apart from
// scenario_loader.cpp, which calls load_traffic once the clusters are loaded.
#include "eksim/scenario/traffic_loader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "eksim/util/closest_name.hpp"
#include "eksim/util/quote.hpp"

namespace eksim::scenario {
namespace {

using Kind = Distribution::Kind;

constexpr std::string_view kDurationForms =
    "5ms, exp(5ms), lognormal(2ms, 0.5), uniform(1ms, 3ms), pareto(1ms, 1.5), gamma(2ms, 4) or 630us + exp(36us)";
constexpr std::string_view kSizeForms =
    "1024, 2KiB, exp(16KiB), lognormal(2KiB, 0.5), uniform(1KiB, 4KiB), pareto(1KiB, 1.5), gamma(8KiB, 2) or "
    "200B + exp(1KiB)";

std::string_view forms(Quantity q) { return q == Quantity::duration ? kDurationForms : kSizeForms; }

std::nullopt_t fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> parse_real(std::string_view text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> parse_value(std::string_view text, Quantity q, std::string* error) {
  if (q == Quantity::size) return parse_size(text, error);
  const auto t = sim::parse_duration(text, error);
  if (!t) return std::nullopt;
  return static_cast<double>(t->count());
}

// A distribution family: its name in the notation, its kind, and for messages
// its form with an example for durations and for sizes.
struct Family {
  std::string_view name;
  Kind kind;
  std::string_view form;  // "lognormal(median, sigma)"
  std::string_view example_duration;
  std::string_view example_size;
};
constexpr std::array<Family, 6> kFamilies{{
    {"exp", Kind::exponential, "exp(mean)", "exp(5ms)", "exp(16KiB)"},
    {"exponential", Kind::exponential, "exponential(mean)", "exponential(5ms)", "exponential(16KiB)"},
    {"lognormal", Kind::lognormal, "lognormal(median, sigma)", "lognormal(2ms, 0.5)", "lognormal(2KiB, 0.5)"},
    {"uniform", Kind::uniform, "uniform(low, high)", "uniform(1ms, 3ms)", "uniform(1KiB, 4KiB)"},
    {"pareto", Kind::pareto, "pareto(minimum, alpha)", "pareto(1ms, 1.5)", "pareto(1KiB, 1.5)"},
    {"gamma", Kind::gamma, "gamma(mean, shape)", "gamma(2ms, 4)", "gamma(8KiB, 2)"},
}};

// One term: a value, or family(arguments).
std::optional<Distribution> parse_term(std::string_view text, Quantity q, std::string* error) {
  const std::string written(text);
  const auto open = text.find('(');
  if (open == std::string_view::npos) {
    if (text.find(')') != std::string_view::npos) return fail(error, util::quote(written) + " has ')' without '('");
    std::string why;
    const auto v = parse_value(text, q, &why);
    if (!v) return fail(error, why + "; distributions are written " + std::string(forms(q)));
    return Distribution::constant_of(*v);
  }
  const std::string_view name = trim(text.substr(0, open));
  const auto family = std::find_if(kFamilies.begin(), kFamilies.end(), [&](const Family& f) { return f.name == name; });
  if (family == kFamilies.end()) {
    std::vector<std::string_view> names;
    for (const Family& f : kFamilies) names.push_back(f.name);
    return fail(error, "unknown distribution " + util::quote(name) + util::did_you_mean(name, names) +
                           "; expected " + std::string(forms(q)));
  }
  const std::string example(q == Quantity::duration ? family->example_duration : family->example_size);
  const std::string usage = " (" + std::string(family->form) + ", e.g. " + example + ")";
  if (text.back() != ')' || text.find('(', open + 1) != std::string_view::npos ||
      text.find(')') != text.size() - 1) {
    return fail(error, util::quote(written) + ": expected " + std::string(family->name) + "(...) with nothing after it" + usage);
  }
  std::vector<std::string_view> args;
  for (std::string_view rest = text.substr(open + 1, text.size() - open - 2);;) {
    const auto comma = rest.find(',');
    args.push_back(trim(rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  const std::size_t want = family->kind == Kind::exponential ? 1 : 2;
  if (args.size() != want) {
    return fail(error, util::quote(written) + ": " + std::string(family->name) + " takes " +
                           (want == 1 ? "one value" : "two values") + usage);
  }
  std::string why;
  const auto first = parse_value(args[0], q, &why);
  if (!first) return fail(error, util::quote(written) + ": " + why + usage);
  Distribution d{family->kind, 0, *first, 0};
  const std::string prefix = util::quote(written) + ": ";
  if (family->kind == Kind::uniform) {
    const auto high = parse_value(args[1], q, &why);
    if (!high) return fail(error, prefix + why + usage);
    if (*high < *first) return fail(error, prefix + "low is above high" + usage);
    d.b = *high;
    return d;
  }
  if (*first <= 0) {
    const char* what = family->kind == Kind::lognormal ? "the median" : family->kind == Kind::pareto ? "the minimum" : "the mean";
    return fail(error, prefix + what + " must be above 0" + usage);
  }
  if (want == 1) return d;
  const auto second = parse_real(args[1]);
  const char* what = family->kind == Kind::lognormal ? "sigma" : family->kind == Kind::pareto ? "alpha" : "the shape";
  if (!second) return fail(error, prefix + what + " must be a plain number" + usage);
  // Bounds keep the mean finite in doubles (a lognormal's e^(sigma^2/2)).
  const double max = family->kind == Kind::lognormal ? 10 : 1e6;
  if (*second <= 0 || *second > max) {
    return fail(error, prefix + what + " must be above 0 and at most " + (max == 10 ? "10" : "1000000") + usage);
  }
  d.b = *second;
  return d;
}

// In a flow mapping ({serviceTime: lognormal(2ms, 0.5)}) YAML ends a plain
// value at the comma and reads the rest as another key; say so at the value
// rather than complaining about a key named "0.5)".
void check_split(const YamlReader& r, const YAML::Node& map, std::string_view what) {
  if (!map.IsMap()) return;
  for (const auto& kv : map) {
    if (!kv.second.IsScalar()) continue;
    const std::string& v = kv.second.Scalar();
    if (std::count(v.begin(), v.end(), '(') > std::count(v.begin(), v.end(), ')')) {
      r.fail(kv.second, std::string(what) + ": " + util::quote(v) +
                            " has an unclosed '(': inside {...} YAML ends a value at a comma, so quote it, e.g. "
                            "\"lognormal(2ms, 0.5)\"");
    }
  }
}

void keys(const YamlReader& r, const YAML::Node& map, std::initializer_list<std::string_view> allowed,
          std::string_view what) {
  check_split(r, map, what);
  r.check_keys(map, allowed, what);
}

Distribution distribution(const YamlReader& r, const YAML::Node& node, Quantity q, const std::string& what) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    r.fail(node, what + ": expected a distribution such as " + std::string(forms(q)));
  }
  std::string error;
  const auto d = parse_distribution(node.Scalar(), q, &error);
  if (!d) r.fail(node, what + ": " + error);
  return *d;
}

double fraction(const YamlReader& r, const YAML::Node& node, const std::string& what) {
  std::string error;
  const auto v = node.IsScalar() ? parse_fraction(node.Scalar(), &error) : std::nullopt;
  if (!v) r.fail(node, what + ": " + (error.empty() ? "expected a percentage such as 20% or a fraction such as 0.2" : error));
  return *v;
}

sim::Time positive_duration(const YamlReader& r, const YAML::Node& node, const std::string& what) {
  const sim::Time t = r.duration(node, what);
  if (t <= sim::Time{}) r.fail(node, what + ": must be longer than 0s");
  return t;
}

RetryPolicy retries(const YamlReader& r, const YAML::Node& node, RetryPolicy base, const std::string& what) {
  r.check_keys(node, {"attempts", "backoff", "budget"}, what);
  if (node["attempts"]) base.attempts = static_cast<std::uint32_t>(r.integer(node["attempts"], what + ".attempts", 0, 100));
  if (node["backoff"]) base.backoff = r.duration(node["backoff"], what + ".backoff");
  if (node["budget"]) base.budget = fraction(r, node["budget"], what + ".budget");
  return base;
}

// --- names of the scenario ---------------------------------------------------

const Cluster& cluster_of(const YamlReader& r, const YAML::Node& node, const EndpointRef& ref, const Scenario& s,
                          std::optional<std::uint32_t> fallback, std::uint32_t* index) {
  if (ref.cluster.empty()) {
    if (fallback) {
      *index = *fallback;
    } else if (s.clusters.size() == 1) {
      *index = 0;
    } else {
      r.fail(node, util::quote(ref.text) + ": the scenario has " + std::to_string(s.clusters.size()) +
                       " clusters, so name one: cluster/namespace/name");
    }
    return s.clusters[*index];
  }
  std::vector<std::string> names;
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    if (s.clusters[c].name == ref.cluster) {
      *index = c;
      return s.clusters[c];
    }
    names.push_back(s.clusters[c].name);
  }
  r.fail(node, util::quote(ref.text) + ": unknown cluster " + util::quote(ref.cluster) + util::did_you_mean(ref.cluster, names));
}

// A workload named "cluster/namespace/name" (or "namespace/name" with one
// cluster, optionally "[Kind]"); unknown names fail with the closest one.
WorkloadRef resolve_workload(const YamlReader& r, const YAML::Node& node, const EndpointRef& ref, const Scenario& s) {
  if (s.clusters.empty()) r.fail(node, "unknown workload " + util::quote(ref.text) + ": the scenario has no clusters");
  WorkloadRef out;
  const Cluster& cluster = cluster_of(r, node, ref, s, std::nullopt, &out.cluster);
  const auto& workloads = cluster.objects.workloads;
  std::vector<std::string> names;
  const std::string prefix = ref.cluster.empty() ? "" : cluster.name + "/";
  for (std::uint32_t w = 0; w < workloads.size(); ++w) {
    const auto& wl = workloads[w];
    if (wl.namespace_name == ref.namespace_name && wl.name == ref.name && (ref.kind.empty() || wl.kind_name == ref.kind)) {
      out.workload = w;
      return out;
    }
    names.push_back(prefix + wl.namespace_name + "/" + wl.name);
  }
  const std::string name = prefix + ref.namespace_name + "/" + ref.name;
  r.fail(node, "unknown workload " + util::quote(ref.text) + (ref.kind.empty() ? "" : " of kind " + ref.kind) +
                   util::did_you_mean(name, names));
}

// `from` and `servers[].workload`: a workload named in full,
// cluster/namespace/name (so a file reads the same once a cluster is added).
WorkloadRef workload(const YamlReader& r, const YAML::Node& node, const Scenario& s, const std::string& what) {
  const std::string text = r.string(node, what);
  const auto ref = parse_endpoint_ref(text, nullptr);
  if (!ref || ref->is_address() || ref->cluster.empty() || !ref->kind.empty()) {
    std::vector<std::string> names;
    for (const Cluster& c : s.clusters) {
      for (const auto& wl : c.objects.workloads) names.push_back(c.name + "/" + wl.namespace_name + "/" + wl.name);
    }
    std::string hint = util::did_you_mean(text, names);
    r.fail(node, "unknown workload " + util::quote(text) +
                     (hint.empty() ? " (workloads are named cluster/namespace/name, e.g. shop/web/frontend)" : hint));
  }
  return resolve_workload(r, node, *ref, s);
}

// "http://cart.web:8080/path" -> the host and the port (explicit or the
// scheme's default). Schemes: http (80), https (443), grpc (443, the port
// gRPC clients assume when a target names none).
struct Url {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<Url> parse_url(std::string_view text, std::string* error) {
  const auto sep = text.find("://");
  const std::string scheme(text.substr(0, sep));
  std::uint16_t port = 0;
  if (scheme == "http") port = 80;
  else if (scheme == "https" || scheme == "grpc") port = 443;
  else {
    return fail(error, util::quote(text) + ": unknown URL scheme " + util::quote(scheme) +
                           util::did_you_mean(scheme, std::array<std::string_view, 3>{"http", "https", "grpc"}) +
                           " (expected http, https or grpc)");
  }
  std::string_view authority = text.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return fail(error, util::quote(text) + ": a URL target takes no user name");
  }
  Url url;
  if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    const std::string_view digits = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value < 1 || value > 65535) {
      return fail(error, util::quote(text) + ": the URL's port must be 1-65535");
    }
    port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return fail(error, util::quote(text) + ": the URL names no host");
  url.host = std::string(authority);
  url.port = port;
  return url;
}

constexpr std::string_view kTargetForms =
    "expected a workload (cluster/namespace/name, or namespace/name with one cluster), a Service "
    "(namespace/name[Service] or cluster/namespace/name[Service]), a load balancer (namespace/name[LoadBalancer]), "
    "an Ingress's ALB (namespace/name[Ingress]), an API gateway (name[ApiGateway]), "
    "an IPv4 address, a DNS name (cart.web, cart.web.svc.cluster.local, api.example.com) or a URL "
    "(http://cart.web:8080/path)";

// A DNS name as written in a target: it must have a dot unless given as a
// URL's host, so a misspelled workload is not silently taken for a name that
// fails to resolve at run time; a last label of digits only is a bad address.
bool dns_name_ok(std::string_view name, bool single_label_ok) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (!valid_dns_name(name)) return false;
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return single_label_ok;
  const std::string_view last = name.substr(dot + 1);
  return !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string ports_list(const k8s::Service& svc) {
  std::string out;
  for (const auto& p : svc.ports) {
    if (!out.empty()) out += ", ";
    if (!p.name.empty()) out += p.name + " ";
    out += std::to_string(p.port) + "/" + std::string(k8s::to_string(p.protocol));
  }
  return out.empty() ? "it has no ports" : "its ports: " + out;
}

// The backend an ALB sends a request to, by the Ingress's rules: the rules
// whose host matches (exactly, or a "*.example.com" wildcard for one label;
// a rule without a host matches any), then the longest matching path, an
// Exact path before a Prefix one of the same length (Kubernetes Ingress
// semantics; ImplementationSpecific is read as Prefix, as the ALB does
// for paths without wildcards); else the default backend.
const k8s::IngressBackend* match_ingress(const k8s::Ingress& ing, const std::string& host, const std::string& path) {
  auto host_matches = [&](const std::string& rule) {
    if (rule.empty()) return true;
    if (rule.rfind("*.", 0) == 0) {
      const auto dot = host.find('.');
      return dot != std::string::npos && host.substr(dot) == rule.substr(1);
    }
    return rule == host;
  };
  // Prefix matching is element by element: /foo matches /foo and /foo/bar, not /foobar.
  auto prefix_matches = [&](const std::string& prefix) {
    std::string p = prefix;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p == "/") return true;
    return path == p || (path.size() > p.size() && path.compare(0, p.size(), p) == 0 && path[p.size()] == '/');
  };
  const k8s::IngressBackend* best = nullptr;
  std::size_t best_length = 0;
  bool best_exact = false;
  for (const auto& rule : ing.rules) {
    if (!host_matches(rule.host)) continue;
    for (const auto& p : rule.paths) {
      const bool exact = p.path_type == k8s::IngressPathType::Exact;
      if (exact ? path != p.path : !prefix_matches(p.path)) continue;
      if (best == nullptr || p.path.size() > best_length || (p.path.size() == best_length && exact && !best_exact)) {
        best = &p.backend;
        best_length = p.path.size();
        best_exact = exact;
      }
    }
  }
  if (best != nullptr) return best;
  return ing.default_backend ? &*ing.default_backend : nullptr;
}

// Resolves `to` (and `port`) of a flow into a FlowTarget.
FlowTarget resolve_target(const YamlReader& r, const YAML::Node& flow, const Scenario& s, const WorkloadRef& from) {
  const YAML::Node node = r.required(flow, "to", "flow");
  FlowTarget t;
  t.text = r.string(node, "flow to");
  const std::string& text = t.text;
  std::optional<std::uint16_t> url_port;
  std::string error;
  if (text.find("://") != std::string::npos) {
    const auto url = parse_url(text, &error);
    if (!url) r.fail(node, "flow to: " + error);
    url_port = url->port;
    if (const auto address = net::parse_ipv4(url->host, nullptr)) {
      t.kind = FlowTarget::Kind::address;
      t.address = *address;
    } else if (dns_name_ok(url->host, true)) {
      t.kind = FlowTarget::Kind::dns_name;
      t.dns_name = url->host;
    } else {
      r.fail(node, "flow to: " + util::quote(text) + ": " + util::quote(url->host) + " is neither an IPv4 address nor a DNS name");
    }
  } else if (text.size() > 12 && text.compare(text.size() - 12, 12, "[ApiGateway]") == 0) {
    const std::string name = text.substr(0, text.size() - 12);
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < s.api_gateways.size(); ++i) {
      names.push_back(s.api_gateways[i].name);
      if (s.api_gateways[i].name == name) t.api_gateway = i;
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      r.fail(node, "flow to: " + util::quote(text) + ": no API gateway " + util::quote(name) + util::did_you_mean(name, names) +
                       " (declare it under apiGateways)");
    }
    t.kind = FlowTarget::Kind::api_gateway;
    t.cluster = s.api_gateways[t.api_gateway].cluster;
    t.service = s.api_gateways[t.api_gateway].service;
  } else if (text.find('/') == std::string::npos && text.back() != ']' && !net::parse_ipv4(text, nullptr)) {
    if (!dns_name_ok(text, false)) r.fail(node, "flow to: " + util::quote(text) + ": " + std::string(kTargetForms));
    t.kind = FlowTarget::Kind::dns_name;
    t.dns_name = text;
  } else {
    const auto ref = parse_endpoint_ref(text, &error);
    if (!ref) r.fail(node, "flow to: " + error + "; " + std::string(kTargetForms));
    if (ref->is_address()) {
      t.kind = FlowTarget::Kind::address;
      t.address = *ref->address;
    } else if (ref->kind == "Node") {
      r.fail(node, "flow to: " + util::quote(text) + ": a node serves no requests; " + std::string(kTargetForms));
    } else if (ref->kind == "Ingress") {
      t.kind = FlowTarget::Kind::ingress;
      const Cluster& cluster = cluster_of(r, node, *ref, s, from.cluster, &t.cluster);
      const auto& objects = cluster.objects;
      const auto i = objects.find_ingress(ref->namespace_name, ref->name);
      if (!i) {
        std::vector<std::string> names;
        for (const auto& ing : objects.ingresses) names.push_back(ing.id);
        r.fail(node, "flow to: " + util::quote(text) + ": cluster " + util::quote(cluster.name) + " has no Ingress " +
                         util::quote(ref->namespace_name + "/" + ref->name) +
                         util::did_you_mean(ref->namespace_name + "/" + ref->name, names));
      }
      if (!objects.ingresses[*i].makes_alb()) {
        r.fail(node, "flow to: " + util::quote(text) + ": Ingress " + objects.ingresses[*i].id +
                         " makes no ALB (its class is not served by the AWS Load Balancer Controller or EKS Auto Mode)");
      }
      t.ingress = *i;
      if (const YAML::Node h = flow["host"]) t.host = r.string(h, "flow host");
      if (const YAML::Node p = flow["path"]) {
        t.path = r.string(p, "flow path");
        if (t.path.empty() || t.path[0] != '/') r.fail(p, "flow path: expected a path starting with '/'");
      }
      const auto backend = match_ingress(objects.ingresses[*i], t.host, t.path);
      const YAML::Node& at = flow["path"] ? flow["path"] : node;
      if (!backend || !backend->service || !backend->service_port) {
        r.fail(at, "flow to: no rule of Ingress " + objects.ingresses[*i].id + " sends host " +
                       util::quote(t.host.empty() ? "(any)" : t.host) + " path " + util::quote(t.path) +
                       " to a Service port, and it has no such default backend");
      }
      t.service = *backend->service;
      t.backend_port = *backend->service_port;
    } else if (ref->kind == "Service" || ref->kind == "LoadBalancer") {
      t.kind = ref->kind == "Service" ? FlowTarget::Kind::service : FlowTarget::Kind::load_balancer;
      // Like a Kubernetes DNS name, a Service without a cluster is the caller's own.
      const Cluster& cluster = cluster_of(r, node, *ref, s, from.cluster, &t.cluster);
      const auto& objects = cluster.objects;
      const auto i = objects.find_service(ref->namespace_name, ref->name);
      if (!i) {
        std::vector<std::string> names;
        for (const auto& svc : objects.services) names.push_back(svc.id);
        r.fail(node, "flow to: " + util::quote(text) + ": cluster " + util::quote(cluster.name) + " has no Service " + util::quote(ref->namespace_name + "/" + ref->name) + util::did_you_mean(ref->namespace_name + "/" + ref->name, names));
      }
      if (ref->kind == "LoadBalancer" && !objects.services[*i].load_balancer) {
        r.fail(node, "flow to: " + util::quote(text) + ": Service " + objects.services[*i].id +
                         " is not of type LoadBalancer, so it has no load balancer");
      }
      t.service = *i;
    } else {
      t.kind = FlowTarget::Kind::workload;
      t.workload = resolve_workload(r, node, *ref, s);
    }
  }

  const k8s::Service* service = nullptr;
  if (t.kind == FlowTarget::Kind::service || t.kind == FlowTarget::Kind::load_balancer ||
      t.kind == FlowTarget::Kind::api_gateway) {
    service = &s.clusters[t.cluster].objects.services[t.service];
  }
  const YAML::Node port_node = flow["port"];
  if (port_node) {
    if (!port_node.IsScalar() || port_node.Scalar().empty()) r.fail(port_node, "flow port: expected a port number 1-65535");
    const std::string& p = port_node.Scalar();
    if (std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      t.port = static_cast<std::uint16_t>(r.integer(port_node, "flow port", 1, 65535));
    } else if (service != nullptr) {
      for (const auto& sp : service->ports) {
        if (sp.name == p) t.port = sp.port;
      }
      if (!t.port) r.fail(port_node, "flow port: Service " + service->id + " has no port named " + util::quote(p) + " (" + ports_list(*service) + ")");
    } else {
      r.fail(port_node, "flow port: expected a port number 1-65535 (a port name needs a Service target), got " + util::quote(p));
    }
    if (url_port && *url_port != *t.port) {
      r.fail(port_node, "flow port: " + std::to_string(*t.port) + " differs from the port of the URL in `to` (" +
                            std::to_string(*url_port) + ")");
    }
  } else if (url_port) {
    t.port = url_port;
  }
  if (service != nullptr && t.port) {
    const auto sp = std::find_if(service->ports.begin(), service->ports.end(), [&](const k8s::ServicePort& x) {
      return x.port == *t.port;
    });
    const YAML::Node& at = port_node ? port_node : node;
    if (sp == service->ports.end()) {
      r.fail(at, "flow port: Service " + service->id + " has no port " + std::to_string(*t.port) + " (" +
                     ports_list(*service) + ")");
    }
    if (sp->protocol != k8s::Protocol::Tcp) {
      r.fail(at, "flow port: port " + std::to_string(*t.port) + " of Service " + service->id + " is " +
                     std::string(k8s::to_string(sp->protocol)) + "; flows are requests over TCP");
    }
  }
  return t;
}

void load_hops(const YamlReader& r, const YAML::Node& hops, Scenario& s) {
  keys(r, hops, {"sameNode", "sameAz", "crossAz", "azPairs", "transitGateway", "nlb", "natGateway", "internet", "alb",
                 "apiGateway"},
       "hopLatency");
  HopLatencies& h = s.hops;
  const std::pair<const char*, Distribution*> fields[] = {
      {"sameNode", &h.same_node}, {"sameAz", &h.same_az},         {"crossAz", &h.cross_az},
      {"transitGateway", &h.transit_gateway}, {"nlb", &h.nlb}, {"natGateway", &h.nat_gateway},
      {"internet", &h.internet}, {"alb", &h.alb}, {"apiGateway", &h.api_gateway}};
  for (const auto& [key, field] : fields) {
    if (hops[key]) *field = distribution(r, hops[key], Quantity::duration, std::string("hopLatency.") + key);
  }
  const YAML::Node pairs = hops["azPairs"];
  if (!pairs) return;
  check_split(r, pairs, "hopLatency.azPairs");
  r.expect_map(pairs, "hopLatency.azPairs");
  std::vector<std::string> azs;
  for (const auto& az : s.network.availability_zones) azs.push_back(az.name);
  std::map<std::pair<std::string, std::string>, std::string> seen;
  for (const auto& kv : pairs) {
    const YAML::Node& key = kv.first;
    const std::string text = r.string(key, "hopLatency.azPairs key");
    const auto slash = text.find('/');
    if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos) {
      r.fail(key, "hopLatency.azPairs: expected two AZs as az-a/az-b (e.g. use1-az1/use1-az2), got " + util::quote(text));
    }
    HopLatencies::AzPair pair{text.substr(0, slash), text.substr(slash + 1), {}};
    for (const std::string* az : {&pair.a, &pair.b}) {
      if (std::find(azs.begin(), azs.end(), *az) == azs.end()) {
        r.fail(key, "hopLatency.azPairs " + util::quote(text) + ": unknown AZ " + util::quote(*az) + util::did_you_mean(*az, azs) +
                        (azs.empty() ? " (the scenario declares no AZs under regions)" : ""));
      }
    }
    if (pair.a == pair.b) r.fail(key, "hopLatency.azPairs " + util::quote(text) + ": both AZs are the same; use sameAz");
    const auto [it, fresh] = seen.emplace(std::minmax(pair.a, pair.b), r.at(key).str());
    if (!fresh) r.fail(key, "hopLatency.azPairs " + util::quote(text) + ": the pair is already given at " + it->second + " (a pair holds both ways)");
    pair.latency = distribution(r, kv.second, Quantity::duration, "hopLatency.azPairs " + util::quote(text));
    h.az_pairs.push_back(std::move(pair));
  }
}

void load_mesh(const YamlReader& r, const YAML::Node& n, Mesh& mesh) {
  keys(r, n, {"sidecar", "mtls", "retries", "localityLoadBalancing", "multiCluster"}, "mesh");
  if (n["multiCluster"]) mesh.multi_cluster = r.boolean(n["multiCluster"], "mesh.multiCluster");
  if (n["sidecar"]) mesh.sidecar = distribution(r, n["sidecar"], Quantity::duration, "mesh.sidecar");
  if (n["mtls"]) mesh.mtls = r.boolean(n["mtls"], "mesh.mtls");
  if (n["retries"]) mesh.retries = retries(r, n["retries"], mesh.retries, "mesh.retries");
  if (n["localityLoadBalancing"]) {
    mesh.locality_load_balancing = r.boolean(n["localityLoadBalancing"], "mesh.localityLoadBalancing");
  }
}

void load_servers(const YamlReader& r, const YAML::Node& servers, Scenario& s) {
  r.expect_sequence(servers, "servers");
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::string> seen;
  for (const YAML::Node& n : servers) {
    keys(r, n, {"workload", "workers", "serviceTime", "queueLimit"}, "server");
    Server server;
    server.where = r.at(n).str();
    server.workload = workload(r, r.required(n, "workload", "server"), s, "server workload");
    const auto [it, fresh] = seen.emplace(std::pair(server.workload.cluster, server.workload.workload), server.where);
    if (!fresh) r.fail(n, "server: workload already described at " + it->second);
    if (n["workers"]) server.workers = static_cast<std::uint32_t>(r.integer(n["workers"], "server workers", 1, 1'000'000));
    if (n["serviceTime"]) server.service_time = distribution(r, n["serviceTime"], Quantity::duration, "server serviceTime");
    if (n["queueLimit"]) {
      server.queue_limit = static_cast<std::uint32_t>(r.integer(n["queueLimit"], "server queueLimit", 0, 1'000'000'000));
    }
    s.servers.push_back(std::move(server));
  }
}

Arrivals arrivals(const YamlReader& r, const YAML::Node& f) {
  Arrivals a;
  const YAML::Node rate = f["rate"];
  const YAML::Node clients = f["clients"];
  if (rate && clients) {
    r.fail(clients, "flow: give either rate (an open-loop source) or clients (closed-loop clients), not both");
  }
  if (!rate && !clients) {
    r.fail(f, "flow: give rate (an open-loop source, e.g. rate: 400/s) or clients (closed-loop clients, e.g. clients: 16)");
  }
  if (clients) {
    if (f["arrivals"]) r.fail(f["arrivals"], "flow arrivals: only with rate; closed-loop clients send a thinkTime after each response");
    a.kind = Arrivals::Kind::closed;
    a.clients = static_cast<std::uint32_t>(r.integer(clients, "flow clients", 1, 1'000'000));
    if (f["thinkTime"]) a.think_time = distribution(r, f["thinkTime"], Quantity::duration, "flow thinkTime");
    return a;
  }
  if (f["thinkTime"]) r.fail(f["thinkTime"], "flow thinkTime: only with clients (closed loop); an open-loop flow has a rate");
  a.rate_per_second = r.rate(rate, "flow rate");
  if (a.rate_per_second <= 0 || a.rate_per_second > 1e8) r.fail(rate, "flow rate: must be above 0/s and at most 100000000/s");
  const YAML::Node kind = f["arrivals"];
  if (!kind) return a;
  if (kind.IsMap()) {
    keys(r, kind, {"onOff"}, "flow arrivals");
    const YAML::Node on_off = r.required(kind, "onOff", "flow arrivals");
    keys(r, on_off, {"on", "off"}, "flow arrivals.onOff");
    a.kind = Arrivals::Kind::on_off;
    a.on = distribution(r, r.required(on_off, "on", "flow arrivals.onOff"), Quantity::duration, "flow arrivals.onOff.on");
    a.off = distribution(r, r.required(on_off, "off", "flow arrivals.onOff"), Quantity::duration, "flow arrivals.onOff.off");
    if (a.on.mean() <= 0) r.fail(on_off["on"], "flow arrivals.onOff.on: must be longer than 0s on average, or the flow never sends");
    return a;
  }
  const std::string name = kind.IsScalar() ? kind.Scalar() : "";
  if (name == "poisson") a.kind = Arrivals::Kind::poisson;
  else if (name == "constant") a.kind = Arrivals::Kind::constant;
  else {
    r.fail(kind, "flow arrivals: expected poisson, constant or {onOff: {on: exp(1s), off: exp(4s)}}, got " +
                     (name.empty() ? std::string("a list") : util::quote(name)) +
                     util::did_you_mean(name, std::array<std::string_view, 3>{"poisson", "constant", "onOff"}));
  }
  return a;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void load_flows(const YamlReader& r, const YAML::Node& traffic, Scenario& s) {
  r.expect_sequence(traffic, "traffic");
  std::map<std::string, std::string> names;  // name -> where
  for (const YAML::Node& f : traffic) {
    keys(r, f,
         {"name", "from", "to", "port", "rate", "arrivals", "clients", "thinkTime", "request", "response", "timeout",
          "connectTimeout", "retries", "keepAlive", "host", "path"},
         "flow");
    Flow flow;
    flow.where = r.at(f).str();
    const YAML::Node name = f["name"];
    flow.name = name ? r.string(name, "flow name") : "flow-" + std::to_string(s.flows.size());
    if (name && all_digits(flow.name)) {
      r.fail(name, "flow name: " + util::quote(flow.name) + " is a number, which expect: entries read as a flow's index; use a word");
    }
    const auto [it, fresh] = names.emplace(flow.name, flow.where);
    if (!fresh) r.fail(name ? name : f, "flow name " + util::quote(flow.name) + " is already used by the flow at " + it->second);
    flow.from = workload(r, r.required(f, "from", "flow"), s, "flow from");
    flow.to = resolve_target(r, f, s, flow.from);
    for (const char* key : {"host", "path"}) {
      if (f[key] && flow.to.kind != FlowTarget::Kind::ingress) {
        r.fail(f[key], std::string("flow ") + key + ": only for a flow to an Ingress (namespace/name[Ingress]), whose rules it picks");
      }
    }
    flow.arrivals = arrivals(r, f);
    if (f["request"]) flow.request_size = distribution(r, f["request"], Quantity::size, "flow request");
    if (f["response"]) flow.response_size = distribution(r, f["response"], Quantity::size, "flow response");
    if (f["timeout"]) flow.timeout = positive_duration(r, f["timeout"], "flow timeout");
    if (f["connectTimeout"]) flow.connect_timeout = positive_duration(r, f["connectTimeout"], "flow connectTimeout");
    if (f["retries"]) flow.retries = retries(r, f["retries"], flow.retries, "flow retries");
    if (f["keepAlive"]) flow.keep_alive = r.boolean(f["keepAlive"], "flow keepAlive");
    s.flows.push_back(std::move(flow));
  }
}

}  // namespace

std::optional<double> parse_size(std::string_view text, std::string* error) {
  const std::string expected = "expected a size such as 1024, 512B, 16kB, 2KiB or 1.5MiB, got " + util::quote(text);
  std::size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  const auto value = parse_real(text.substr(0, i));
  if (!value) return fail(error, expected + (text.starts_with('-') ? " (sizes cannot be negative)" : ""));
  struct Unit {
    std::string_view name;
    double bytes;
  };
  // Decimal prefixes are powers of 1000 (kB, and KB as commonly written),
  // binary ones powers of 1024 (IEC 80000-13).
  static constexpr Unit kUnits[] = {{"", 1},      {"B", 1},          {"kB", 1e3},     {"KB", 1e3},
                                    {"KiB", 1024}, {"MB", 1e6},        {"MiB", 1048576}, {"GB", 1e9},
                                    {"GiB", 1073741824.0}};
  const std::string_view unit = text.substr(i);
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    const double bytes = *value * u.bytes;
    if (bytes > 1e15) return fail(error, "size " + util::quote(text) + " is above 1PB");
    return bytes;
  }
  std::vector<std::string_view> names;
  for (const Unit& u : kUnits) {
    if (!u.name.empty()) names.push_back(u.name);
  }
  return fail(error, "unknown size unit " + util::quote(unit) + util::did_you_mean(unit, names) +
                         " in " + util::quote(text) + " (expected B, kB, KiB, MB, MiB, GB or GiB)");
}

std::optional<double> parse_fraction(std::string_view text, std::string* error) {
  const bool percent = text.ends_with('%');
  const auto v = parse_real(trim(percent ? text.substr(0, text.size() - 1) : text));
  if (!v) {
    return fail(error, "expected a percentage such as 20% or a fraction such as 0.2, got " + util::quote(text));
  }
  const double f = percent ? *v / 100 : *v;
  if (f < 0 || f > 1) {
    return fail(error, util::quote(text) + " is outside 0% to 100%" +
                           (!percent && *v > 1 && *v <= 100 ? " (a bare number is a fraction: write " +
                                                                  std::string(text) + "% for a percentage)"
                                                            : ""));
  }
  return f;
}

std::optional<Distribution> parse_distribution(std::string_view text, Quantity quantity, std::string* error) {
  text = trim(text);
  if (text.empty()) return fail(error, "empty distribution; expected " + std::string(forms(quantity)));
  // A shift: "constant + distribution" (either order), split at the '+'
  // outside any parentheses.
  std::size_t plus = std::string_view::npos;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] != '+' || depth != 0) continue;
    if (plus != std::string_view::npos) {
      return fail(error, util::quote(text) + ": at most one '+' (a constant plus a distribution, e.g. 630us + exp(36us))");
    }
    plus = i;
  }
  if (depth != 0) return fail(error, util::quote(text) + ": unbalanced parentheses; expected " + std::string(forms(quantity)));
  if (plus == std::string_view::npos) return parse_term(text, quantity, error);
  const std::string_view left = trim(text.substr(0, plus));
  const std::string_view right = trim(text.substr(plus + 1));
  if (left.empty() || right.empty()) {
    return fail(error, util::quote(text) + ": '+' needs a value on each side, e.g. 630us + exp(36us)");
  }
  auto a = parse_term(left, quantity, error);
  if (!a) return std::nullopt;
  auto b = parse_term(right, quantity, error);
  if (!b) return std::nullopt;
  if (a->kind != Kind::constant) std::swap(a, b);
  if (a->kind != Kind::constant) {
    return fail(error, util::quote(text) + ": only a constant can be added to a distribution, e.g. 630us + exp(36us)");
  }
  if (b->kind == Kind::constant) return Distribution::constant_of(a->a + b->a);
  b->shift = a->a;
  return b;
}

// apiGateways: [{name, vpcLink: namespace/name[LoadBalancer]}]
void load_api_gateways(const YamlReader& r, const YAML::Node& list, Scenario& s) {
  r.expect_sequence(list, "apiGateways");
  for (const YAML::Node& g : list) {
    keys(r, g, {"name", "vpcLink"}, "API gateway");
    ApiGateway gw;
    gw.where = r.at(g).str();
    const YAML::Node name = r.required(g, "name", "API gateway");
    gw.name = r.string(name, "API gateway name");
    if (!dns_name_ok(gw.name, true) || gw.name.find('.') != std::string::npos) {
      r.fail(name, "API gateway name: expected a name of letters, digits and '-'");
    }
    for (const auto& other : s.api_gateways) {
      if (other.name == gw.name) r.fail(name, "API gateway name: " + util::quote(gw.name) + " is already declared at " + other.where);
    }
    const YAML::Node link = r.required(g, "vpcLink", "API gateway");
    const std::string text = r.string(link, "API gateway vpcLink");
    std::string error;
    const auto ref = parse_endpoint_ref(text, &error);
    if (!ref || ref->kind != "LoadBalancer") {
      r.fail(link, "API gateway vpcLink: expected the NLB of a LoadBalancer Service, namespace/name[LoadBalancer] or "
                   "cluster/namespace/name[LoadBalancer]");
    }
    const Cluster& cluster = cluster_of(r, link, *ref, s, 0, &gw.cluster);
    const auto i = cluster.objects.find_service(ref->namespace_name, ref->name);
    if (!i || !cluster.objects.services[*i].load_balancer ||
        cluster.objects.services[*i].load_balancer->kind != k8s::LoadBalancerKind::Network) {
      std::vector<std::string> names;
      for (const auto& svc : cluster.objects.services) {
        if (svc.load_balancer && svc.load_balancer->kind == k8s::LoadBalancerKind::Network) names.push_back(svc.id);
      }
      r.fail(link, "API gateway vpcLink: cluster " + util::quote(cluster.name) + " has no NLB Service " +
                       util::quote(ref->namespace_name + "/" + ref->name) +
                       util::did_you_mean(ref->namespace_name + "/" + ref->name, names) +
                       " (a VPC link for a REST or HTTP API targets a Network Load Balancer)");
    }
    gw.service = *i;
    s.api_gateways.push_back(std::move(gw));
  }
}

void load_traffic(const YamlReader& r, const YAML::Node& root, Scenario& s) {
  if (const YAML::Node gws = root["apiGateways"]) load_api_gateways(r, gws, s);
  if (const YAML::Node hops = root["hopLatency"]) load_hops(r, hops, s);
  if (const YAML::Node mesh = root["mesh"]) load_mesh(r, mesh, s.mesh);
  if (const YAML::Node servers = root["servers"]) load_servers(r, servers, s);
  if (const YAML::Node traffic = root["traffic"]) load_flows(r, traffic, s);
}

Expectation load_latency_expectation(const YamlReader& r, const YAML::Node& e, const Scenario& s) {
  r.check_keys(e, {"flow", "p50Below", "p99Below", "errorRateBelow"}, "expectation");
  Expectation x;
  x.where = r.at(e).str();
  const YAML::Node flow = r.required(e, "flow", "expectation");
  if (s.flows.empty()) r.fail(flow, "expectation: the scenario has no traffic flows");
  const std::string text = r.string(flow, "expectation flow");
  if (all_digits(text)) {
    x.flow = static_cast<std::uint32_t>(
        r.integer(flow, "expectation flow", 0, static_cast<std::int64_t>(s.flows.size()) - 1));
  } else {
    std::vector<std::string> names;
    for (const Flow& f : s.flows) names.push_back(f.name);
    const auto it = std::find(names.begin(), names.end(), text);
    if (it == names.end()) {
      r.fail(flow, "expectation flow: no flow named " + util::quote(text) + util::did_you_mean(text, names) +
                       " (give a flow's name or its index from 0)");
    }
    x.flow = static_cast<std::uint32_t>(it - names.begin());
  }
  if (e["p50Below"]) x.p50_below = positive_duration(r, e["p50Below"], "expectation p50Below");
  if (e["p99Below"]) x.p99_below = positive_duration(r, e["p99Below"], "expectation p99Below");
  if (e["errorRateBelow"]) {
    x.error_rate_below = fraction(r, e["errorRateBelow"], "expectation errorRateBelow");
    if (*x.error_rate_below <= 0) r.fail(e["errorRateBelow"], "expectation errorRateBelow: must be above 0%; no error rate is below 0");
  }
  if (!x.p50_below && !x.p99_below && !x.error_rate_below) {
    r.fail(e, "expectation: give p50Below, p99Below or errorRateBelow");
  }
  return x;
}

KubeProxy load_kube_proxy(const YamlReader& r, const YAML::Node& node, const std::string& where) {
  r.check_keys(node, {"mode"}, where + " kubeProxy");
  KubeProxy k;
  if (!node["mode"]) return k;
  const std::string mode = r.string(node["mode"], where + " kubeProxy.mode");
  constexpr std::array<std::string_view, 3> kModes{"iptables", "ipvs", "nftables"};
  const auto it = std::find(kModes.begin(), kModes.end(), mode);
  if (it == kModes.end()) {
    r.fail(node["mode"], where + " kubeProxy.mode: expected iptables, ipvs or nftables, got " + util::quote(mode) +
                             util::did_you_mean(mode, kModes));
  }
  k.mode = static_cast<KubeProxy::Mode>(it - kModes.begin());
  return k;
}

}  // namespace eksim::scenario
