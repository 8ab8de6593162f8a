// NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy import:
// the distinctions of ../shared/reference/policy-semantics.md items 3, 5, 6,
// 7, 8, 9, 10 and 12, as written in tests/k8s/shop/network-policies.yaml and
// admin-policies.yaml, must survive import.
#include <catch2/catch.hpp>
#include <string>

#include "eksim/k8s/manifest_loader.hpp"

using namespace eksim::k8s;

namespace {

const std::string kShop = std::string(EKSIM_SOURCE_DIR) + "/tests/k8s/shop";

const ManifestSet& policies() {
  static const ManifestSet set =
      load_manifests({kShop + "/00-namespaces.yaml", kShop + "/network-policies.yaml", kShop + "/admin-policies.yaml"});
  return set;
}

const NetworkPolicy& policy(const std::string& ns, const std::string& name) {
  const auto index = policies().find_network_policy(ns, name);
  REQUIRE(index);
  return policies().network_policies[*index];
}

const Namespace& ns(const std::string& name) {
  const auto index = policies().find_namespace(name);
  REQUIRE(index);
  return policies().namespaces[*index];
}

}  // namespace

TEST_CASE("item 3: without policyTypes, an egress-only policy isolates ingress too", "[k8s]") {
  const NetworkPolicy& p = policy("data", "cart-egress-dns");
  CHECK(p.policy_types_written.empty());
  CHECK(p.policy_types_defaulted);
  CHECK(p.isolates_ingress);
  CHECK(p.isolates_egress);
  CHECK(p.ingress.empty());  // so no ingress is allowed to the cart by this policy
  CHECK(p.egress.size() == 1);

  // `egress: []` is no egress rule: the default stays Ingress only.
  const NetworkPolicy& report = policy("data", "report-no-egress-rules");
  CHECK(report.egress_presence == ListPresence::Empty);
  CHECK(report.isolates_ingress);
  CHECK_FALSE(report.isolates_egress);

  // Written policyTypes are kept as written and not defaulted.
  const NetworkPolicy& ranges = policy("web", "egress-ranges");
  CHECK(ranges.policy_types_written == std::vector<PolicyType>{PolicyType::Egress});
  CHECK_FALSE(ranges.policy_types_defaulted);
  CHECK_FALSE(ranges.isolates_ingress);
  CHECK(ranges.isolates_egress);
}

TEST_CASE("item 5: missing, empty and `{}` are told apart", "[k8s]") {
  // No ingress rules at all: isolated, nothing allowed.
  const NetworkPolicy& deny = policy("web", "default-deny-ingress");
  CHECK(deny.isolates_ingress);
  CHECK(deny.ingress_presence == ListPresence::Missing);
  CHECK(deny.ingress.empty());
  CHECK(deny.pod_selector.selects_everything());
  const NetworkPolicy& both = policy("data", "deny-all-both");
  CHECK(both.ingress_presence == ListPresence::Empty);
  CHECK(both.isolates_egress);
  CHECK(both.egress.empty());

  // A rule `{}`: every peer and every port.
  const NetworkPolicy& all = policy("monitoring", "allow-all-ingress");
  REQUIRE(all.ingress.size() == 1);
  CHECK(all.ingress[0].peers_presence == ListPresence::Missing);
  CHECK(all.ingress[0].allows_all_peers());
  CHECK(all.ingress[0].allows_all_ports());

  // No `from`: every source (external too), but only port 9100.
  const NetworkPolicy& scrape = policy("monitoring", "scrape-from-anywhere");
  REQUIRE(scrape.ingress.size() == 1);
  CHECK(scrape.ingress[0].allows_all_peers());
  CHECK_FALSE(scrape.ingress[0].allows_all_ports());
  CHECK(scrape.ingress[0].ports[0].port == PortRef::of_number(9100));

  // Peer podSelector {}: pods of the policy's own namespace only.
  const NetworkPolicy& same = policy("web", "same-namespace-only");
  REQUIRE(same.ingress[0].peers.size() == 1);
  const NetworkPolicyPeer& own = same.ingress[0].peers[0];
  CHECK(own.scope() == PeerScope::PodsInPolicyNamespace);
  CHECK(own.pod_selector->selects_everything());
  CHECK_FALSE(own.namespace_selector);

  // Peer namespaceSelector {}: all pods of all namespaces, no external IPs.
  const NetworkPolicyPeer& any_ns = policy("web", "all-namespaces-no-external").ingress[0].peers[0];
  CHECK(any_ns.scope() == PeerScope::AllPodsInNamespaces);
  CHECK(any_ns.namespace_selector->selects_everything());
  CHECK_FALSE(any_ns.pod_selector);
}

TEST_CASE("item 6: one peer with both selectors is an AND, two peers are an OR", "[k8s]") {
  const NetworkPolicyRule& and_rule = policy("data", "cart-from-frontend-and").ingress[0];
  REQUIRE(and_rule.peers.size() == 1);
  const NetworkPolicyPeer& both = and_rule.peers[0];
  CHECK(both.scope() == PeerScope::PodsInNamespaces);
  // The frontend pods live in `web` (team=shop): the AND admits them...
  CHECK(both.namespace_selector->matches(ns("web").labels));
  CHECK(both.pod_selector->matches(Labels{{"app", "frontend"}, {"tier", "web"}}));
  // ...but not the checkout pods of the same namespace.
  CHECK_FALSE(both.pod_selector->matches(Labels{{"app", "checkout"}, {"tier", "web"}}));

  const NetworkPolicyRule& or_rule = policy("data", "cart-from-frontend-or").ingress[0];
  REQUIRE(or_rule.peers.size() == 2);
  CHECK(or_rule.peers[0].scope() == PeerScope::AllPodsInNamespaces);    // every pod of `web`, checkout included
  CHECK(or_rule.peers[1].scope() == PeerScope::PodsInPolicyNamespace);  // frontend pods of `data` (none exist)
  CHECK(or_rule.peers[0].namespace_selector->matches(ns("web").labels));
  CHECK_FALSE(or_rule.peers[0].namespace_selector->matches(ns("data").labels));
}

TEST_CASE("item 7: namespaceSelectors see the implicit kubernetes.io/metadata.name label", "[k8s]") {
  const NetworkPolicyPeer& dns = policy("data", "cart-egress-dns").egress[0].peers[0];
  CHECK(dns.scope() == PeerScope::PodsInNamespaces);
  CHECK(dns.namespace_selector->match_labels == Labels{{"kubernetes.io/metadata.name", "kube-system"}});
  // `monitoring` was declared without labels, yet an ANP selects it by name.
  const auto anp_index = policies().find_admin_network_policy("protect-data");
  REQUIRE(anp_index);
  const AdminNetworkPolicy& anp = policies().admin_network_policies[*anp_index];
  CHECK(anp.ingress[0].peers[0].namespace_selector.matches(ns("monitoring").labels));
  CHECK_FALSE(anp.ingress[0].peers[0].namespace_selector.matches(ns("web").labels));
}

TEST_CASE("item 8: policy selectors combine matchLabels and matchExpressions", "[k8s]") {
  const NetworkPolicy& p = policy("data", "selector-expressions");
  CHECK(p.pod_selector.matches(Labels{{"app", "cart"}, {"tier", "backend"}}));
  CHECK_FALSE(p.pod_selector.matches(Labels{{"app", "cart"}, {"tier", "backend"}, {"canary", "yes"}}));
  CHECK_FALSE(p.pod_selector.matches(Labels{{"app", "report"}, {"tier", "backend"}}));
  const LabelSelector& from = *p.ingress[0].peers[0].namespace_selector;
  CHECK(from.matches(ns("web").labels));               // env=prod
  CHECK(from.matches(ns("data").labels));              // env=prod
  CHECK_FALSE(from.matches(ns("monitoring").labels));  // no env label
  const NetworkPolicy& same = policy("web", "same-namespace-only");
  CHECK(same.pod_selector.matches(Labels{{"app", "frontend"}}));
  CHECK(same.pod_selector.matches(Labels{}));  // NotIn admits pods without the key
  CHECK_FALSE(same.pod_selector.matches(Labels{{"app", "debug"}}));
}

TEST_CASE("items 9 and 10: ports default to TCP, ranges are inclusive, names are kept", "[k8s]") {
  const NetworkPolicyRule& rule = policy("web", "egress-ranges").egress[0];
  REQUIRE(rule.ports.size() == 2);
  CHECK(rule.ports[0].protocol == Protocol::Tcp);
  CHECK(rule.ports[0].port == PortRef::of_number(32000));
  CHECK(rule.ports[0].end_port == 32768);
  CHECK(rule.ports[1].protocol == Protocol::Udp);
  CHECK_FALSE(rule.ports[1].port);  // every UDP port

  const NetworkPolicyPort& named = policy("data", "cart-from-frontend-and").ingress[0].ports[0];
  CHECK(named.protocol == Protocol::Tcp);
  CHECK(named.port == PortRef::of_name("http"));
  CHECK_FALSE(named.end_port);

  const NetworkPolicyPort& dns = policy("data", "cart-egress-dns").egress[0].ports[0];
  CHECK(dns.protocol == Protocol::Udp);
  CHECK(dns.port == PortRef::of_number(53));
}

TEST_CASE("item 12: ipBlock keeps its except list; IPv6 blocks load too", "[k8s]") {
  const NetworkPolicy& p = policy("web", "egress-ranges");
  const NetworkPolicyPeer& vpc = p.egress[0].peers[0];
  CHECK(vpc.scope() == PeerScope::IpBlock);
  CHECK(vpc.ip_block->cidr.ipv4.to_string() == "10.0.0.0/16");
  REQUIRE(vpc.ip_block->except.size() == 1);
  CHECK(vpc.ip_block->except[0].ipv4.to_string() == "10.0.5.0/24");
  CHECK(p.egress[0].peers[1].ip_block->cidr.ipv6);
  CHECK(p.egress[0].peers[1].ip_block->cidr.text == "::/0");
  // The excepted 10.0.5.7 is allowed again by the second rule.
  CHECK(p.egress[1].peers[0].ip_block->cidr.ipv4.to_string() == "10.0.5.7/32");
  CHECK(p.egress[1].allows_all_ports());
}

TEST_CASE("AdminNetworkPolicy: priority, subject, ordered rules with actions, peers and ports", "[k8s]") {
  REQUIRE(policies().admin_network_policies.size() == 2);
  const AdminNetworkPolicy& anp = policies().admin_network_policies[0];
  CHECK(anp.name == "protect-data");
  CHECK(anp.priority == 10);
  CHECK(anp.subject.kind == AdminSubject::Kind::Namespaces);
  CHECK(anp.subject.namespace_selector.matches(ns("data").labels));
  REQUIRE(anp.ingress.size() == 3);
  CHECK(anp.ingress[0].action == AdminAction::Allow);
  CHECK(anp.ingress[1].action == AdminAction::Pass);
  CHECK(anp.ingress[2].action == AdminAction::Deny);
  CHECK(anp.ingress[2].name == "deny-everything-else");
  CHECK(anp.ingress[2].all_ports());
  REQUIRE(anp.ingress[0].ports.size() == 2);
  CHECK(anp.ingress[0].ports[0].kind == AdminPort::Kind::Number);
  CHECK(anp.ingress[0].ports[0].port == 9100);
  CHECK(anp.ingress[0].ports[1].kind == AdminPort::Kind::Named);
  CHECK(anp.ingress[0].ports[1].name == "metrics");
  const AdminPeer& frontends = anp.ingress[1].peers[0];
  CHECK(frontends.kind == AdminPeer::Kind::Pods);
  CHECK(frontends.pod_selector.match_labels == Labels{{"app", "frontend"}});

  REQUIRE(anp.egress.size() == 2);
  const AdminPeer& metadata = anp.egress[0].peers[0];
  CHECK(metadata.kind == AdminPeer::Kind::Networks);
  REQUIRE(metadata.networks.size() == 2);
  CHECK(metadata.networks[0].ipv4.to_string() == "169.254.169.254/32");
  CHECK(metadata.networks[1].ipv6);
  CHECK(anp.egress[1].peers[0].kind == AdminPeer::Kind::Nodes);
  const AdminPort& kubelet = anp.egress[1].ports[0];
  CHECK(kubelet.kind == AdminPort::Kind::Range);
  CHECK(kubelet.protocol == Protocol::Tcp);  // defaulted
  CHECK(kubelet.port == 10250);
  CHECK(kubelet.end_port == 10259);

  const AdminNetworkPolicy& dns = policies().admin_network_policies[1];
  CHECK(dns.priority == 5);
  CHECK(dns.subject.kind == AdminSubject::Kind::Pods);
  CHECK(dns.ingress.empty());
  CHECK(dns.egress[0].ports[1].protocol == Protocol::Tcp);
}

TEST_CASE("BaselineAdminNetworkPolicy: the single `default`, Allow and Deny only", "[k8s]") {
  REQUIRE(policies().baseline_admin_network_policy);
  const BaselineAdminNetworkPolicy& banp = *policies().baseline_admin_network_policy;
  CHECK(banp.name == "default");
  CHECK(banp.subject.namespace_selector.selects_everything());
  REQUIRE(banp.ingress.size() == 1);
  CHECK(banp.ingress[0].action == AdminAction::Deny);
  CHECK(banp.egress.empty());
}
