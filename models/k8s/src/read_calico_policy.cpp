// projectcalico.org/v3 Tier, NetworkPolicy and GlobalNetworkPolicy, validated
// the way libcalico-go's v3 validator and the CRD schemas validate them, so a
// manifest Calico would refuse is refused here with its place.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "name_rules.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

constexpr std::size_t kMaxNets = 256;    // EntityRule nets / notNets (CRD maxItems)
constexpr std::size_t kMaxPorts = 50;    // EntityRule ports / notPorts (CRD maxItems)
constexpr std::size_t kMaxHttp = 20;     // HTTPMatch methods / paths (CRD maxItems)
constexpr std::size_t kMaxRules = 1024;  // ingress / egress (CRD maxItems)

struct NamedProtocol {
  std::string_view name;
  std::uint8_t number;
};
constexpr NamedProtocol kProtocols[] = {{"TCP", 6},     {"UDP", 17},   {"ICMP", 1},
                                        {"ICMPv6", 58}, {"SCTP", 132}, {"UDPLite", 136}};

// A run of decimal digits as Go's strconv.ParseUint(s, 10, 64) reads it
// (leading zeros are decimal, not octal); nullopt for anything else.
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::uint64_t n = 0;
  for (const char c : text) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

// A float64 field (order): a YAML integer or float, never a quoted string.
double read_number(const Reader& r, const Field& field) {
  const YAML::Node& v = field.value;
  if (!v.IsScalar()) r.fail(field, "expected a number");
  const ScalarType type = scalar_type(v);
  std::string plain;
  for (const char c : v.Scalar()) {
    if (c != '_') plain += c;
  }
  if (type == ScalarType::String) {
    char* end = nullptr;
    (void)std::strtod(plain.c_str(), &end);
    if (!plain.empty() && end == plain.c_str() + plain.size()) {
      r.fail(field, "expected a number, got the string \"" + v.Scalar() +
                        "\"; write it without quotes, as kubectl would otherwise reject it");
    }
    r.fail(field, "expected a number, got " + quoted(v.Scalar()));
  }
  if (type == ScalarType::Int) {
    if (const auto n = parse_yaml_int(plain)) return static_cast<double>(*n);
  }
  if (type == ScalarType::Float || type == ScalarType::Int) {
    char* end = nullptr;
    const double d = std::strtod(plain.c_str(), &end);
    if (end == plain.c_str() + plain.size() && std::isfinite(d)) return d;
  }
  r.fail(field, "expected a finite number, got " + v.Scalar());
}

// A selector string: located errors point at the offending character when
// the selector sits on one line of the file.
CalicoSelector read_selector(const Reader& r, const Field& field) {
  const std::string text = read_string(r, field);
  try {
    return CalicoSelector::parse(text);
  } catch (const CalicoSelectorError& e) {
    SourceLocation where = r.at(field);
    const bool one_line = field.value.IsScalar() && field.value.Scalar().find('\n') == std::string::npos;
    if (one_line && where.line > 0) {
      // A quoted scalar's text starts one column after its opening quote.
      const int quote = field.value.Tag() == "!" ? 1 : 0;
      where.column += quote + static_cast<int>(e.column()) - 1;
    }
    r.fail_at(where, field.path, "invalid selector \"" + text + "\": " + e.problem());
  }
}

CalicoSelector read_plain_selector(const Reader& r, const Field& field) {
  CalicoSelector s = read_selector(r, field);
  if (s.uses_global()) r.fail(field, "global() can only be used in an EntityRule namespaceSelector");
  return s;
}

CalicoProtocol read_calico_protocol(const Reader& r, const Field& field) {
  const YAML::Node& v = field.value;
  const std::string expected = "expected TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a protocol number from 1 to 255";
  if (!v.IsScalar()) r.fail(field, expected);
  const ScalarType type = scalar_type(v);
  CalicoProtocol p;
  p.text = v.Scalar();
  // numorstring.Protocol reads a quoted number as that number, in decimal.
  std::optional<std::int64_t> number;
  if (type == ScalarType::Int) {
    number = parse_yaml_int(v.Scalar());
  } else if (const auto decimal = parse_decimal(v.Scalar()); type == ScalarType::String && decimal) {
    number = static_cast<std::int64_t>(std::min<std::uint64_t>(*decimal, 256));
  }
  if (type == ScalarType::Int || number) {
    if (!number || *number < 1 || *number > 255) r.fail(field, expected + ", got " + v.Scalar());
    p.number = static_cast<std::uint8_t>(*number);
    return p;
  }
  if (type != ScalarType::String) r.fail(field, expected + ", got " + v.Scalar());
  for (const NamedProtocol& n : kProtocols) {
    if (n.name == p.text) {
      p.number = n.number;
      return p;
    }
  }
  std::vector<std::string_view> names;
  for (const NamedProtocol& n : kProtocols) names.push_back(n.name);
  r.fail(field, expected + ", got " + quoted(p.text) + util::did_you_mean(p.text, names));
}

std::uint16_t port_bound(const Reader& r, const Field& field, std::string_view text) {
  const auto n = parse_decimal(text);
  if (!n || *n > 65535) {
    r.fail(field, "invalid port range " + quoted(field.value.Scalar()) +
                      ": expected two numbers from 0 to 65535 written 'first:last'");
  }
  return static_cast<std::uint16_t>(*n);
}

// numorstring.Port: 8080, "8080", "8000:8100" or a named port.
CalicoPort read_calico_port(const Reader& r, const Field& field) {
  const YAML::Node& v = field.value;
  const std::string expected = "expected a port number (0 to 65535), a range 'first:last' or a port name";
  if (!v.IsScalar()) r.fail(field, expected);
  const ScalarType type = scalar_type(v);
  const std::string& text = v.Scalar();
  CalicoPort port;
  if (type == ScalarType::Int) {
    port.first = port.last = static_cast<std::uint16_t>(read_int(r, field, 0, 65535));
    return port;
  }
  if (type != ScalarType::String) r.fail(field, expected + ", got " + text);
  if (const std::size_t colon = text.find(':'); colon != std::string::npos) {
    port.first = port_bound(r, field, std::string_view(text).substr(0, colon));
    port.last = port_bound(r, field, std::string_view(text).substr(colon + 1));
    if (port.first > port.last) {
      r.fail(field, "invalid port range " + quoted(text) + ": the first port is above the last");
    }
    return port;
  }
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    const auto n = parse_decimal(text);
    if (!n || *n > 65535) r.fail(field, expected + ", got " + quoted(text));
    port.first = port.last = static_cast<std::uint16_t>(*n);
    return port;
  }
  if (const std::string problem = port_name_problem(text); !problem.empty()) {
    r.fail(field, "invalid port name " + quoted(text) + ": " + problem);
  }
  port.name = text;
  return port;
}

std::vector<Field> bounded(const Reader& r, const Field& field, std::size_t max, const std::string& what) {
  std::vector<Field> items = read_list(r, field);
  if (items.size() > max) r.fail(items[max], what + " takes at most " + std::to_string(max) + " items");
  return items;
}

// `nets`: CIDRs, or plain addresses meaning a single host.
IpCidr read_net(const Reader& r, const Field& field) {
  const std::string text = read_string(r, field);
  std::string problem;
  std::optional<IpCidr> cidr;
  if (text.find('/') == std::string::npos && is_ip_address(text)) {
    const bool v6 = text.find(':') != std::string::npos;
    cidr = parse_ip_cidr(text + (v6 ? "/128" : "/32"), &problem);
    if (cidr) cidr->text = text;
  } else {
    cidr = parse_ip_cidr(text, &problem);
  }
  if (!cidr) r.fail(field, "invalid network " + quoted(text) + ": " + problem);
  if (!cidr->ipv6 && text.find('/') != std::string::npos && cidr->ipv4.to_string() != text) {
    r.warn(field, text + " has host bits set; Calico matches it as " + cidr->ipv4.to_string());
  }
  return *cidr;
}

struct EntityFields {
  std::optional<Field> ports;
  std::optional<Field> not_ports;
  std::optional<Field> services;
  std::optional<Field> nets;
  std::optional<Field> not_nets;
};

CalicoEntityRule read_entity(const Reader& r, const Field& field, EntityFields& seen) {
  CalicoEntityRule e;
  e.where = r.at(field);
  if (field.value.IsNull()) return e;
  const MapView m = read_map(r, field);
  m.check_fields({"nets", "notNets", "selector", "notSelector", "namespaceSelector", "ports", "notPorts",
                  "serviceAccounts", "services"},
                 {});
  seen.nets = m.get("nets");
  seen.not_nets = m.get("notNets");
  if (seen.nets) {
    for (const Field& item : bounded(r, *seen.nets, kMaxNets, "nets")) e.nets.push_back(read_net(r, item));
  }
  if (seen.not_nets) {
    for (const Field& item : bounded(r, *seen.not_nets, kMaxNets, "notNets")) e.not_nets.push_back(read_net(r, item));
  }
  // Calico treats an empty selector string as "not set" in an EntityRule.
  const auto non_empty = [&](std::string_view key) -> std::optional<Field> {
    auto f = m.get(key);
    if (f && f->value.IsScalar() && f->value.Scalar().empty()) return std::nullopt;
    return f;
  };
  if (const auto f = non_empty("selector")) e.selector = read_plain_selector(r, *f);
  if (const auto f = non_empty("notSelector")) e.not_selector = read_plain_selector(r, *f);
  if (const auto f = non_empty("namespaceSelector")) {
    e.namespace_selector = read_selector(r, *f);
    if (e.namespace_selector->uses_global() && !e.namespace_selector->is_global()) {
      r.fail(*f, "global() cannot be combined with other selectors");
    }
  }
  seen.ports = m.get("ports");
  seen.not_ports = m.get("notPorts");
  if (seen.ports) {
    for (const Field& item : bounded(r, *seen.ports, kMaxPorts, "ports")) e.ports.push_back(read_calico_port(r, item));
  }
  if (seen.not_ports) {
    for (const Field& item : bounded(r, *seen.not_ports, kMaxPorts, "notPorts")) {
      e.not_ports.push_back(read_calico_port(r, item));
    }
  }
  if (const auto f = m.get("serviceAccounts")) {
    const MapView sa = read_map(r, *f);
    sa.check_fields({"names", "selector"}, {});
    CalicoServiceAccountMatch match;
    if (const auto names = sa.get("names")) {
      for (const Field& item : read_list(r, *names)) {
        std::string name = read_string(r, item);
        if (const std::string problem = dns1123_subdomain_problem(name); !problem.empty()) {
          r.fail(item, "invalid service account name " + quoted(name) + ": " + problem);
        }
        match.names.push_back(std::move(name));
      }
    }
    if (const auto s = sa.get("selector")) match.selector = read_plain_selector(r, *s);
    e.service_accounts = std::move(match);
  }
  seen.services = m.get("services");
  if (seen.services) {
    const MapView svc = read_map(r, *seen.services);
    svc.check_fields({"name", "namespace"}, {});
    CalicoServiceMatch match;
    if (const auto name = svc.get("name")) match.name = read_string(r, *name);
    if (match.name.empty()) r.fail(*seen.services, "services must name a Service ('name')");
    if (const std::string problem = dns1035_label_problem(match.name); !problem.empty()) {
      r.fail(*svc.get("name"), "invalid Service name " + quoted(match.name) + ": " + problem);
    }
    if (const auto ns = svc.get("namespace")) match.namespace_name = read_string(r, *ns);
    const auto conflict = [&](bool present, const char* what) {
      if (present) r.fail(*seen.services, std::string("cannot specify ") + what + " and services on the same rule");
    };
    conflict(e.namespace_selector.has_value(), "namespaceSelector");
    conflict(e.selector || e.not_selector, "selector/notSelector");
    conflict(e.service_accounts.has_value(), "serviceAccounts");
    conflict(!e.nets.empty() || !e.not_nets.empty(), "nets/notNets");
    e.services = std::move(match);
  }
  return e;
}

std::optional<CalicoIcmpMatch> read_icmp(const Reader& r, const MapView& rule, std::string_view key) {
  const auto f = rule.get(key);
  if (!f) return std::nullopt;
  const MapView m = read_map(r, *f);
  m.check_fields({"type", "code"}, {});
  CalicoIcmpMatch icmp;
  if (const auto t = m.get("type")) icmp.type = static_cast<std::uint8_t>(read_int(r, *t, 0, 254));
  if (const auto c = m.get("code")) {
    if (!icmp.type) r.fail(*c, "an ICMP code needs an ICMP type");
    icmp.code = static_cast<std::uint8_t>(read_int(r, *c, 0, 255));
  }
  return icmp;
}

CalicoHttpMatch read_http(const Reader& r, const Field& field) {
  const MapView m = read_map(r, field);
  m.check_fields({"methods", "paths"}, {});
  CalicoHttpMatch http;
  if (const auto methods = m.get("methods")) {
    for (const Field& item : bounded(r, *methods, kMaxHttp, "methods")) http.methods.push_back(read_string(r, item));
  }
  if (const auto paths = m.get("paths")) {
    for (const Field& item : bounded(r, *paths, kMaxHttp, "paths")) {
      const MapView p = read_map(r, item);
      p.check_fields({"exact", "prefix"}, {});
      const auto exact = p.get("exact");
      const auto prefix = p.get("prefix");
      if (exact && prefix) r.fail(*prefix, "a path takes either 'exact' or 'prefix', not both");
      if (!exact && !prefix) r.fail(item, "a path needs 'exact' or 'prefix'");
      http.paths.push_back(CalicoHttpPath{prefix.has_value(), read_string(r, exact ? *exact : *prefix)});
    }
  }
  return http;
}

struct PolicyContext {
  bool global = false;
  bool ingress = false;
};

CalicoRule read_rule(const Reader& r, const Field& field, std::size_t index, const PolicyContext& ctx) {
  CalicoRule rule;
  rule.index = index;
  rule.where = r.at(field);
  if (field.value.IsNull()) r.fail(field, "a rule needs an action (Allow, Deny, Log or Pass)");
  const MapView m = read_map(r, field);
  m.check_fields({"action", "ipVersion", "protocol", "notProtocol", "icmp", "notICMP", "source", "destination", "http",
                  "metadata"},
                 {});
  rule.action = read_enum<CalicoAction>(r, m.require("action"), {"Allow", "Deny", "Log", "Pass"});
  const auto ip_version = m.get("ipVersion");
  if (ip_version) {
    const auto v = read_int(r, *ip_version, 0, 255);
    if (v != 4 && v != 6) r.fail(*ip_version, "expected 4 or 6, got " + std::to_string(v));
    rule.ip_version = static_cast<std::uint8_t>(v);
  }
  const auto protocol = m.get("protocol");
  if (protocol) rule.protocol = read_calico_protocol(r, *protocol);
  if (const auto f = m.get("notProtocol")) rule.not_protocol = read_calico_protocol(r, *f);
  rule.icmp = read_icmp(r, m, "icmp");
  rule.not_icmp = read_icmp(r, m, "notICMP");
  if (rule.icmp && !(rule.protocol && (rule.protocol->number == 1 || rule.protocol->number == 58))) {
    r.fail(*m.get("icmp"), "icmp needs protocol ICMP or ICMPv6");
  }
  for (const auto& p : {rule.protocol, rule.not_protocol}) {
    if (!p || !rule.ip_version) continue;
    if (p->number == 1 && *rule.ip_version != 4) r.fail(*ip_version, "protocol ICMP needs ipVersion 4");
    if (p->number == 58 && *rule.ip_version != 6) r.fail(*ip_version, "protocol ICMPv6 needs ipVersion 6");
  }

  EntityFields src_fields;
  EntityFields dst_fields;
  rule.source.where = rule.where;
  rule.destination.where = rule.where;
  if (const auto f = m.get("source")) rule.source = read_entity(r, *f, src_fields);
  if (const auto f = m.get("destination")) rule.destination = read_entity(r, *f, dst_fields);

  // Ports only exist for TCP, UDP and SCTP (validator: protocolPortsMsg).
  const bool ports_ok = rule.protocol && rule.protocol->supports_ports();
  for (const auto* f : {&src_fields.ports, &src_fields.not_ports, &dst_fields.ports, &dst_fields.not_ports}) {
    if (!*f || ports_ok || read_list(r, **f).empty()) continue;
    r.fail(**f, rule.protocol
                    ? "ports need protocol TCP, UDP or SCTP, but the rule's protocol is " + rule.protocol->text
                    : std::string("ports need the rule to set protocol: TCP, UDP or SCTP"));
  }
  if (dst_fields.services && (!rule.destination.ports.empty() || !rule.destination.not_ports.empty())) {
    r.fail(dst_fields.ports ? *dst_fields.ports : *dst_fields.not_ports,
           "cannot specify ports with a service match: a Service's own ports are used");
  }
  if (ctx.ingress && dst_fields.services) {
    r.fail(*dst_fields.services, "services are not allowed in an ingress rule's destination");
  }
  if (!ctx.ingress && src_fields.services) {
    r.fail(*src_fields.services, "services are not allowed in an egress rule's source");
  }
  if (ctx.global) {
    for (const auto& [svc, f] : {std::pair{&rule.source.services, &src_fields.services},
                                 std::pair{&rule.destination.services, &dst_fields.services}}) {
      if (*svc && (*svc)->namespace_name.empty()) {
        r.fail(**f, "a GlobalNetworkPolicy must give the Service's namespace");
      }
    }
  }

  // One rule matches one IP version: its nets must agree with each other and with ipVersion.
  bool v4 = false;
  bool v6 = false;
  for (const auto& [nets, f] :
       {std::pair{&rule.source.nets, &src_fields.nets}, std::pair{&rule.source.not_nets, &src_fields.not_nets},
        std::pair{&rule.destination.nets, &dst_fields.nets},
        std::pair{&rule.destination.not_nets, &dst_fields.not_nets}}) {
    for (const IpCidr& n : *nets) {
      (n.ipv6 ? v6 : v4) = true;
      if (v4 && v6) r.fail(**f, "a rule cannot mix IPv4 and IPv6 networks");
      if (rule.ip_version && (n.ipv6 ? 6 : 4) != *rule.ip_version) {
        r.fail(**f, n.text + " does not match the rule's ipVersion " + std::to_string(*rule.ip_version));
      }
    }
  }

  if (const auto f = m.get("http")) {
    if (!ctx.ingress) r.fail(*f, "http matches are only allowed in ingress rules");
    if (rule.action != CalicoAction::Allow) r.fail(*f, "http matches are only allowed in Allow rules");
    if (rule.protocol && rule.protocol->number != 6) r.fail(*f, "http matches need protocol TCP or no protocol");
    rule.http = read_http(r, *f);
    r.warn(*f, "http matches need Calico's application layer policy; they are kept but not simulated");
  }
  if (const auto f = m.get("metadata")) {
    const MapView md = read_map(r, *f);
    md.check_fields({"annotations"}, {});
    if (const auto a = md.get("annotations")) rule.annotations = read_string_map(r, *a, false);
  }
  return rule;
}

// Calico's name rule for policies: a DNS label, or two joined by one dot (the
// tier prefix).
void check_policy_name(const Reader& r, const MapView& object, const std::string& name) {
  const std::size_t dot = name.find('.');
  const bool two_parts = dot != std::string::npos;
  std::string problem = dns1123_label_problem(two_parts ? name.substr(0, dot) : name);
  if (problem.empty() && two_parts) {
    const std::string rest = name.substr(dot + 1);
    problem = rest.find('.') != std::string::npos ? "at most one '.' is allowed (between the tier and the name)"
                                                  : dns1123_label_problem(rest);
  }
  if (problem.empty()) return;
  const Field f = read_map(r, object.require("metadata")).require("name");
  r.fail(f, "invalid Calico policy name " + quoted(name) + ": " + problem);
}

}  // namespace

CalicoTier read_calico_tier(const Reader& r, const MapView& object, const ObjectMeta& meta) {
  CalicoTier tier;
  tier.name = meta.name;
  tier.declared = true;
  tier.where = meta.where;
  const auto spec_field = object.get("spec");
  if (spec_field) {
    const MapView spec = read_map(r, *spec_field);
    spec.check_fields({"order", "defaultAction"}, {});
    if (const auto order = spec.get("order")) tier.order = read_number(r, *order);
    if (const auto action = spec.get("defaultAction")) {
      tier.default_action = read_choice(r, *action, {"Deny", "Pass"}) == 0 ? CalicoAction::Deny : CalicoAction::Pass;
    }
  }
  if (tier.name == kCalicoDefaultTier) {
    if (tier.order && *tier.order != kCalicoDefaultTierOrder) {
      r.fail(*read_map(r, *spec_field).get("order"), "the default tier's order must be 1000000");
    }
    tier.order = kCalicoDefaultTierOrder;
  }
  return tier;
}

CalicoPolicy read_calico_policy(const Reader& r, const MapView& object, const ObjectMeta& meta, bool global,
                                std::optional<Field>* tier_field) {
  CalicoPolicy p;
  p.global = global;
  p.name = meta.name;
  p.namespace_name = meta.namespace_name;
  p.where = meta.where;
  check_policy_name(r, object, p.name);

  const auto spec_field = object.get("spec");
  std::optional<MapView> spec;
  if (spec_field) {
    spec.emplace(read_map(r, *spec_field));
    if (global) {
      spec->check_fields({"tier", "order", "selector", "types", "ingress", "egress", "serviceAccountSelector",
                          "namespaceSelector", "doNotTrack", "preDNAT", "applyOnForward"},
                         {"performanceHints"});
    } else {
      spec->check_fields({"tier", "order", "selector", "types", "ingress", "egress", "serviceAccountSelector"},
                         {"performanceHints"});
    }
  }
  const auto get = [&](std::string_view key) { return spec ? spec->get(key) : std::nullopt; };

  if (const auto t = get("tier")) {
    p.tier = read_string(r, *t);
    if (p.tier.empty()) p.tier = std::string(kCalicoDefaultTier);
    *tier_field = t;
  }
  if (const auto order = get("order")) p.order = read_number(r, *order);
  if (const auto s = get("selector")) p.selector = read_plain_selector(r, *s);
  if (const auto s = get("serviceAccountSelector")) p.service_account_selector = read_plain_selector(r, *s);
  if (const auto s = get("namespaceSelector")) p.namespace_selector = read_plain_selector(r, *s);

  // The tier prefix rule (libcalico-go names.ValidateTieredPolicyName): a
  // policy outside the default tier is named "<tier>.<name>", and a dotted
  // name's prefix must be its tier. Calico dropped the rule in late 2025
  // (projectcalico/calico#11232), so earlier releases reject what later ones
  // accept: a warning, not an error.
  const std::size_t dot = p.name.find('.');
  const std::string prefix = dot == std::string::npos ? std::string() : p.name.substr(0, dot);
  const std::string release_note =
      "; Calico releases before projectcalico/calico#11232 (late 2025) reject that, later ones accept it";
  if (p.tier != kCalicoDefaultTier && prefix != p.tier) {
    r.warn(read_map(r, object.require("metadata")).require("name"),
           "a policy in tier " + quoted(p.tier) + " should be named " + quoted(p.tier + "." + p.name.substr(dot + 1)) +
               release_note);
  } else if (p.tier == kCalicoDefaultTier && !prefix.empty() && prefix != kCalicoDefaultTier) {
    r.warn(read_map(r, object.require("metadata")).require("name"), quoted(p.name) + " reads as a policy of tier " +
                                                                        quoted(prefix) +
                                                                        ", but spec.tier is 'default'" + release_note);
  }

  if (const auto types = get("types")) {
    const std::vector<Field> items = read_list(r, *types);
    if (items.size() > 2) r.fail(items[2], "types takes at most 2 items (Ingress and Egress)");
    for (const Field& item : items) {
      const auto type = read_enum<PolicyType>(r, item, {"Ingress", "Egress"});
      for (const PolicyType seen : p.types_written) {
        if (seen == type) r.fail(item, quoted(to_string(type)) + " type specified more than once");
      }
      p.types_written.push_back(type);
    }
  }
  if (const auto f = get("ingress")) {
    std::size_t i = 0;
    for (const Field& item : bounded(r, *f, kMaxRules, "ingress")) {
      p.ingress.push_back(read_rule(r, item, i++, PolicyContext{global, true}));
    }
  }
  if (const auto f = get("egress")) {
    std::size_t i = 0;
    for (const Field& item : bounded(r, *f, kMaxRules, "egress")) {
      p.egress.push_back(read_rule(r, item, i++, PolicyContext{global, false}));
    }
  }
  if (p.types_written.empty()) {
    // Calico's default (NetworkPolicySpec.Types): Ingress when there are
    // ingress rules or no egress rules; Egress when there are egress rules.
    p.types_defaulted = true;
    p.applies_to_ingress = !p.ingress.empty() || p.egress.empty();
    p.applies_to_egress = !p.egress.empty();
  } else {
    for (const PolicyType t : p.types_written)
      (t == PolicyType::Ingress ? p.applies_to_ingress : p.applies_to_egress) = true;
  }

  if (global) {
    if (const auto f = get("doNotTrack")) p.do_not_track = read_bool(r, *f);
    if (const auto f = get("preDNAT")) p.pre_dnat = read_bool(r, *f);
    if (const auto f = get("applyOnForward")) p.apply_on_forward = read_bool(r, *f);
    if (p.do_not_track && p.pre_dnat) r.fail(*get("preDNAT"), "preDNAT and doNotTrack cannot both be true");
    if (p.pre_dnat && !p.egress.empty()) r.fail(*get("egress"), "a preDNAT policy cannot have egress rules");
    if (p.pre_dnat && p.applies_to_egress && !p.types_defaulted) {
      r.fail(*get("types"), "a preDNAT policy cannot have the Egress type");
    }
    if ((p.do_not_track || p.pre_dnat) && !p.apply_on_forward) {
      r.fail(*get(p.do_not_track ? "doNotTrack" : "preDNAT"),
             "applyOnForward must be true when preDNAT or doNotTrack is true");
    }
  }
  return p;
}

}  // namespace eksim::k8s::detail
