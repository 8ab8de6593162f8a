// Calico selectors, Calico tiers and policies, and SecurityGroupPolicy import.
// Selector truth tables are worked out by hand from the Calico selector
// reference (docs.tigera.io, "Selectors"); policy expectations from
// tests/k8s/calico/*.yaml, read by hand.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "eksim/k8s/calico_selector.hpp"
#include "eksim/k8s/manifest_loader.hpp"

using namespace eksim::k8s;

namespace {

const std::string kCalico = std::string(EKSIM_SOURCE_DIR) + "/tests/k8s/calico";

bool sel(const std::string& text, const Labels& labels) { return CalicoSelector::parse(text).matches(labels); }

// The column and problem a selector fails with.
std::pair<std::size_t, std::string> selector_error(const std::string& text) {
  try {
    (void)CalicoSelector::parse(text);
  } catch (const CalicoSelectorError& e) {
    return {e.column(), e.problem()};
  }
  return {0, "(parsed)"};
}

const ManifestSet& calico() {
  static const ManifestSet set = load_manifests({kCalico});
  return set;
}

const CalicoPolicy& policy(const std::string& ns, const std::string& name) {
  const auto index = calico().find_calico_policy(ns, name);
  REQUIRE(index);
  return calico().calico_policies[*index];
}

std::string load_error(const std::string& text) {
  try {
    (void)load_manifest_text(text, "inline.yaml");
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(loaded without error)";
}

// Labels used by the truth tables.
const Labels kNone = {};
const Labels kWeb = {{"app", "web"}};
const Labels kDb = {{"app", "db"}, {"tier", "backend"}};
const Labels kWebapp = {{"app", "webapp"}, {"env", "prod"}};

}  // namespace

TEST_CASE("Calico selector: each comparison operator against present, absent and other values", "[k8s][calico]") {
  // k == 'v': present with exactly that value.
  CHECK(sel("app == 'web'", kWeb));
  CHECK_FALSE(sel("app == 'web'", kWebapp));
  CHECK_FALSE(sel("app == 'web'", kNone));
  // k != 'v': absent, or another value.
  CHECK_FALSE(sel("app != 'web'", kWeb));
  CHECK(sel("app != 'web'", kWebapp));
  CHECK(sel("app != 'web'", kNone));
  // has / !has.
  CHECK(sel("has(tier)", kDb));
  CHECK_FALSE(sel("has(tier)", kWeb));
  CHECK_FALSE(sel("!has(tier)", kDb));
  CHECK(sel("!has(tier)", kNone));
  // in / not in: an absent key is in no set, and so "not in" every set.
  CHECK(sel("app in {'db', 'web'}", kWeb));
  CHECK(sel("app in {'db', 'web'}", kDb));
  CHECK_FALSE(sel("app in {'db', 'web'}", kWebapp));
  CHECK_FALSE(sel("app in {'db', 'web'}", kNone));
  CHECK_FALSE(sel("app not in {'db', 'web'}", kWeb));
  CHECK(sel("app not in {'db', 'web'}", kWebapp));
  CHECK(sel("app not in {'db', 'web'}", kNone));
  CHECK_FALSE(sel("app in {}", kWeb));
  CHECK(sel("app not in {}", kWeb));
  // Substring operators are false on an absent key.
  CHECK(sel("app contains 'eba'", kWebapp));
  CHECK_FALSE(sel("app contains 'eba'", kWeb));
  CHECK_FALSE(sel("app contains ''", kNone));
  CHECK(sel("app starts with 'web'", kWeb));
  CHECK(sel("app starts with 'web'", kWebapp));
  CHECK_FALSE(sel("app starts with 'web'", kDb));
  CHECK(sel("app ends with 'app'", kWebapp));
  CHECK_FALSE(sel("app ends with 'app'", kWeb));
  CHECK_FALSE(sel("app ends with 'app'", kNone));
  // all(), global() and the empty selector match every label set.
  for (const Labels* l : {&kNone, &kWeb, &kDb}) {
    CHECK(sel("", *l));
    CHECK(sel("  \t", *l));
    CHECK(sel("all()", *l));
    CHECK(sel("global()", *l));
    CHECK_FALSE(sel("!all()", *l));
  }
}

TEST_CASE("Calico selector: keys with prefixes, both quote styles, no escapes", "[k8s][calico]") {
  const Labels pod = {
      {"projectcalico.org/namespace", "prod"}, {"app.kubernetes.io/name", "it's"}, {"quote", "say \"hi\""}};
  CHECK(sel("projectcalico.org/namespace == \"prod\"", pod));
  CHECK(sel("app.kubernetes.io/name == \"it's\"", pod));
  CHECK(sel("quote == 'say \"hi\"'", pod));
  CHECK(sel("has( projectcalico.org/namespace )", pod));
  CHECK(sel("all( )", pod));
}

TEST_CASE("Calico selector: ! binds tighter than &&, which binds tighter than ||", "[k8s][calico]") {
  // a || b && c == a || (b && c); every combination of the three labels.
  const CalicoSelector s = CalicoSelector::parse("has(a) || has(b) && has(c)");
  const CalicoSelector left = CalicoSelector::parse("(has(a) || has(b)) && has(c)");
  int differing = 0;
  for (int bits = 0; bits < 8; ++bits) {
    Labels l;
    if ((bits & 1) != 0) l.emplace("a", "1");
    if ((bits & 2) != 0) l.emplace("b", "1");
    if ((bits & 4) != 0) l.emplace("c", "1");
    const bool a = (bits & 1) != 0;
    const bool b = (bits & 2) != 0;
    const bool c = (bits & 4) != 0;
    INFO("a=" << a << " b=" << b << " c=" << c);
    CHECK(s.matches(l) == (a || (b && c)));
    CHECK(left.matches(l) == ((a || b) && c));
    // ! applies to has(a) alone, not to the conjunction.
    CHECK(CalicoSelector::parse("!has(a) && has(b)").matches(l) == (!a && b));
    CHECK(CalicoSelector::parse("!(has(a) && has(b))").matches(l) == !(a && b));
    CHECK(CalicoSelector::parse("!!has(a)").matches(l) == a);
    if (s.matches(l) != left.matches(l)) ++differing;
  }
  // a=1,b=0,c=0 and a=1,b=1,c=0 tell the two groupings apart.
  CHECK(differing == 2);
}

TEST_CASE("Calico selector: canonical text and what it selects", "[k8s][calico]") {
  CHECK(CalicoSelector::parse("role=='db'&&(a in {'y','x','x'}||!has(b))").to_string() ==
        "(role == \"db\" && (a in {\"x\", \"y\"} || !has(b)))");
  CHECK(CalicoSelector::parse("q == 'say \"hi\"'").to_string() == "q == 'say \"hi\"'");
  CHECK(CalicoSelector::parse("!!has(a)").to_string() == "has(a)");
  CHECK(CalicoSelector::parse("k not in {}").to_string() == "k not in {}");
  CHECK(CalicoSelector::parse("a starts with 'x' || b ends with 'y' || c contains 'z'").to_string() ==
        "(a starts with \"x\" || b ends with \"y\" || c contains \"z\")");
  CHECK(CalicoSelector::parse("").to_string() == "all()");
  CHECK(CalicoSelector::parse(" app == 'web' ").text() == " app == 'web' ");

  CHECK(CalicoSelector().selects_all());
  CHECK(CalicoSelector::parse("").selects_all());
  CHECK(CalicoSelector::parse("(all())").selects_all());
  CHECK_FALSE(CalicoSelector::parse("has(a)").selects_all());
  CHECK_FALSE(CalicoSelector::parse("all() && has(a)").selects_all());
  CHECK(CalicoSelector::parse("global()").is_global());
  CHECK(CalicoSelector::parse("has(a) || global()").uses_global());
  CHECK_FALSE(CalicoSelector::parse("has(a) || global()").is_global());
  CHECK_FALSE(CalicoSelector::parse("has(global)").uses_global());
}

TEST_CASE("Calico selector: every syntax error names its column", "[k8s][calico]") {
  struct Case {
    const char* text;
    std::size_t column;
    const char* problem;
  };
  const std::vector<Case> cases = {
      {"role = 'db'", 6, "expected '==' (a single '=' is not a Calico operator)"},
      {"role == db", 9, "expected a quoted value in single or double quotes"},
      {"role == 'db", 9, "unterminated string: no closing '"},
      {"has(role", 9, "expected ')' after has(role"},
      {"has()", 5, "expected a label name in has(...)"},
      {"a == 'x' & b == 'y'", 10, "expected '&&' ('&' alone is no operator)"},
      {"a == 'x' | b == 'y'", 10, "expected '||' ('|' alone is no operator)"},
      {"(a == 'x'", 10, "expected ')' to close the '(' at column 1"},
      {"a in {'x' 'y'}", 11, "expected a quoted value, ',' or '}' to close the set opened at column 6"},
      {"a in 'x'", 6, "expected '{' to start the set of values"},
      {"a == 'x' b", 10, "unexpected 'b' after a complete expression"},
      {"a @ 'x'", 3, "expected an operator after 'a' (==, !=, in, not in, contains, starts with or ends with)"},
      {"a starts 'x'", 10, "expected 'with' after 'starts'"},
      {"a not 'x'", 7, "expected 'in' after 'not'"},
      {"&& a == 'x'", 1, "unexpected '&'; expected a label name, has(), all(), '!' or '('"},
      {"!", 2, "unexpected end of selector; expected an expression"},
      {"a == 'x' &&", 12, "unexpected end of selector; expected an expression"},
      {"all(x)", 5, "expected ')' after all(: all() takes no arguments"},
      {"'x' == a", 1, "expected a label name before a quoted value"},
      {"a == 'x'\n", 9, "unexpected '\n' after a complete expression"},
      {"has (a)", 5, "expected an operator after 'has' (==, !=, in, not in, contains, starts with or ends with)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const auto [column, problem] = selector_error(c.text);
    CHECK(column == c.column);
    CHECK(problem == c.problem);
  }
  // Nesting is bounded, so hostile input cannot exhaust the stack.
  CHECK(selector_error(std::string(101, '(') + "all()" + std::string(101, ')')).second ==
        "parentheses nested more than 100 deep");
  CHECK(CalicoSelector::parse(std::string(100, '(') + "all()" + std::string(100, ')')).selects_all());
}

TEST_CASE("Calico import: tiers, with the implicit default tier", "[k8s][calico]") {
  const ManifestSet& set = calico();
  REQUIRE(set.calico_tiers.size() == 4);
  const CalicoTier& def = set.calico_tiers[0];
  CHECK(def.name == "default");
  CHECK_FALSE(def.declared);
  CHECK(def.order == 1000000.0);
  CHECK(def.default_action == CalicoAction::Deny);
  const CalicoTier& security = set.calico_tiers[*set.find_calico_tier("security")];
  CHECK(security.declared);
  CHECK(security.order == 100.0);
  CHECK(security.default_action == CalicoAction::Deny);
  const CalicoTier& platform = set.calico_tiers[*set.find_calico_tier("platform")];
  CHECK(platform.order == 200.5);
  CHECK(platform.default_action == CalicoAction::Pass);
  CHECK_FALSE(set.calico_tiers[*set.find_calico_tier("unordered")].order);

  // security (100), platform (200.5), default (1e6), then the unordered tier.
  std::vector<std::string> order;
  for (const auto i : set.calico_tier_order()) order.push_back(set.calico_tiers[i].name);
  CHECK(order == std::vector<std::string>{"security", "platform", "default", "unordered"});
}

TEST_CASE("Calico import: a Tier manifest named default replaces the implicit one", "[k8s][calico]") {
  const ManifestSet set = load_manifest_text(
      "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: default}\nspec: {defaultAction: Pass}\n",
      "tier.yaml");
  REQUIRE(set.calico_tiers.size() == 1);
  CHECK(set.calico_tiers[0].declared);
  CHECK(set.calico_tiers[0].order == 1000000.0);
  CHECK(set.calico_tiers[0].default_action == CalicoAction::Pass);
}

TEST_CASE("Calico import: types default as Calico documents, not as Kubernetes", "[k8s][calico]") {
  // Egress rules only: Egress alone (Kubernetes would add Ingress).
  const CalicoPolicy& egress_only = policy("production", "egress-only");
  CHECK(egress_only.types_defaulted);
  CHECK_FALSE(egress_only.applies_to_ingress);
  CHECK(egress_only.applies_to_egress);
  // No rules at all: Ingress.
  const CalicoPolicy& deny = policy("production", "default-deny");
  CHECK(deny.types_defaulted);
  CHECK(deny.applies_to_ingress);
  CHECK_FALSE(deny.applies_to_egress);
  CHECK(deny.ingress.empty());
  // Both kinds of rules: both.
  const CalicoPolicy& both = policy("production", "both-directions");
  CHECK(both.applies_to_ingress);
  CHECK(both.applies_to_egress);
  // Written types are kept and not defaulted.
  const CalicoPolicy& scrape = policy("production", "platform.scrape");
  CHECK(scrape.types_written == std::vector<PolicyType>{PolicyType::Ingress});
  CHECK_FALSE(scrape.types_defaulted);
  CHECK_FALSE(scrape.applies_to_egress);
  // A GlobalNetworkPolicy with egress rules only and no types.
  const CalicoPolicy& dns = policy("", "security.allow-dns");
  CHECK(dns.global);
  CHECK_FALSE(dns.applies_to_ingress);
  CHECK(dns.applies_to_egress);
}

TEST_CASE("Calico import: order present or absent, and the order within a tier", "[k8s][calico]") {
  CHECK(policy("production", "egress-only").order == 500.0);
  CHECK_FALSE(policy("production", "allow-tcp-6379").order);
  CHECK(policy("production", "allow-tcp-6379").tier == "default");
  CHECK(policy("production", "allow-tcp-6379").tier_index == 0);

  const ManifestSet& set = calico();
  const auto names_in = [&](const std::string& tier) {
    std::vector<std::string> names;
    for (const auto i : set.calico_policies_in_tier(*set.find_calico_tier(tier))) {
      names.push_back(set.calico_policies[i].name);
    }
    return names;
  };
  // default tier: 500 (both-directions before egress-only by name), 1000,
  // then the unordered ones by name.
  CHECK(names_in("default") == std::vector<std::string>{"both-directions", "egress-only", "default.allow-node-exporter",
                                                        "allow-tcp-6379", "default-deny"});
  CHECK(names_in("security") == std::vector<std::string>{"security.block-known-bad", "security.allow-dns"});
  CHECK(names_in("platform") == std::vector<std::string>{"platform.scrape", "allow-health"});
  CHECK(names_in("unordered").empty());
}

TEST_CASE("Calico import: rules keep order, actions, protocols, ports and places", "[k8s][calico]") {
  const CalicoPolicy& redis = policy("production", "allow-tcp-6379");
  CHECK(redis.id == "production/allow-tcp-6379");
  CHECK(redis.kind() == "NetworkPolicy");
  CHECK(redis.selector.to_string() == "role == \"database\"");
  REQUIRE(redis.ingress.size() == 1);
  const CalicoRule& in = redis.ingress[0];
  CHECK(in.action == CalicoAction::Allow);
  REQUIRE(in.protocol);
  CHECK(in.protocol->number == 6);
  CHECK(in.source.selector->to_string() == "role == \"frontend\"");
  CHECK(in.source.restricts_endpoints());
  REQUIRE(in.destination.ports.size() == 1);
  CHECK(in.destination.ports[0].first == 6379);
  CHECK(in.destination.ports[0].last == 6379);
  CHECK(in.annotations.at("from") == "frontend");
  CHECK(in.where.line == 14);  // production.yaml: "  - action: Allow"
  CHECK(in.where.column == 5);
  REQUIRE(redis.egress.size() == 1);
  CHECK(redis.egress[0].source.matches_anything());
  CHECK(redis.egress[0].destination.matches_anything());

  const CalicoPolicy& egress = policy("production", "egress-only");
  REQUIRE(egress.egress.size() == 3);
  CHECK(egress.egress[1].action == CalicoAction::Log);
  CHECK(egress.egress[2].action == CalicoAction::Deny);
  CHECK(egress.egress[2].index == 2);
  const auto& ports = egress.egress[0].destination.ports;
  REQUIRE(ports.size() == 2);
  CHECK(ports[0].first == 8000);
  CHECK(ports[0].last == 8100);
  CHECK(ports[1].is_named());
  CHECK(ports[1].name == "metrics");
  REQUIRE(egress.egress[0].destination.not_ports.size() == 1);
  CHECK(egress.egress[0].destination.not_ports[0].first == 8080);
  CHECK(egress.selector.matches({{"app", "worker"}}));
  CHECK_FALSE(egress.selector.matches({{"app", "web"}}));

  const CalicoPolicy& both = policy("production", "both-directions");
  REQUIRE(both.ingress.size() == 3);
  CHECK(both.selector.selects_all());
  CHECK(both.ingress[0].protocol->number == 1);
  CHECK(both.ingress[0].icmp->type == 8);
  CHECK(both.ingress[0].icmp->code == 0);
  const auto& sa = both.ingress[1].source.service_accounts;
  REQUIRE(sa);
  CHECK(sa->names == std::vector<std::string>{"checkout", "cart"});
  CHECK(sa->selector->matches({{"team", "payments"}}));
  REQUIRE(both.ingress[2].source.services);
  CHECK(both.ingress[2].source.services->name == "frontend");
  CHECK(both.ingress[2].source.services->namespace_name == "web");
  REQUIRE(both.egress.size() == 2);
  CHECK(both.egress[0].ip_version == 4);
  CHECK(both.egress[0].not_protocol->number == 17);
  CHECK(both.egress[0].destination.nets[0].ipv4.to_string() == "10.0.0.0/16");
  CHECK(both.egress[0].destination.not_nets[0].ipv4.to_string() == "10.0.99.0/24");
  CHECK_FALSE(both.egress[0].destination.restricts_endpoints());  // nets match pods in any namespace too
  CHECK(both.egress[1].destination.services->namespace_name.empty());

  const CalicoPolicy& scrape = policy("production", "platform.scrape");
  CHECK(scrape.ingress[0].source.namespace_selector->matches({{"projectcalico.org/name", "monitoring"}}));
  CHECK(scrape.ingress[1].action == CalicoAction::Pass);

  const CalicoPolicy& bad = policy("", "security.block-known-bad");
  REQUIRE(bad.egress[0].destination.nets.size() == 2);
  CHECK(bad.egress[0].destination.nets[1].ipv4.to_string() == "203.0.113.7/32");  // a plain address is one host

  const CalicoPolicy& dns = policy("", "security.allow-dns");
  REQUIRE(dns.namespace_selector);
  CHECK(dns.namespace_selector->matches({{"kubernetes.io/metadata.name", "default"}}));
  CHECK(dns.namespace_selector->matches({{"env", "prod"}}));
  CHECK(dns.egress[1].destination.ports[0].first == 53);  // "53" in quotes is still port 53
}

TEST_CASE("Calico import: quoted numbers are decimal, as Go's strconv reads them", "[k8s][calico]") {
  const ManifestSet set = load_manifest_text(
      "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  ingress:\n"
      "  - action: Allow\n    protocol: '017'\n    destination: {ports: ['0080', '010:020', 0x10]}\n",
      "decimal.yaml");
  const CalicoRule& rule = set.calico_policies.at(0).ingress.at(0);
  CHECK(rule.protocol->number == 17);  // UDP, not octal 15
  REQUIRE(rule.destination.ports.size() == 3);
  CHECK(rule.destination.ports[0].first == 80);
  CHECK(rule.destination.ports[1].first == 10);
  CHECK(rule.destination.ports[1].last == 20);
  CHECK(rule.destination.ports[2].first == 16);  // an unquoted YAML hex integer stays a number
}

TEST_CASE("Calico import: crd.projectcalico.org/v1 reads like projectcalico.org/v3", "[k8s][calico]") {
  const CalicoPolicy& p = policy("", "default.allow-node-exporter");
  CHECK(p.global);
  CHECK(p.kind() == "GlobalNetworkPolicy");
  CHECK(p.tier == "default");
  CHECK(p.order == 1000.0);
  CHECK(calico().find_skipped("crd.projectcalico.org/v1", "GlobalNetworkPolicy") == nullptr);
}

TEST_CASE("Calico import: the tier name prefix rule warns, as newer Calico accepts the name", "[k8s][calico]") {
  const ManifestSet& set = calico();
  std::vector<std::string> prefix_warnings;
  for (const ManifestWarning& w : set.warnings) {
    if (w.message.find("should be named") != std::string::npos) prefix_warnings.push_back(w.message);
  }
  REQUIRE(prefix_warnings.size() == 1);
  CHECK(prefix_warnings[0] ==
        "Calico NetworkPolicy 'production/allow-health': metadata.name: a policy in tier 'platform' should be named "
        "'platform.allow-health'; Calico releases before projectcalico/calico#11232 (late 2025) reject that, later "
        "ones accept it");
  // A dotted name in the default tier whose prefix is another tier.
  const ManifestSet other = load_manifest_text(
      "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: security.x}\nspec: {}\n",
      "p.yaml");
  REQUIRE(other.warnings.size() == 1);
  CHECK(other.warnings[0].message.find("reads as a policy of tier 'security', but spec.tier is 'default'") !=
        std::string::npos);
}

TEST_CASE("Calico import: Calico and Kubernetes NetworkPolicies of the same name coexist", "[k8s][calico]") {
  const ManifestSet set = load_manifest_text(
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: web}\n"
      "spec: {podSelector: {}}\n---\n"
      "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: web}\n",
      "both.yaml");
  CHECK(set.network_policies.size() == 1);
  REQUIRE(set.calico_policies.size() == 1);
  CHECK(set.calico_policies[0].applies_to_ingress);
  CHECK(set.calico_policies[0].namespace_index == *set.find_namespace("web"));
}

TEST_CASE("Calico import: located errors for rules Calico refuses", "[k8s][calico]") {
  const std::string head = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: w}\n";
  // `head` is lines 1-3; positions below were counted in each text by hand.
  CHECK(load_error(head + "spec:\n  ingress:\n  - action: Allow\n    protocol: TCP\n    http: {methods: [GET]}\n") ==
        "(loaded without error)");
  CHECK(load_error(head + "spec:\n  egress:\n  - action: Allow\n    http: {methods: [GET]}\n") ==
        "inline.yaml:7:11: Calico NetworkPolicy 'w/p': spec.egress[0].http: http matches are only allowed in "
        "ingress rules");
  CHECK(load_error(head + "spec:\n  ingress:\n  - action: Allow\n    protocol: ICMP\n    ipVersion: 6\n") ==
        "inline.yaml:8:16: Calico NetworkPolicy 'w/p': spec.ingress[0].ipVersion: protocol ICMP needs ipVersion 4");
  CHECK(load_error(head + "spec:\n  ingress:\n  - action: Allow\n    source: {nets: [10.0.0.0/8, '::/0']}\n") ==
        "inline.yaml:7:20: Calico NetworkPolicy 'w/p': spec.ingress[0].source.nets: a rule cannot mix IPv4 and IPv6 "
        "networks");
  CHECK(load_error(head + "spec:\n  ingress:\n  - action: Allow\n    ipVersion: 5\n") ==
        "inline.yaml:7:16: Calico NetworkPolicy 'w/p': spec.ingress[0].ipVersion: expected 4 or 6, got 5");
  CHECK(load_error(head + "spec:\n  ingress:\n  - action: Allow\n    protocol: 256\n") ==
        "inline.yaml:7:15: Calico NetworkPolicy 'w/p': spec.ingress[0].protocol: expected TCP, UDP, ICMP, ICMPv6, "
        "SCTP, UDPLite or a protocol number from 1 to 255, got 256");
  CHECK(load_error(head +
                   "spec:\n  ingress:\n  - action: Allow\n    protocol: TCP\n    destination: {ports: ['90:80']}\n") ==
        "inline.yaml:8:27: Calico NetworkPolicy 'w/p': spec.ingress[0].destination.ports[0]: invalid port range "
        "'90:80': the first port is above the last");
  CHECK(load_error(head + "spec:\n  ingress:\n  - action: Allow\n    destination:\n      services: {name: api}\n") ==
        "inline.yaml:8:17: Calico NetworkPolicy 'w/p': spec.ingress[0].destination.services: services are not "
        "allowed in an ingress rule's destination");
  CHECK(load_error(head + "spec:\n  types: [Ingress, Ingress]\n") ==
        "inline.yaml:5:20: Calico NetworkPolicy 'w/p': spec.types[1]: 'Ingress' type specified more than once");
  CHECK(load_error(head + "spec:\n  ingress:\n  - protocol: TCP\n") ==
        "inline.yaml:6:5: Calico NetworkPolicy 'w/p': spec.ingress[0]: missing required field 'action'");
  CHECK(load_error(head + "spec:\n  ingress:\n  - action: Allow\n    source:\n      namespaceSelector: global() || "
                          "all()\n") ==
        "inline.yaml:8:26: Calico NetworkPolicy 'w/p': spec.ingress[0].source.namespaceSelector: global() cannot be "
        "combined with other selectors");
  const std::string gnp = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\n";
  CHECK(load_error(gnp + "spec:\n  preDNAT: true\n") ==
        "inline.yaml:5:12: GlobalNetworkPolicy 'g': spec.preDNAT: applyOnForward must be true when preDNAT or "
        "doNotTrack is true");
  CHECK(load_error(gnp + "spec:\n  egress:\n  - action: Allow\n    destination: {services: {name: api}}\n") ==
        "inline.yaml:7:29: GlobalNetworkPolicy 'g': spec.egress[0].destination.services: a GlobalNetworkPolicy must "
        "give the Service's namespace");
}

TEST_CASE("SecurityGroupPolicy import", "[k8s][calico]") {
  const ManifestSet& set = calico();
  REQUIRE(set.security_group_policies.size() == 2);
  const auto index = set.find_security_group_policy("production", "database-access");
  REQUIRE(index);
  const SecurityGroupPolicy& db = set.security_group_policies[*index];
  CHECK(db.id == "production/database-access");
  CHECK(db.namespace_index == *set.find_namespace("production"));
  REQUIRE(db.pod_selector);
  CHECK(db.pod_selector->matches({{"role", "database"}}));
  CHECK_FALSE(db.service_account_selector);
  CHECK(db.security_group_ids == std::vector<std::string>{"rds-clients", "sg-0123456789abcdef0"});
  CHECK(db.selects_pods());

  const SecurityGroupPolicy& sa =
      set.security_group_policies[*set.find_security_group_policy("production", "by-service-account")];
  CHECK_FALSE(sa.pod_selector);
  REQUIRE(sa.service_account_selector);
  CHECK(sa.service_account_selector->matches({{"team", "payments"}}));
  CHECK(sa.service_account_names == std::vector<std::string>{"checkout"});
  CHECK(sa.security_group_ids == std::vector<std::string>{"payments"});

  // Neither selector: loads, with a warning that it selects no pod.
  const ManifestSet none = load_manifest_text(
      "apiVersion: vpcresources.k8s.aws/v1beta1\nkind: SecurityGroupPolicy\nmetadata: {name: s}\n"
      "spec: {securityGroups: {groupIds: [sg-1]}}\n",
      "sgp.yaml");
  REQUIRE(none.security_group_policies.size() == 1);
  CHECK_FALSE(none.security_group_policies[0].selects_pods());
  REQUIRE(none.warnings.size() == 1);
  CHECK(none.warnings[0].message.find("no pod gets these security groups") != std::string::npos);
}

TEST_CASE("ServiceAccounts are imported for their labels", "[k8s][calico]") {
  const ManifestSet& set = calico();
  REQUIRE(set.service_accounts.size() == 1);
  const auto index = set.find_service_account("production", "checkout");
  REQUIRE(index);
  const ServiceAccount& account = set.service_accounts[*index];
  CHECK(account.id == "production/checkout");
  CHECK(account.namespace_index == *set.find_namespace("production"));
  CHECK(account.labels == Labels{{"team", "payments"}});
  CHECK_FALSE(set.find_service_account("production", "default"));
  // Its top-level fields (automountServiceAccountToken, imagePullSecrets) are known: no warning.
  for (const ManifestWarning& w : set.warnings) CHECK(w.where.file.find("service-accounts.yaml") == std::string::npos);
  // The SecurityGroupPolicy by-service-account selects pods running as it.
  const SecurityGroupPolicy& sgp =
      set.security_group_policies[*set.find_security_group_policy("production", "by-service-account")];
  CHECK(sgp.service_account_selector->matches(account.labels));
  CHECK(set.find_skipped("v1", "ServiceAccount") == nullptr);
}

TEST_CASE("pods carry their service account name for serviceAccount selectors", "[k8s][calico]") {
  const ManifestSet set = load_manifest_text(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {serviceAccountName: checkout, containers: [{name: c}]}\n"
      "---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c}]}\n",
      "pods.yaml");
  REQUIRE(set.pods.size() == 2);
  CHECK(set.pods[0].spec.service_account == "checkout");
  CHECK(set.pods[1].spec.service_account == "default");
}
