// The class matrix against a plain pod-by-pod evaluation written here from
// policy-semantics.md alone (it reads the imported k8s:: objects, never the
// engine's compiled form), on random small clusters; and incremental
// updates against a fresh build.
#include <algorithm>
#include <map>
#include <random>

#include "policy_reference.hpp"

using eksim::k8s::Protocol;
using eksim::net::Ipv4Address;
namespace k8s = eksim::k8s;
using namespace eksim::reach;
using namespace eksim::test_policy;

namespace {

// ---- random clusters, written as YAML

const std::vector<std::string> kApps = {"web", "db", "api"};
const std::vector<std::string> kPortsYaml = {
    "{name: http, containerPort: 80}", "{name: http, containerPort: 8080}",
    "{name: dns, containerPort: 53, protocol: UDP}", "{name: metrics, containerPort: 9090}",
    "{name: stream, containerPort: 81, protocol: SCTP}"};

std::string random_pod_selector(Random& r) {
  switch (r.below(4)) {
    case 0: return "{}";
    case 1: return "{matchLabels: {app: " + r.pick(kApps) + "}}";
    case 2: return "{matchExpressions: [{key: tier, operator: In, values: [front]}]}";
    default: return "{matchExpressions: [{key: tier, operator: DoesNotExist}]}";
  }
}

std::string random_namespace_selector(Random& r) {
  switch (r.below(4)) {
    case 0: return "{}";
    case 1: return r.coin() ? "{matchLabels: {team: red}}" : "{matchLabels: {team: blue}}";
    case 2: return "{matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}";
    default: return "{matchLabels: {kubernetes.io/metadata.name: ns1}}";
  }
}

std::string random_np_peer(Random& r) {
  switch (r.below(5)) {
    case 0: return "{podSelector: " + random_pod_selector(r) + "}";
    case 1: return "{namespaceSelector: " + random_namespace_selector(r) + "}";
    case 2:
      return "{namespaceSelector: " + random_namespace_selector(r) + ", podSelector: " + random_pod_selector(r) + "}";
    case 3: return "{ipBlock: {cidr: 10.0.0.0/28, except: [10.0.0.4/30]}}";
    default: return r.coin() ? "{ipBlock: {cidr: 10.0.0.8/29}}" : "{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}";
  }
}

std::string random_np_port(Random& r) {
  switch (r.below(7)) {
    case 0: return "{port: 80}";
    case 1: return "{port: http}";
    case 2: return "{protocol: UDP}";
    case 3: return "{port: 80, endPort: 90}";
    case 4: return "{port: dns, protocol: UDP}";
    case 5: return "{protocol: SCTP, port: 81}";
    default: return "{port: metrics}";
  }
}

std::string random_rules(Random& r, const char* peers_key) {
  std::string out = "[";
  const int n = r.below(3);
  for (int i = 0; i < n; ++i) {
    out += i ? ", {" : "{";
    bool any = false;
    if (r.below(3) != 0) {
      out += std::string(peers_key) + ": [" + random_np_peer(r);
      if (r.coin()) out += ", " + random_np_peer(r);
      out += "]";
      any = true;
    }
    if (r.coin()) {
      out += std::string(any ? ", " : "") + "ports: [" + random_np_port(r);
      if (r.coin()) out += ", " + random_np_port(r);
      out += "]";
    }
    out += "}";
  }
  return out + "]";
}

std::string random_admin_peer(Random& r) {
  if (r.coin()) return "{namespaces: " + random_namespace_selector(r) + "}";
  return "{pods: {namespaceSelector: " + random_namespace_selector(r) + ", podSelector: " + random_pod_selector(r) + "}}";
}

std::string random_admin_rules(Random& r, const char* peers_key, bool pass_allowed) {
  std::string out = "[";
  const int n = 1 + r.below(2);
  const std::vector<std::string> actions = pass_allowed ? std::vector<std::string>{"Allow", "Deny", "Pass"}
                                                        : std::vector<std::string>{"Allow", "Deny"};
  for (int i = 0; i < n; ++i) {
    out += std::string(i ? ", " : "") + "{action: " + r.pick(actions) + ", " + peers_key + ": [" +
           random_admin_peer(r) + "]";
    switch (r.below(4)) {
      case 0: out += ", ports: [{portNumber: {port: 80}}]"; break;
      case 1: out += ", ports: [{namedPort: http}]"; break;
      case 2: out += ", ports: [{portRange: {start: 50, end: 85, protocol: UDP}}]"; break;
      default: break;
    }
    out += "}";
  }
  return out + "]";
}

std::string random_subject(Random& r) {
  if (r.coin()) return "{namespaces: " + random_namespace_selector(r) + "}";
  return "{pods: {namespaceSelector: " + random_namespace_selector(r) + ", podSelector: " + random_pod_selector(r) + "}}";
}

struct RandomCluster {
  std::string base;                   // namespaces and workloads
  std::vector<std::string> policies;  // one YAML document each
};

// `extra_namespaces` makes clusters with more classes than one 64-bit word holds.
RandomCluster random_cluster(unsigned seed, int extra_namespaces = 0) {
  Random r(seed);
  RandomCluster c;
  const int namespaces = 2 + r.below(3) + extra_namespaces;
  for (int n = 0; n < namespaces; ++n) {
    const std::string ns = "ns" + std::to_string(n);
    c.base += "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + ", labels: {team: " +
              (r.coin() ? "red" : "blue") + (r.coin() ? ", env: prod" : "") + "}}\n---\n";
    const int workloads = 1 + r.below(3);
    for (int w = 0; w < workloads; ++w) {
      const std::string name = "w" + std::to_string(w);
      const std::string tier = r.coin() ? ", tier: front" : "";
      std::string ports;
      for (const auto& p : kPortsYaml) {
        if (r.below(3) == 0) ports += (ports.empty() ? "" : ", ") + p;
      }
      // Two ports named http would be ambiguous; keep the first.
      if (ports.find("containerPort: 80}") != std::string::npos) {
        const auto at = ports.find(", {name: http, containerPort: 8080}");
        if (at != std::string::npos) ports.erase(at, std::string(", {name: http, containerPort: 8080}").size());
      }
      c.base += "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: " + ns +
                "}\nspec:\n  replicas: " + std::to_string(1 + r.below(2)) + "\n  selector: {matchLabels: {id: " +
                name + "}}\n  template:\n    metadata: {labels: {id: " + name + ", app: " + r.pick(kApps) + tier +
                "}}\n    spec: {containers: [{name: c, image: i, ports: [" + ports + "]}]}\n---\n";
    }
  }
  const int nps = r.below(6);
  for (int p = 0; p < nps; ++p) {
    std::string spec = "  podSelector: " + random_pod_selector(r) + "\n";
    switch (r.below(4)) {
      case 0: break;  // defaulted
      case 1: spec += "  policyTypes: [Ingress]\n"; break;
      case 2: spec += "  policyTypes: [Egress]\n"; break;
      default: spec += "  policyTypes: [Ingress, Egress]\n"; break;
    }
    if (r.below(4) != 0) spec += "  ingress: " + random_rules(r, "from") + "\n";
    if (r.coin()) spec += "  egress: " + random_rules(r, "to") + "\n";
    c.policies.push_back("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p" +
                         std::to_string(p) + ", namespace: ns" + std::to_string(r.below(namespaces)) + "}\nspec:\n" +
                         spec + "---\n");
  }
  const int anps = r.below(3);
  for (int a = 0; a < anps; ++a) {
    std::string spec = "  priority: " + std::to_string(r.below(3) * 10 + a) + "\n  subject: " + random_subject(r) + "\n";
    if (r.coin()) spec += "  ingress: " + random_admin_rules(r, "from", true) + "\n";
    if (r.coin()) spec += "  egress: " + random_admin_rules(r, "to", true) + "\n";
    c.policies.push_back("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a" +
                         std::to_string(a) + "}\nspec:\n" + spec + "---\n");
  }
  if (r.below(3) == 0) {
    std::string spec = "  subject: " + random_subject(r) + "\n";
    spec += "  ingress: " + random_admin_rules(r, "from", false) + "\n";
    if (r.coin()) spec += "  egress: " + random_admin_rules(r, "to", false) + "\n";
    c.policies.push_back(
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\n"
        "spec:\n" + spec + "---\n");
  }
  return c;
}

std::string join(const RandomCluster& c, std::optional<std::size_t> without = std::nullopt) {
  std::string s = c.base;
  for (std::size_t i = 0; i < c.policies.size(); ++i) {
    if (i != without) s += c.policies[i];
  }
  return s;
}

// ---- the reference: one connection at a time, straight from the rules

class Reference {
 public:
  Reference(const k8s::ManifestSet& set, const ClusterPods& pods, bool ip_block_matches_pods)
      : set_(set), pods_(pods), blocks_match_pods_(ip_block_matches_pods) {}

  RefEndpoint pod(std::uint32_t i) const { return ref_pod(set_, pods_, i); }

  bool allowed(const RefEndpoint& s, const RefEndpoint& d, Protocol proto, std::uint16_t port) const {
    return (!s.pod || side(s, d, d, true, proto, port)) && (!d.pod || side(d, s, d, false, proto, port));
  }

 private:
  const k8s::Labels& ns_labels(const RefEndpoint& e) const { return set_.namespaces[e.ns].labels; }

  bool in_cidr(const k8s::IpCidr& c, Ipv4Address a) const { return !c.ipv6 && c.ipv4.contains(a); }

  bool block_sees(const RefEndpoint& e) const { return !e.pod || blocks_match_pods_; }

  bool np_peer(const k8s::NetworkPolicy& np, const k8s::NetworkPolicyPeer& p, const RefEndpoint& e) const {
    if (p.ip_block) {
      if (!block_sees(e) || !in_cidr(p.ip_block->cidr, e.address)) return false;
      return std::none_of(p.ip_block->except.begin(), p.ip_block->except.end(),
                          [&](const k8s::IpCidr& x) { return in_cidr(x, e.address); });
    }
    if (!e.pod) return false;
    if (!p.namespace_selector) return e.ns == np.namespace_index && p.pod_selector->matches(e.spec->labels);
    if (!p.namespace_selector->matches(ns_labels(e))) return false;
    return !p.pod_selector || p.pod_selector->matches(e.spec->labels);
  }

  static bool np_port(const k8s::NetworkPolicyPort& p, const RefEndpoint& dst, Protocol proto, std::uint16_t port) {
    if (p.protocol != proto) return false;
    if (!p.port) return true;
    if (p.port->is_named()) {
      if (!dst.pod) return false;
      const auto cp = dst.spec->find_port(p.port->name, proto);
      return cp && cp->container_port == port;
    }
    return port >= p.port->number && port <= p.end_port.value_or(p.port->number);
  }

  bool admin_subject(const k8s::AdminSubject& s, const RefEndpoint& e) const {
    if (!s.namespace_selector.matches(ns_labels(e))) return false;
    return s.kind == k8s::AdminSubject::Kind::Namespaces || s.pod_selector.matches(e.spec->labels);
  }

  bool admin_peer(const k8s::AdminPeer& p, const RefEndpoint& e) const {
    if (p.kind == k8s::AdminPeer::Kind::Networks) {
      return block_sees(e) && std::any_of(p.networks.begin(), p.networks.end(),
                                          [&](const k8s::IpCidr& c) { return in_cidr(c, e.address); });
    }
    if (!e.pod || p.kind == k8s::AdminPeer::Kind::Nodes) return false;
    if (!p.namespace_selector.matches(ns_labels(e))) return false;
    return p.kind == k8s::AdminPeer::Kind::Namespaces || p.pod_selector.matches(e.spec->labels);
  }

  static bool admin_port(const k8s::AdminPort& p, const RefEndpoint& dst, Protocol proto, std::uint16_t port) {
    switch (p.kind) {
      case k8s::AdminPort::Kind::Number: return p.protocol == proto && p.port == port;
      case k8s::AdminPort::Kind::Range: return p.protocol == proto && port >= p.port && port <= p.end_port;
      case k8s::AdminPort::Kind::Named: {
        if (!dst.pod) return false;
        for (const auto& cp : dst.spec->all_ports()) {
          if (cp.name == p.name) return cp.protocol == proto && cp.container_port == port;
        }
        return false;
      }
    }
    return false;
  }

  // nullopt: no rule matched; otherwise the action.
  std::optional<k8s::AdminAction> admin_rules(const std::vector<k8s::AdminRule>& rules, const RefEndpoint& peer,
                                              const RefEndpoint& dst, Protocol proto, std::uint16_t port) const {
    for (const auto& rule : rules) {
      const bool peer_ok = std::any_of(rule.peers.begin(), rule.peers.end(),
                                       [&](const k8s::AdminPeer& p) { return admin_peer(p, peer); });
      const bool port_ok = rule.ports.empty() || std::any_of(rule.ports.begin(), rule.ports.end(), [&](const auto& p) {
                             return admin_port(p, dst, proto, port);
                           });
      if (peer_ok && port_ok) return rule.action;
    }
    return std::nullopt;
  }

  // Whether `self` lets the connection through in one direction.
  bool side(const RefEndpoint& self, const RefEndpoint& peer, const RefEndpoint& dst, bool egress, Protocol proto,
            std::uint16_t port) const {
    std::vector<const k8s::AdminNetworkPolicy*> anps;
    for (const auto& a : set_.admin_network_policies) anps.push_back(&a);
    std::sort(anps.begin(), anps.end(), [](auto* a, auto* b) {
      return a->priority != b->priority ? a->priority < b->priority : a->name < b->name;
    });
    bool passed = false;
    for (const auto* a : anps) {
      if (!admin_subject(a->subject, self)) continue;
      const auto action = admin_rules(egress ? a->egress : a->ingress, peer, dst, proto, port);
      if (!action) continue;
      if (*action == k8s::AdminAction::Pass) {
        passed = true;
        break;
      }
      return *action == k8s::AdminAction::Allow;
    }
    (void)passed;  // Pass and no match both go on to NetworkPolicy
    bool isolated = false;
    for (const auto& np : set_.network_policies) {
      if (np.namespace_index != self.ns || !np.pod_selector.matches(self.spec->labels)) continue;
      if (!(egress ? np.isolates_egress : np.isolates_ingress)) continue;
      isolated = true;
      for (const auto& rule : egress ? np.egress : np.ingress) {
        const bool peer_ok = rule.peers.empty() || std::any_of(rule.peers.begin(), rule.peers.end(), [&](const auto& p) {
                               return np_peer(np, p, peer);
                             });
        const bool port_ok = rule.ports.empty() || std::any_of(rule.ports.begin(), rule.ports.end(), [&](const auto& p) {
                               return np_port(p, dst, proto, port);
                             });
        if (peer_ok && port_ok) return true;
      }
    }
    if (isolated) return false;
    if (const auto& b = set_.baseline_admin_network_policy; b && admin_subject(b->subject, self)) {
      const auto action = admin_rules(egress ? b->egress : b->ingress, peer, dst, proto, port);
      if (action) return *action == k8s::AdminAction::Allow;
    }
    return true;
  }

  const k8s::ManifestSet& set_;
  const ClusterPods& pods_;
  bool blocks_match_pods_;
};

const Probes kProbes = {
    {Protocol::Tcp, 80},  {Protocol::Tcp, 8080}, {Protocol::Tcp, 85},   {Protocol::Udp, 53},
    {Protocol::Udp, 80},  {Protocol::Sctp, 81},  {Protocol::Tcp, 9090}, {Protocol::Tcp, 443}};

const std::vector<Ipv4Address> kOutside = {Ipv4Address::from_octets(10, 0, 0, 13), Ipv4Address::from_octets(10, 0, 0, 100),
                                           Ipv4Address::from_octets(10, 0, 0, 200), Ipv4Address::from_octets(8, 8, 8, 8)};

}  // namespace

TEST_CASE("differential: the class matrix equals a pod-by-pod evaluation on random clusters", "[policy]") {
  int compared = 0;
  int allowed = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    const RandomCluster rc = random_cluster(seed);
    const bool match_pods = seed % 3 != 0;
    INFO("seed " << seed << "\n" << join(rc));
    const Cluster c(join(rc), PolicySettings{match_pods});
    const Reference ref(c.set, c.engine.pods(), match_pods);
    const auto n = static_cast<std::uint32_t>(c.engine.pods().pods.size());
    for (std::uint32_t s = 0; s < n; ++s) {
      compare_from_pod(
          c, s, kProbes,
          [&](std::uint32_t src, std::uint32_t dst, Protocol proto, std::uint16_t port) {
            return ref.allowed(ref.pod(src), ref.pod(dst), proto, port);
          },
          compared, allowed);
      for (const Ipv4Address a : kOutside) {
        // An address that is a pod's stands for that pod (10.0.0.13 is one in larger clusters).
        RefEndpoint out{false, nullptr, 0, a};
        for (std::uint32_t p = 0; p < n; ++p) {
          if (c.engine.pods().pods[p].address == a) out = ref.pod(p);
        }
        if (out.pod && out.spec == ref.pod(s).spec && out.address == ref.pod(s).address) continue;
        compare_with_address(
            c, s, a, kProbes,
            [&](bool outbound, Protocol proto, std::uint16_t port) {
              return outbound ? ref.allowed(ref.pod(s), out, proto, port) : ref.allowed(out, ref.pod(s), proto, port);
            },
            compared);
      }
    }
  }
  // The random clusters must exercise both outcomes, or the comparison proves little.
  CHECK(compared > 10000);
  CHECK(allowed > compared / 10);
  CHECK(allowed < compared * 9 / 10);
}

TEST_CASE("classes: replicas share a class; ipBlock boundaries split the outside", "[policy]") {
  const Cluster eks = e2e("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\n"
                          "spec:\n  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/30}}]}]\n");
  // 9 templates, all different (namespace or labels): 9 pod classes.
  CHECK(eks.engine.pod_class_count() == 9);
  // Outside: below 10.0.0.0, the block 10.0.0.0-10.0.0.3, above.
  CHECK(eks.engine.class_count() == 12);
  CHECK(eks.engine.allowed_pods(pod(eks, "x/c"), pod(eks, "x/a"))->is_all());  // 10.0.0.3
  CHECK(eks.engine.allowed_pods(pod(eks, "y/a"), pod(eks, "x/a"))->empty());   // 10.0.0.4
}

TEST_CASE("for_each_allowed visits exactly the non-empty cells, in order", "[policy]") {
  std::size_t most_classes = 0;
  for (unsigned seed = 200; seed < 230; ++seed) {
    const RandomCluster rc = random_cluster(seed, seed % 3 == 0 ? 60 : 0);
    INFO("seed " << seed);
    const Cluster c(join(rc), PolicySettings{seed % 2 == 0});
    const auto& e = c.engine;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> visited;
    e.for_each_allowed([&](std::uint32_t s, std::uint32_t d, ConnectionPool::Id id) {
      REQUIRE(e.connections(id) == e.allowed(s, d));
      visited.emplace_back(s, d);
    });
    std::vector<std::pair<std::uint32_t, std::uint32_t>> expected;
    const auto n = static_cast<std::uint32_t>(e.class_count());
    for (std::uint32_t s = 0; s < n; ++s) {
      for (std::uint32_t d = 0; d < n; ++d) {
        if (e.endpoint_class(s).external && e.endpoint_class(d).external) continue;
        if (s == d && e.endpoint_class(s).pod_count < 2) continue;
        if (!e.allowed(s, d).empty()) expected.emplace_back(s, d);
      }
    }
    CHECK(visited == expected);
    most_classes = std::max(most_classes, e.class_count());
  }
  CHECK(most_classes > 64);  // bitsets of more than one word  // sources scanned in several blocks of 64
}

TEST_CASE("incremental: adding, changing and removing one NetworkPolicy equals a fresh build", "[policy]") {
  auto same = [](const Cluster& a, const Cluster& b) {
    const auto n = static_cast<std::uint32_t>(a.engine.pods().pods.size());
    for (std::uint32_t s = 0; s < n; ++s) {
      for (std::uint32_t d = 0; d < n; ++d) {
        if (s == d) continue;
        INFO(a.engine.pods().pods[s].name << " -> " << a.engine.pods().pods[d].name);
        REQUIRE(*a.engine.allowed_pods(s, d) == *b.engine.allowed_pods(s, d));
      }
      for (const Ipv4Address ip : kOutside) {
        const auto to = a.engine.allowed(a.engine.class_of_pod(s), a.engine.class_of_address(ip));
        REQUIRE(to == b.engine.allowed(b.engine.class_of_pod(s), b.engine.class_of_address(ip)));
      }
    }
  };
  int updates = 0;
  int splits = 0;
  for (unsigned seed = 100; seed < 140; ++seed) {
    const RandomCluster rc = random_cluster(seed);
    for (std::size_t k = 0; k < rc.policies.size(); ++k) {
      if (rc.policies[k].find("kind: NetworkPolicy") == std::string::npos) continue;
      INFO("seed " << seed << " policy " << k << "\n" << join(rc));
      const Cluster full(join(rc), {});
      const auto policy_set = k8s::load_manifest_text(rc.policies[k], "one.yaml");
      REQUIRE(policy_set.network_policies.size() == 1);
      const auto& policy = policy_set.network_policies[0];

      Cluster grown(join(rc, k), {});  // add
      const UpdateStats add = grown.engine.set_network_policy(policy);
      same(grown, full);
      splits += add.classes_split > 0 ? 1 : 0;

      Cluster shrunk(join(rc), {});  // remove
      shrunk.engine.remove_network_policy(policy.namespace_name, policy.name);
      same(shrunk, Cluster(join(rc, k), {}));

      // Change: the same name with another policy's body, then back.
      const RandomCluster other = random_cluster(seed + 1000);
      for (const auto& doc : other.policies) {
        if (doc.find("kind: NetworkPolicy") == std::string::npos) continue;
        auto changed = k8s::load_manifest_text(doc, "other.yaml").network_policies.at(0);
        changed.name = policy.name;
        changed.namespace_name = policy.namespace_name;
        changed.id = policy.id;
        Cluster moved(join(rc), {});
        moved.engine.set_network_policy(changed);
        moved.engine.set_network_policy(policy);
        same(moved, full);
        break;
      }
      updates += 3;
    }
  }
  CHECK(updates > 30);
  CHECK(splits > 0);  // some additions bring a block the rest do not have
}

TEST_CASE("incremental: only the policy's namespace is re-keyed; a new ipBlock splits the outside", "[policy]") {
  Cluster c = e2e("");
  const auto deny = k8s::load_manifest_text(
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: x}\n"
      "spec: {podSelector: {}}\n",
      "deny.yaml");
  const UpdateStats s = c.engine.set_network_policy(deny.network_policies.at(0));
  CHECK(s.classes_split == 0);
  CHECK(s.classes_rekeyed == 3);  // x/a, x/b, x/c for ingress; egress keys unchanged
  check_matrix(c, Protocol::Tcp, 80,
               {"-00111111", "0-0111111", "00-111111", "000-11111", "0001-1111", "00011-111", "000111-11",
                "0001111-1", "00011111-"});
  const auto block = k8s::load_manifest_text(
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: block, namespace: 'y'}\n"
      "spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/31}}]}]}\n",
      "block.yaml");
  const UpdateStats b = c.engine.set_network_policy(block.network_policies.at(0));
  // 10.0.0.0/31 holds one pod (x/a, 10.0.0.1): no pod class splits, the one
  // external range becomes three (below, 10.0.0.0-10.0.0.1, above).
  CHECK(b.classes_split == 2);
  CHECK(c.engine.class_count() == 12);
  // y takes only 10.0.0.0/31, i.e. x/a (10.0.0.1).
  check_matrix(c, Protocol::Tcp, 80,
               {"-00111111", "0-0000111", "00-000111", "000-00111", "0000-0111", "00000-111", "000000-11",
                "0000001-1", "00000011-"});
  c.engine.remove_network_policy("x", "deny");
  check_matrix(c, Protocol::Tcp, 80,
               {"-11111111", "1-1000111", "11-000111", "111-00111", "1110-0111", "11100-111", "111000-11",
                "1110001-1", "11100011-"});
}

// ---- updates that bring ipBlock boundaries the engine has not seen

namespace {

using eksim::net::Cidr;

// A CIDR through the pod addresses (10.0.0.1 up), beside them, or far
// outside, with an except strictly inside it half of the time; most have
// boundaries no policy has used yet. Every CIDR written is kept in `used`.
std::string random_block(Random& r, std::vector<Cidr>& used) {
  auto octet = [&](int n) { return static_cast<std::uint8_t>(r.below(n)); };
  Cidr c;
  switch (r.below(6)) {
    case 0:
    case 1:
    case 2: c = Cidr::containing(Ipv4Address::from_octets(10, 0, 0, octet(80)), 27 + r.below(6)); break;
    case 3: c = Cidr::containing(Ipv4Address::from_octets(10, 0, octet(4), octet(256)), 16 + r.below(10)); break;
    case 4: c = Cidr::containing(Ipv4Address::from_octets(8, 8, octet(256), 0), 12 + r.below(14)); break;
    default: c = Cidr::containing(Ipv4Address::from_octets(octet(256), 0, 0, 0), 1 + r.below(8)); break;
  }
  used.push_back(c);
  std::string out = "{cidr: " + c.to_string();
  if (c.prefix_length() < 32 && r.coin()) {
    const int prefix = c.prefix_length() + 1 + r.below(32 - c.prefix_length());
    const auto offset = std::uniform_int_distribution<std::uint64_t>(0, c.size() - 1)(r.rng);
    const Cidr except = Cidr::containing(Ipv4Address(static_cast<std::uint32_t>(c.first().value() + offset)), prefix);
    used.push_back(except);
    out += ", except: [" + except.to_string() + "]";
  }
  return out + "}";
}

// A NetworkPolicy with at least one ipBlock peer, for ingress, egress or both.
std::string random_block_policy(Random& r, const std::string& ns, const std::string& name, std::vector<Cidr>& used) {
  auto rules = [&](const char* key) {
    std::string peers = "{ipBlock: " + random_block(r, used) + "}";
    if (r.coin()) peers += ", " + (r.coin() ? "{ipBlock: " + random_block(r, used) + "}" : random_np_peer(r));
    std::string rule = "[{" + std::string(key) + ": [" + peers + "]";
    if (r.coin()) rule += ", ports: [" + random_np_port(r) + "]";
    rule += "}";
    if (r.below(4) == 0) rule += ", {" + std::string(key) + ": [" + random_np_peer(r) + "]}";
    return rule + "]";
  };
  std::string spec = "  podSelector: " + random_pod_selector(r) + "\n";
  switch (r.below(3)) {
    case 0: spec += "  policyTypes: [Ingress]\n  ingress: " + rules("from") + "\n"; break;
    case 1: spec += "  policyTypes: [Egress]\n  egress: " + rules("to") + "\n"; break;
    default:
      spec += "  policyTypes: [Ingress, Egress]\n  ingress: " + rules("from") + "\n  egress: " + rules("to") + "\n";
      break;
  }
  return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns +
         "}\nspec:\n" + spec + "---\n";
}

// An ANP (and a BANP when the cluster has none) with egress to networks, so
// that admin groups hold address peers too when classes split.
std::string admin_networks(Random& r, bool with_baseline, std::vector<Cidr>& used) {
  const std::vector<std::string> actions = {"Allow", "Deny", "Pass"};
  auto nets = [&] {
    Cidr c = Cidr::containing(Ipv4Address::from_octets(10, 0, 0, static_cast<std::uint8_t>(r.below(40))),
                              27 + r.below(5));
    used.push_back(c);
    return "[{networks: [" + c.to_string() + "]}]";
  };
  std::string out = "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: nets}\n"
                    "spec:\n  priority: 7\n  subject: " + random_subject(r) + "\n  egress: [{action: " +
                    r.pick(actions) + ", to: " + nets() + "}]\n---\n";
  if (with_baseline) {
    out += "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
           "metadata: {name: default}\nspec:\n  subject: " + random_subject(r) + "\n  egress: [{action: " +
           (r.coin() ? "Allow" : "Deny") + ", to: " + nets() + "}]\n---\n";
  }
  return out;
}

struct PolicyDoc {
  std::string yaml;
  std::string ns;    // NetworkPolicies only
  std::string name;
};

}  // namespace

TEST_CASE("incremental: updates bringing new ipBlocks split classes exactly as a fresh build", "[policy]") {
  int steps = 0;
  int splits = 0;
  int pods_split = 0;
  std::size_t most_classes = 0;
  int compared = 0;
  int allowed = 0;
  for (unsigned seed = 300; seed < 330; ++seed) {
    Random r(seed);
    RandomCluster rc = random_cluster(seed, seed % 10 == 0 ? 30 : 0);  // some with several words of classes
    // Three replicas where there were two: more classes of several pods for
    // the new boundaries to cut through.
    for (auto at = rc.base.find("replicas: 2\n"); at != std::string::npos; at = rc.base.find("replicas: 2\n", at)) {
      rc.base[at + 10] = '3';
    }
    const bool match_pods = seed % 2 == 0;
    const PolicySettings settings{match_pods};
    std::vector<Cidr> used;
    std::vector<PolicyDoc> docs;
    bool has_baseline = false;
    for (const std::string& doc : rc.policies) {
      PolicyDoc d{doc, "", ""};
      if (doc.find("kind: NetworkPolicy") != std::string::npos) {
        const auto np = k8s::load_manifest_text(doc, "one.yaml").network_policies.at(0);
        d.ns = np.namespace_name;
        d.name = np.name;
      }
      has_baseline = has_baseline || doc.find("kind: BaselineAdminNetworkPolicy") != std::string::npos;
      docs.push_back(d);
    }
    if (seed % 3 != 2) docs.push_back(PolicyDoc{admin_networks(r, !has_baseline, used), "", ""});
    auto all = [&] {
      std::string s = rc.base;
      for (const auto& d : docs) s += d.yaml;
      return s;
    };
    Cluster inc(all(), settings);
    const int namespaces = static_cast<int>(inc.set.namespaces.size());
    bool churned = false;  // a policy removed or replaced: its blocks may linger as redundant splits
    for (int step = 0; step < 5; ++step) {
      std::vector<std::size_t> nps;
      for (std::size_t i = 0; i < docs.size(); ++i) {
        if (!docs[i].name.empty()) nps.push_back(i);
      }
      const int op = r.below(6);
      const std::size_t before = inc.engine.class_count();
      const std::size_t pod_classes_before = inc.engine.pod_class_count();
      if (op == 0 && !nps.empty()) {
        const std::size_t i = r.pick(nps);
        inc.engine.remove_network_policy(docs[i].ns, docs[i].name);
        docs.erase(docs.begin() + static_cast<std::ptrdiff_t>(i));
        churned = true;
      } else {
        PolicyDoc d;
        std::optional<std::size_t> replaced;
        if (op <= 2 && !nps.empty()) {
          replaced = r.pick(nps);
          d.ns = docs[*replaced].ns;
          d.name = docs[*replaced].name;
          churned = true;
        } else {
          d.ns = "ns" + std::to_string(r.below(namespaces));
          d.name = "u" + std::to_string(step);
        }
        d.yaml = random_block_policy(r, d.ns, d.name, used);
        const UpdateStats stats =
            inc.engine.set_network_policy(k8s::load_manifest_text(d.yaml, "update.yaml").network_policies.at(0));
        CHECK(stats.classes_split == inc.engine.class_count() - before);
        splits += stats.classes_split > 0 ? 1 : 0;
        if (replaced) {
          docs[*replaced] = d;
        } else {
          docs.push_back(d);
        }
      }
      const Cluster fresh(all(), settings);
      const Reference ref(fresh.set, fresh.engine.pods(), match_pods);
      INFO("seed " << seed << " step " << step << "\n" << all());
      ++steps;
      most_classes = std::max(most_classes, inc.engine.class_count());

      // The partition itself, while no policy was removed or replaced.
      if (!churned) {
        REQUIRE(inc.engine.class_count() == fresh.engine.class_count());
        REQUIRE(inc.engine.pod_class_count() == fresh.engine.pod_class_count());
        for (std::uint32_t c = 0; c < inc.engine.class_count(); ++c) {
          const EndpointClass& a = inc.engine.endpoint_class(c);
          const EndpointClass& b = fresh.engine.endpoint_class(c);
          INFO("class " << c << ' ' << inc.engine.class_name(c) << " / " << fresh.engine.class_name(c));
          REQUIRE(a.external == b.external);
          REQUIRE(a.first_pod == b.first_pod);
          REQUIRE(a.pod_count == b.pod_count);
          REQUIRE(a.first == b.first);
          REQUIRE(a.last == b.last);
          for (std::uint32_t d = 0; d < inc.engine.class_count(); ++d) {
            REQUIRE(inc.engine.allowed(c, d) == fresh.engine.allowed(c, d));
          }
        }
      }
      pods_split += inc.engine.pod_class_count() > pod_classes_before ? 1 : 0;

      // Every pair of pods: the same sets as a fresh build, and what the reference says.
      const auto n = static_cast<std::uint32_t>(inc.engine.pods().pods.size());
      for (std::uint32_t s = 0; s < n; ++s) {
        for (std::uint32_t d = 0; d < n; ++d) {
          if (s != d) REQUIRE(*inc.engine.allowed_pods(s, d) == *fresh.engine.allowed_pods(s, d));
        }
        compare_from_pod(
            inc, s, kProbes,
            [&](std::uint32_t src, std::uint32_t dst, Protocol proto, std::uint16_t port) {
              return ref.allowed(ref.pod(src), ref.pod(dst), proto, port);
            },
            compared, allowed);
      }
      // Addresses at and beside the boundaries of the latest blocks, and a few earlier ones.
      std::vector<Ipv4Address> probes(kOutside.begin(), kOutside.end());
      for (std::size_t k = 0; k < used.size(); ++k) {
        if (k + 4 < used.size() && r.below(4) != 0) continue;
        const std::uint32_t first = used[k].first().value();
        const std::uint32_t last = used[k].last().value();
        for (std::uint32_t a : {first, last}) probes.emplace_back(a);
        if (first > 0) probes.emplace_back(first - 1);
        if (last < 0xFFFFFFFFu) probes.emplace_back(last + 1);
      }
      for (std::uint32_t s = 0; s < n; ++s) {
        for (const Ipv4Address a : probes) {
          RefEndpoint out{false, nullptr, 0, a};
          for (std::uint32_t p = 0; p < n; ++p) {
            if (inc.engine.pods().pods[p].address == a) out = ref.pod(p);
          }
          if (out.pod && out.address == ref.pod(s).address) continue;
          const std::uint32_t own = inc.engine.class_of_pod(s);
          const std::uint32_t ext = inc.engine.class_of_address(a);
          INFO(inc.engine.pods().pods[s].name << " <-> " << a.to_string());
          REQUIRE(inc.engine.allowed(own, ext) ==
                  fresh.engine.allowed(fresh.engine.class_of_pod(s), fresh.engine.class_of_address(a)));
          REQUIRE(inc.engine.allowed(ext, own) ==
                  fresh.engine.allowed(fresh.engine.class_of_address(a), fresh.engine.class_of_pod(s)));
          compare_with_address(
              inc, s, a, kProbes,
              [&](bool outbound, Protocol proto, std::uint16_t port) {
                return outbound ? ref.allowed(ref.pod(s), out, proto, port) : ref.allowed(out, ref.pod(s), proto, port);
              },
              compared);
        }
      }
    }
  }
  CHECK(steps == 150);
  CHECK(most_classes > 64);  // bitsets of more than one word
  CHECK(splits > 60);      // most updates bring a new boundary
  CHECK(pods_split > 10);  // and some cut through a class of several pods
  CHECK(allowed > compared / 20);
}

TEST_CASE("incremental: a new ipBlock splits hostNetwork replicas by node even when blocks do not see pods",
          "[policy]") {
  // x/h: two hostNetwork replicas, one class until a block tells their nodes
  // apart. Pods go round robin: x/a n1, x/b n2, x/c n1, y/a n2, y/b n1, y/c n2,
  // z/a n1, z/b n2, z/c n1, then x/h-0 on n2 (192.168.0.2), x/h-1 on n1 (192.168.0.1).
  const std::string yaml =
      e2e_namespaces() + e2e_pods() +
      deployment("x", "h", "pod: h", "hostNetwork: true, containers: [{name: c, image: i}]", 2);
  const std::vector<NodeInstance> nodes = {{"n1", Ipv4Address::from_octets(192, 168, 0, 1)},
                                           {"n2", Ipv4Address::from_octets(192, 168, 0, 2)}};
  const std::string from_n1 =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: from-n1, namespace: 'y'}\n"
      "spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 192.168.0.1/32}}]}]}\n";
  Cluster c(yaml, PolicySettings{false}, nodes);
  auto replica = [&](const std::string& name) {
    for (std::uint32_t i = 0; i < c.engine.pods().pods.size(); ++i) {
      if (c.engine.pods().pods[i].name == name) return i;
    }
    FAIL("no pod " << name);
    return 0U;
  };
  const std::uint32_t h0 = replica("x/h-0");
  const std::uint32_t h1 = replica("x/h-1");
  REQUIRE(c.engine.pods().pods[h1].address == nodes[0].address);
  CHECK(c.engine.class_of_pod(h0) == c.engine.class_of_pod(h1));
  CHECK(c.engine.class_count() == 11);  // 10 pod classes, the whole outside

  const UpdateStats s = c.engine.set_network_policy(k8s::load_manifest_text(from_n1, "p.yaml").network_policies.at(0));
  // x/h splits by node; the outside becomes below, 192.168.0.1, above.
  CHECK(s.classes_split == 3);
  CHECK(c.engine.class_of_pod(h0) != c.engine.class_of_pod(h1));
  CHECK(c.engine.allowed_pods(h1, pod(c, "y/a"))->is_all());  // from n1: the block
  CHECK(c.engine.allowed_pods(h0, pod(c, "y/b"))->empty());   // from n2, to a pod on n1
  CHECK(c.engine.allowed_pods(h0, pod(c, "y/a"))->is_all());  // its own node
  CHECK(c.engine.allowed_pods(pod(c, "x/a"), pod(c, "y/a"))->empty());  // blocks do not see pods
  CHECK(c.engine.allowed_pods(pod(c, "x/a"), pod(c, "z/a"))->is_all());

  const Cluster fresh(yaml + from_n1, PolicySettings{false}, nodes);
  REQUIRE(fresh.engine.class_count() == c.engine.class_count());
  const auto n = static_cast<std::uint32_t>(c.engine.pods().pods.size());
  for (std::uint32_t a = 0; a < n; ++a) {
    for (std::uint32_t b = 0; b < n; ++b) {
      if (a != b) CHECK(*c.engine.allowed_pods(a, b) == *fresh.engine.allowed_pods(a, b));
    }
  }
}
