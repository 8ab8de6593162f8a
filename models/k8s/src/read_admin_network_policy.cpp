// policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy and
// BaselineAdminNetworkPolicy, following the published CRD schemas (v0.1.x):
// one-of fields must have exactly one member set, lists have their bounds.
#include "name_rules.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

constexpr std::size_t kMaxRules = 100;
constexpr std::size_t kMaxPeers = 100;
constexpr std::size_t kMaxPorts = 100;
constexpr std::size_t kMaxNetworks = 25;
constexpr std::size_t kMaxRuleName = 100;

// The name of the one member set in a one-of mapping; fails for none or several.
std::string one_member(const Reader& r, const MapView& m, std::initializer_list<std::string_view> members,
                       const std::string& what) {
  std::string found;
  for (const std::string_view name : members) {
    if (!m.get(name)) continue;
    if (!found.empty()) {
      r.fail(*m.get(name), what + " takes exactly one of " + one_of(members) + ", but both " + quoted(found) + " and " +
                               quoted(name) + " are set");
    }
    found = std::string(name);
  }
  if (found.empty()) r.fail(m.self(), what + " needs exactly one of " + one_of(members));
  return found;
}

std::vector<Field> bounded_list(const Reader& r, const Field& field, std::size_t min, std::size_t max,
                                const std::string& what) {
  std::vector<Field> items = read_list(r, field);
  if (items.size() < min) r.fail(field, what + " needs at least " + std::to_string(min) + " item");
  if (items.size() > max) r.fail(items[max], what + " takes at most " + std::to_string(max) + " items");
  return items;
}

AdminSubject read_subject(const Reader& r, const Field& field) {
  const MapView m = read_map(r, field);
  m.check_fields({"namespaces", "pods"}, {});
  AdminSubject subject;
  if (one_member(r, m, {"namespaces", "pods"}, "subject") == "namespaces") {
    subject.kind = AdminSubject::Kind::Namespaces;
    subject.namespace_selector = read_label_selector(r, *m.get("namespaces"));
  } else {
    subject.kind = AdminSubject::Kind::Pods;
    const MapView pods = read_map(r, *m.get("pods"));
    pods.check_fields({"namespaceSelector", "podSelector"}, {});
    subject.namespace_selector = read_label_selector(r, pods.require("namespaceSelector"));
    subject.pod_selector = read_label_selector(r, pods.require("podSelector"));
  }
  return subject;
}

AdminPeer read_peer(const Reader& r, const Field& field, bool egress) {
  const MapView m = read_map(r, field);
  AdminPeer peer;
  std::string member;
  if (egress) {
    m.check_fields({"namespaces", "pods", "nodes", "networks"}, {});
    member = one_member(r, m, {"namespaces", "pods", "nodes", "networks"}, "a peer");
  } else {
    for (const std::string_view egress_only : {"nodes", "networks"}) {
      if (const auto f = m.get(egress_only)) {
        r.fail(*f, quoted(egress_only) + " peers are only allowed in egress rules");
      }
    }
    m.check_fields({"namespaces", "pods"}, {});
    member = one_member(r, m, {"namespaces", "pods"}, "a peer");
  }
  if (member == "namespaces") {
    peer.kind = AdminPeer::Kind::Namespaces;
    peer.namespace_selector = read_label_selector(r, *m.get("namespaces"));
  } else if (member == "pods") {
    peer.kind = AdminPeer::Kind::Pods;
    const MapView pods = read_map(r, *m.get("pods"));
    pods.check_fields({"namespaceSelector", "podSelector"}, {});
    peer.namespace_selector = read_label_selector(r, pods.require("namespaceSelector"));
    peer.pod_selector = read_label_selector(r, pods.require("podSelector"));
  } else if (member == "nodes") {
    peer.kind = AdminPeer::Kind::Nodes;
    peer.node_selector = read_label_selector(r, *m.get("nodes"));
  } else {
    peer.kind = AdminPeer::Kind::Networks;
    for (const Field& item : bounded_list(r, *m.get("networks"), 1, kMaxNetworks, "networks")) {
      peer.networks.push_back(read_ip_cidr(r, item));
    }
  }
  return peer;
}

AdminPort read_port(const Reader& r, const Field& field) {
  const MapView m = read_map(r, field);
  m.check_fields({"portNumber", "namedPort", "portRange"}, {});
  AdminPort port;
  const std::string member = one_member(r, m, {"portNumber", "namedPort", "portRange"}, "a port");
  if (member == "portNumber") {
    port.kind = AdminPort::Kind::Number;
    const MapView n = read_map(r, *m.get("portNumber"));
    n.check_fields({"protocol", "port"}, {});
    if (const auto proto = n.get("protocol")) port.protocol = read_protocol(r, *proto);
    port.port = read_port_number(r, n.require("port"));
  } else if (member == "namedPort") {
    port.kind = AdminPort::Kind::Named;
    const Field name = *m.get("namedPort");
    port.name = read_string(r, name);
    if (const std::string problem = port_name_problem(port.name); !problem.empty()) {
      r.fail(name, "invalid port name " + quoted(port.name) + ": " + problem);
    }
  } else {
    port.kind = AdminPort::Kind::Range;
    const MapView range = read_map(r, *m.get("portRange"));
    range.check_fields({"protocol", "start", "end"}, {});
    if (const auto proto = range.get("protocol")) port.protocol = read_protocol(r, *proto);
    port.port = read_port_number(r, range.require("start"));
    const Field end = range.require("end");
    port.end_port = read_port_number(r, end);
    if (port.end_port <= port.port) {
      r.fail(end, "end " + std::to_string(port.end_port) + " must be greater than start " + std::to_string(port.port));
    }
  }
  return port;
}

AdminRule read_rule(const Reader& r, const Field& field, bool egress, bool baseline) {
  AdminRule rule;
  rule.where = r.at(field);
  const MapView m = read_map(r, field);
  const std::string_view peers_key = egress ? "to" : "from";
  const std::string_view wrong_key = egress ? "from" : "to";
  for (const Field& e : m.entries()) {
    if (e.key.Scalar() != wrong_key) continue;
    r.fail(Field{e.key, e.key, e.path}, std::string(egress ? "an egress" : "an ingress") + " rule takes '" +
                                            std::string(peers_key) + "', not '" + std::string(wrong_key) + "'");
  }
  if (egress) {
    m.check_fields({"name", "action", "to", "ports"}, {});
  } else {
    m.check_fields({"name", "action", "from", "ports"}, {});
  }
  if (const auto name = m.get("name")) {
    rule.name = read_string(r, *name);
    if (rule.name.size() > kMaxRuleName) r.fail(*name, "a rule name may be at most 100 characters");
  }
  const Field action = m.require("action");
  if (baseline) {
    if (action.value.IsScalar() && action.value.Scalar() == "Pass") {
      r.fail(action, "Pass is not an action of a BaselineAdminNetworkPolicy (expected Allow or Deny)");
    }
    rule.action = read_enum<AdminAction>(r, action, {"Allow", "Deny"});
  } else {
    rule.action = read_enum<AdminAction>(r, action, {"Allow", "Deny", "Pass"});
  }
  for (const Field& item : bounded_list(r, m.require(peers_key), 1, kMaxPeers, std::string(peers_key))) {
    rule.peers.push_back(read_peer(r, item, egress));
  }
  if (const auto ports = m.get("ports")) {
    for (const Field& item : bounded_list(r, *ports, 1, kMaxPorts, "ports")) rule.ports.push_back(read_port(r, item));
  }
  return rule;
}

void read_rules(const Reader& r, const MapView& spec, bool baseline, std::vector<AdminRule>& ingress,
                std::vector<AdminRule>& egress) {
  if (const auto f = spec.get("ingress")) {
    for (const Field& item : bounded_list(r, *f, 0, kMaxRules, "ingress")) {
      ingress.push_back(read_rule(r, item, false, baseline));
    }
  }
  if (const auto f = spec.get("egress")) {
    for (const Field& item : bounded_list(r, *f, 0, kMaxRules, "egress")) {
      egress.push_back(read_rule(r, item, true, baseline));
    }
  }
}

}  // namespace

AdminNetworkPolicy read_admin_network_policy(const Reader& r, const MapView& object, const ObjectMeta& meta) {
  AdminNetworkPolicy anp;
  anp.name = meta.name;
  anp.where = meta.where;
  const MapView spec = read_map(r, object.require("spec"));
  spec.check_fields({"priority", "subject", "ingress", "egress"}, {});
  anp.priority = static_cast<std::int32_t>(read_int(r, spec.require("priority"), 0, 1000));
  anp.subject = read_subject(r, spec.require("subject"));
  read_rules(r, spec, false, anp.ingress, anp.egress);
  return anp;
}

BaselineAdminNetworkPolicy read_baseline_admin_network_policy(const Reader& r, const MapView& object,
                                                              const ObjectMeta& meta) {
  BaselineAdminNetworkPolicy banp;
  if (meta.name != "default") {
    const Field name = read_map(r, object.require("metadata")).require("name");
    r.fail(name,
           "a BaselineAdminNetworkPolicy must be named 'default' (there is one per cluster), not " + quoted(meta.name));
  }
  banp.name = meta.name;
  banp.where = meta.where;
  const MapView spec = read_map(r, object.require("spec"));
  spec.check_fields({"subject", "ingress", "egress"}, {});
  banp.subject = read_subject(r, spec.require("subject"));
  read_rules(r, spec, true, banp.ingress, banp.egress);
  return banp;
}

}  // namespace eksim::k8s::detail
