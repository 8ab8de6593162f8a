// networking.k8s.io/v1 NetworkPolicy, read completely: every field of its
// schema changes what traffic is allowed.
#include "name_rules.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {
namespace {

ListPresence presence(const MapView& map, std::string_view key, const std::vector<Field>& items) {
  if (!map.has(key) || !map.get(key)) return ListPresence::Missing;  // absent or null
  return items.empty() ? ListPresence::Empty : ListPresence::Items;
}

IpBlock read_ip_block(const Reader& r, const Field& field) {
  const MapView m = read_map(r, field);
  m.check_fields({"cidr", "except"}, {});
  IpBlock block;
  const Field cidr = m.require("cidr");
  block.cidr = read_ip_cidr(r, cidr);
  if (const auto except = m.get("except")) {
    for (const Field& item : read_list(r, *except)) {
      IpCidr inner = read_ip_cidr(r, item);
      if (!strictly_inside(inner, block.cidr)) {
        r.fail(item, inner.text + " must be a strict subset of the ipBlock's cidr " + block.cidr.text);
      }
      block.except.push_back(std::move(inner));
    }
  }
  return block;
}

NetworkPolicyPeer read_peer(const Reader& r, const Field& field) {
  NetworkPolicyPeer peer;
  peer.where = r.at(field);
  if (field.value.IsNull()) r.fail(field, "a peer needs podSelector, namespaceSelector or ipBlock");
  const MapView m = read_map(r, field);
  m.check_fields({"podSelector", "namespaceSelector", "ipBlock"}, {});
  // A selector written as `podSelector:` with nothing after it is null to the
  // API server, so it counts as absent, as here.
  if (const auto pods = m.get("podSelector")) peer.pod_selector = read_label_selector(r, *pods);
  if (const auto namespaces = m.get("namespaceSelector")) peer.namespace_selector = read_label_selector(r, *namespaces);
  if (const auto block = m.get("ipBlock")) {
    if (peer.pod_selector || peer.namespace_selector) {
      r.fail(*block,
             "ipBlock cannot be combined with podSelector or namespaceSelector in one peer; "
             "list them as separate peers");
    }
    peer.ip_block = read_ip_block(r, *block);
  }
  if (!peer.pod_selector && !peer.namespace_selector && !peer.ip_block) {
    r.fail(field, "a peer needs podSelector, namespaceSelector or ipBlock");
  }
  return peer;
}

NetworkPolicyPort read_policy_port(const Reader& r, const Field& field) {
  NetworkPolicyPort port;
  if (field.value.IsNull()) return port;  // every TCP port, like `{}`
  const MapView m = read_map(r, field);
  m.check_fields({"protocol", "port", "endPort"}, {});
  if (const auto proto = m.get("protocol")) port.protocol = read_protocol(r, *proto);
  if (const auto p = m.get("port")) port.port = read_port_ref(r, *p);
  if (const auto end = m.get("endPort")) {
    if (!port.port) r.fail(*end, "endPort needs a numeric port to start the range");
    if (port.port->is_named()) {
      r.fail(*end, "endPort needs a numeric port, but port is the name " + quoted(port.port->name));
    }
    const std::uint16_t last = read_port_number(r, *end);
    if (last < port.port->number) {
      r.fail(*end, "endPort " + std::to_string(last) + " is below port " + std::to_string(port.port->number) +
                       "; the range is port..endPort, inclusive");
    }
    port.end_port = last;
  }
  return port;
}

NetworkPolicyRule read_rule(const Reader& r, const Field& field, bool ingress) {
  NetworkPolicyRule rule;
  rule.where = r.at(field);
  if (field.value.IsNull()) return rule;  // `- ` is an empty rule: everything
  const MapView m = read_map(r, field);
  const std::string_view peers_key = ingress ? "from" : "to";
  const std::string_view wrong_key = ingress ? "to" : "from";
  // `to` in an ingress rule is no misspelling check_fields would catch, and
  // ignoring it would turn the rule into "from everywhere".
  for (const Field& e : m.entries()) {
    if (e.key.Scalar() != wrong_key) continue;
    r.fail(Field{e.key, e.key, e.path}, std::string(ingress ? "an ingress" : "an egress") + " rule takes '" +
                                            std::string(peers_key) + "', not '" + std::string(wrong_key) + "'");
  }
  if (ingress) {
    m.check_fields({"from", "ports"}, {});
  } else {
    m.check_fields({"to", "ports"}, {});
  }
  std::vector<Field> peers;
  if (const auto p = m.get(peers_key)) peers = read_list(r, *p);
  rule.peers_presence = presence(m, peers_key, peers);
  for (const Field& item : peers) rule.peers.push_back(read_peer(r, item));
  std::vector<Field> ports;
  if (const auto p = m.get("ports")) ports = read_list(r, *p);
  rule.ports_presence = presence(m, "ports", ports);
  for (const Field& item : ports) rule.ports.push_back(read_policy_port(r, item));
  return rule;
}

}  // namespace

NetworkPolicy read_network_policy(const Reader& r, const MapView& object, const ObjectMeta& meta) {
  NetworkPolicy np;
  np.name = meta.name;
  np.namespace_name = meta.namespace_name;
  np.where = meta.where;

  const auto spec_field = object.get("spec");
  if (!spec_field) {
    r.warn_at(meta.where, "spec",
              "missing; Kubernetes reads that as podSelector: {} with policyTypes [Ingress], which denies all "
              "ingress to every pod of the namespace");
    np.policy_types_defaulted = true;
    np.isolates_ingress = true;
    return np;
  }
  const MapView spec = read_map(r, *spec_field);
  spec.check_fields({"podSelector", "policyTypes", "ingress", "egress"}, {});

  if (const auto selector = spec.get("podSelector")) {
    np.pod_selector = read_label_selector(r, *selector);
  } else {
    r.warn(spec.self(),
           "podSelector is missing; Kubernetes reads that as podSelector: {} (every pod of the "
           "namespace)");
  }

  if (const auto types = spec.get("policyTypes")) {
    for (const Field& item : read_list(r, *types)) {
      const auto type = read_enum<PolicyType>(r, item, {"Ingress", "Egress"});
      for (const PolicyType seen : np.policy_types_written) {
        if (seen == type) r.fail(item, std::string(to_string(type)) + " is listed twice");
      }
      np.policy_types_written.push_back(type);
    }
  }

  std::vector<Field> ingress;
  if (const auto f = spec.get("ingress")) ingress = read_list(r, *f);
  np.ingress_presence = presence(spec, "ingress", ingress);
  for (const Field& item : ingress) np.ingress.push_back(read_rule(r, item, true));

  std::vector<Field> egress;
  if (const auto f = spec.get("egress")) egress = read_list(r, *f);
  np.egress_presence = presence(spec, "egress", egress);
  for (const Field& item : egress) np.egress.push_back(read_rule(r, item, false));

  if (np.policy_types_written.empty()) {
    // policy-semantics.md item 3: Ingress always, Egress only with egress rules.
    np.policy_types_defaulted = true;
    np.isolates_ingress = true;
    np.isolates_egress = !np.egress.empty();
  } else {
    for (const PolicyType t : np.policy_types_written) {
      (t == PolicyType::Ingress ? np.isolates_ingress : np.isolates_egress) = true;
    }
  }
  return np;
}

}  // namespace eksim::k8s::detail
