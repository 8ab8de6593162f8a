// Calico policies against a plain connection-by-connection evaluation written
// here from Calico's documented semantics (docs/reachability.md, "Calico"),
// reading the imported k8s::CalicoPolicy objects, never the compiled form,
// on random policy sets over the e2e model of test_policy_model.hpp.
#include <algorithm>

#include "policy_reference.hpp"

using eksim::k8s::Protocol;
using eksim::net::Ipv4Address;
namespace k8s = eksim::k8s;
using namespace eksim::reach;
using namespace eksim::test_policy;

namespace {

const std::vector<std::string> kSelectors = {
    "pod == 'a'",         "tier == 'front'",   "has(tier)", "!has(tier)", "projectcalico.org/namespace == 'y'",
    "pcns.env == 'prod'", "pod in {'a', 'c'}", "all()"};
const std::vector<std::string> kNamespaceSelectors = {"ns == 'x'", "env == 'prod'", "has(env)", "all()",
                                                      "projectcalico.org/name == 'z'"};
const std::vector<std::string> kNets = {"10.0.0.0/30", "10.0.0.4/31", "10.0.0.0/24", "8.8.8.0/24", "10.0.0.7/32"};
const std::vector<std::string> kPorts = {"80", "81", "'80:81'", "serve-81-tcp", "serve-80-udp"};
const std::vector<std::string> kActions = {"Allow", "Allow", "Deny", "Pass", "Log"};

std::string quoted(const std::string& s) { return '"' + s + '"'; }

// The fields of a random entity; nets only on the peer's side (on the
// policed pod's side they are not modelled, see docs/reachability.md).
std::vector<std::string> random_entity(Random& r, bool peer) {
  std::vector<std::string> fields;
  if (r.below(3) == 0) fields.push_back("selector: " + quoted(r.pick(kSelectors)));
  if (r.below(5) == 0) fields.push_back("notSelector: " + quoted(r.pick(kSelectors)));
  if (r.below(4) == 0) fields.push_back("namespaceSelector: " + quoted(r.pick(kNamespaceSelectors)));
  if (peer && r.below(5) == 0) fields.push_back("nets: [" + r.pick(kNets) + "]");
  if (peer && r.below(6) == 0) fields.push_back("notNets: [" + r.pick(kNets) + "]");
  return fields;
}

std::string flow(const std::vector<std::string>& fields) {
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i == 0 ? "" : ", ") + fields[i];
  return out + "}";
}

std::string random_rules(Random& r, bool ingress) {
  std::string out;
  const int n = 1 + r.below(3);
  for (int i = 0; i < n; ++i) {
    out += "  - action: " + r.pick(kActions) + "\n";
    bool ports = false;
    switch (r.below(6)) {
      case 0:
        out += "    protocol: TCP\n";
        ports = true;
        break;
      case 1:
        out += "    protocol: UDP\n";
        ports = true;
        break;
      case 2:
        out += "    protocol: ICMP\n";
        break;
      case 3:
        out += "    notProtocol: UDP\n";
        break;
      default:
        break;
    }
    std::vector<std::string> peer = random_entity(r, true);
    // The policed pod's side gets a selector now and then (subject variants).
    std::vector<std::string> self = r.below(3) == 0 ? random_entity(r, false) : std::vector<std::string>{};
    std::vector<std::string>& destination = ingress ? self : peer;
    if (ports && r.below(3) == 0) destination.push_back("ports: [" + r.pick(kPorts) + "]");
    if (ports && r.below(6) == 0) destination.push_back("notPorts: [" + r.pick(kPorts) + "]");
    out += "    source: " + flow(ingress ? peer : self) + "\n    destination: " + flow(destination) + "\n";
  }
  return out;
}

std::string random_policies(unsigned seed) {
  Random r(seed);
  std::string out = "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: t1}\nspec:\n  order: 100\n" +
                    std::string(r.coin() ? "  defaultAction: Pass\n" : "") + "---\n";
  const int n = 1 + r.below(4);
  for (int p = 0; p < n; ++p) {
    const bool global = r.coin();
    const bool in_t1 = r.coin();
    const std::string name = (in_t1 ? "t1.p" : "p") + std::to_string(p);
    std::string spec = in_t1 ? "  tier: t1\n" : "";
    if (r.below(4) != 0) spec += "  order: " + std::to_string(r.below(3) * 10) + "\n";
    spec += "  selector: " + quoted(r.pick(kSelectors)) + "\n";
    if (global && r.coin()) spec += "  namespaceSelector: " + quoted(r.pick(kNamespaceSelectors)) + "\n";
    switch (r.below(3)) {
      case 0:
        spec += "  types: [Ingress]\n";
        break;
      case 1:
        spec += "  types: [Egress]\n";
        break;
      default:
        spec += "  types: [Ingress, Egress]\n";
        break;
    }
    // Rules of both directions; those of a direction not in types are ignored.
    if (r.below(4) != 0) spec += "  ingress:\n" + random_rules(r, true);
    if (r.coin()) spec += "  egress:\n" + random_rules(r, false);
    out += "apiVersion: projectcalico.org/v3\nkind: " + std::string(global ? "GlobalNetworkPolicy" : "NetworkPolicy") +
           "\nmetadata: {name: " + name + (global ? "" : ", namespace: " + std::string(r.coin() ? "x" : "z")) +
           "}\nspec:\n" + spec + "---\n";
  }
  return out;
}

// ---- the reference

class Reference {
 public:
  Reference(const k8s::ManifestSet& set, const ClusterPods& pods) : set_(set), pods_(pods) {}

  RefEndpoint pod(std::uint32_t i) const { return ref_pod(set_, pods_, i); }

  bool allowed(const RefEndpoint& s, const RefEndpoint& d, Protocol proto, std::uint16_t port) const {
    return (!s.pod || side(s, d, d, true, proto, port)) && (!d.pod || side(d, s, d, false, proto, port));
  }

 private:
  // Calico's workload endpoint labels, as the Calico docs list them.
  k8s::Labels endpoint_labels(const RefEndpoint& e) const {
    k8s::Labels l = e.spec->labels;
    for (const auto& [k, v] : set_.namespaces[e.ns].labels) l["pcns." + k] = v;
    l["projectcalico.org/namespace"] = set_.namespaces[e.ns].name;
    l["projectcalico.org/orchestrator"] = "k8s";
    l["projectcalico.org/serviceaccount"] = "default";
    return l;
  }
  k8s::Labels namespace_labels(const RefEndpoint& e) const {
    k8s::Labels l = set_.namespaces[e.ns].labels;
    l["projectcalico.org/name"] = set_.namespaces[e.ns].name;
    return l;
  }
  static bool in_any(const std::vector<k8s::IpCidr>& nets, Ipv4Address a) {
    return std::any_of(nets.begin(), nets.end(), [&](const k8s::IpCidr& c) { return !c.ipv6 && c.ipv4.contains(a); });
  }

  bool entity(const k8s::CalicoPolicy& p, const k8s::CalicoEntityRule& e, const RefEndpoint& x) const {
    if (e.selector || e.not_selector || e.namespace_selector) {
      const bool positive = e.selector || e.namespace_selector || !p.global;
      if (!x.pod) {
        if (positive) return false;
      } else {
        if (e.namespace_selector) {
          if (!e.namespace_selector->matches(namespace_labels(x))) return false;
        } else if (!p.global && x.ns != p.namespace_index) {
          return false;
        }
        const k8s::Labels l = endpoint_labels(x);
        if (e.selector && !e.selector->matches(l)) return false;
        if (e.not_selector && e.not_selector->matches(l)) return false;
      }
    }
    if (!e.nets.empty() && !in_any(e.nets, x.address)) return false;
    if (!e.not_nets.empty() && in_any(e.not_nets, x.address)) return false;
    return true;
  }

  static std::uint8_t number(Protocol p) {
    switch (p) {
      case Protocol::Tcp:
        return 6;
      case Protocol::Udp:
        return 17;
      case Protocol::Sctp:
        return 132;
    }
    return 0;
  }

  static bool port_is(const k8s::CalicoPort& cp, const RefEndpoint& dst, Protocol proto, std::uint16_t port) {
    if (!cp.is_named()) return port >= cp.first && port <= cp.last;
    if (!dst.pod) return false;
    const auto c = dst.spec->find_port(cp.name, proto);
    return c && c->container_port == port;
  }

  bool rule(const k8s::CalicoPolicy& p, const k8s::CalicoRule& r, const RefEndpoint& self, const RefEndpoint& peer,
            const RefEndpoint& dst, bool egress, Protocol proto, std::uint16_t port) const {
    if (r.protocol && r.protocol->number != number(proto)) return false;
    if (r.not_protocol && r.not_protocol->number == number(proto)) return false;
    const auto& ports = r.destination.ports;
    if (!ports.empty() &&
        std::none_of(ports.begin(), ports.end(), [&](const auto& cp) { return port_is(cp, dst, proto, port); })) {
      return false;
    }
    const auto& not_ports = r.destination.not_ports;
    if (std::any_of(not_ports.begin(), not_ports.end(),
                    [&](const auto& cp) { return port_is(cp, dst, proto, port); })) {
      return false;
    }
    return entity(p, egress ? r.destination : r.source, peer) && entity(p, egress ? r.source : r.destination, self);
  }

  bool selects(const k8s::CalicoPolicy& p, const RefEndpoint& self) const {
    if (!p.global && p.namespace_index != self.ns) return false;
    if (p.global && p.namespace_selector && !p.namespace_selector->matches(namespace_labels(self))) return false;
    return p.selector.matches(endpoint_labels(self));
  }

  bool side(const RefEndpoint& self, const RefEndpoint& peer, const RefEndpoint& dst, bool egress, Protocol proto,
            std::uint16_t port) const {
    for (std::uint32_t t : set_.calico_tier_order()) {
      bool selected = false;
      bool passed = false;
      for (std::uint32_t i : set_.calico_policies_in_tier(t)) {
        const k8s::CalicoPolicy& p = set_.calico_policies[i];
        if (!(egress ? p.applies_to_egress : p.applies_to_ingress) || !selects(p, self)) continue;
        selected = true;
        for (const auto& r : egress ? p.egress : p.ingress) {
          if (!rule(p, r, self, peer, dst, egress, proto, port)) continue;
          if (r.action == k8s::CalicoAction::Log) continue;
          if (r.action == k8s::CalicoAction::Pass) {
            passed = true;
            break;
          }
          return r.action == k8s::CalicoAction::Allow;
        }
        if (passed) break;
      }
      if (!passed && selected && set_.calico_tiers[t].default_action == k8s::CalicoAction::Deny) return false;
    }
    return true;
  }

  const k8s::ManifestSet& set_;
  const ClusterPods& pods_;
};

const Probes kProbes = {
    {Protocol::Tcp, 80}, {Protocol::Tcp, 81}, {Protocol::Udp, 80}, {Protocol::Udp, 81}, {Protocol::Sctp, 80}};
const std::vector<Ipv4Address> kOutside = {Ipv4Address::from_octets(8, 8, 8, 8),
                                           Ipv4Address::from_octets(10, 0, 0, 100)};

}  // namespace

TEST_CASE("differential: Calico policies against a connection-by-connection evaluation", "[policy][calico]") {
  int compared = 0;
  int allowed = 0;
  for (unsigned seed = 1; seed <= 80; ++seed) {
    const std::string yaml = random_policies(seed);
    INFO("seed " << seed << "\n" << yaml);
    const Cluster c = e2e(yaml);
    const Reference ref(c.set, c.engine.pods());
    const auto n = static_cast<std::uint32_t>(c.engine.pods().pods.size());
    for (std::uint32_t s = 0; s < n; ++s) {
      compare_from_pod(
          c, s, kProbes,
          [&](std::uint32_t src, std::uint32_t dst, Protocol proto, std::uint16_t port) {
            return ref.allowed(ref.pod(src), ref.pod(dst), proto, port);
          },
          compared, allowed);
      for (const Ipv4Address a : kOutside) {
        const RefEndpoint out{false, nullptr, 0, a};
        compare_with_address(
            c, s, a, kProbes,
            [&](bool outbound, Protocol proto, std::uint16_t port) {
              return outbound ? ref.allowed(ref.pod(s), out, proto, port) : ref.allowed(out, ref.pod(s), proto, port);
            },
            compared);
      }
    }
  }
  // Both outcomes must be common, or the comparison proves little.
  CHECK(compared > 20000);
  CHECK(allowed > compared / 10);
  CHECK(allowed < compared * 9 / 10);
}

TEST_CASE("Calico: NetworkPolicy updates bringing new ipBlocks equal a fresh build", "[policy][calico]") {
  int splits = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    Random r(seed + 500);
    const std::string yaml = random_policies(seed);
    Cluster updated = e2e(yaml);
    std::string policies;
    std::vector<eksim::net::Cidr> cidrs;
    for (int step = 0; step < 3; ++step) {
      // A block through the pod addresses (10.0.0.1 .. 10.0.0.9) with an
      // except half of the time, and one outside.
      const auto inner = eksim::net::Cidr::containing(
          Ipv4Address::from_octets(10, 0, 0, static_cast<std::uint8_t>(r.below(12))), 28 + r.below(5));
      const auto outer = eksim::net::Cidr::containing(
          Ipv4Address::from_octets(8, 8, static_cast<std::uint8_t>(r.below(256)), 0), 16 + r.below(9));
      cidrs.insert(cidrs.end(), {inner, outer});
      std::string block = "{ipBlock: {cidr: " + inner.to_string();
      if (inner.prefix_length() < 32 && r.coin()) {
        const auto except = eksim::net::Cidr::containing(inner.last(), inner.prefix_length() + 1);
        cidrs.push_back(except);
        block += ", except: [" + except.to_string() + "]";
      }
      block += "}}, {ipBlock: {cidr: " + outer.to_string() + "}}";
      const std::string ns = r.pick(std::vector<std::string>{"x", "y", "z"});
      const std::string doc = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: b" +
                              std::to_string(step) + ", namespace: '" + ns + "'}\nspec:\n  podSelector: " +
                              (r.coin() ? "{}" : "{matchLabels: {pod: a}}") + "\n" +
                              (r.coin() ? "  ingress: [{from: [" + block + "]}]\n"
                                        : "  policyTypes: [Egress]\n  egress: [{to: [" + block + "]}]\n") +
                              "---\n";
      policies += doc;
      const UpdateStats s =
          updated.engine.set_network_policy(k8s::load_manifest_text(doc, "b.yaml").network_policies.at(0));
      splits += s.classes_split > 0 ? 1 : 0;
      const Cluster fresh = e2e(yaml + policies);
      INFO("seed " << seed << " step " << step << "\n" << yaml + policies);
      const auto n = static_cast<std::uint32_t>(fresh.engine.pods().pods.size());
      std::vector<Ipv4Address> probes(kOutside.begin(), kOutside.end());
      for (const auto& c : cidrs) {
        probes.push_back(c.first());
        probes.push_back(c.last());
        probes.emplace_back(c.last().value() + 1);
      }
      for (std::uint32_t s = 0; s < n; ++s) {
        for (std::uint32_t d = 0; d < n; ++d) {
          if (s != d) REQUIRE(*updated.engine.allowed_pods(s, d) == *fresh.engine.allowed_pods(s, d));
        }
        for (const Ipv4Address a : probes) {
          INFO(fresh.engine.pods().pods[s].name << " <-> " << a.to_string());
          const auto& u = updated.engine;
          const auto& f = fresh.engine;
          REQUIRE(u.allowed(u.class_of_pod(s), u.class_of_address(a)) ==
                  f.allowed(f.class_of_pod(s), f.class_of_address(a)));
          REQUIRE(u.allowed(u.class_of_address(a), u.class_of_pod(s)) ==
                  f.allowed(f.class_of_address(a), f.class_of_pod(s)));
          for (const auto& [proto, port] : kProbes) {
            REQUIRE(u.decide(Endpoint::of_address(a), Endpoint::of_pod(s), proto, port).allowed() ==
                    f.decide(Endpoint::of_address(a), Endpoint::of_pod(s), proto, port).allowed());
          }
        }
      }
    }
  }
  CHECK(splits > 60);
}
