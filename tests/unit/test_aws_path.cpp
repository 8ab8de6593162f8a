// The AWS layers of reachability against hand-worked answers: the design in
// tests/scenarios/reach/aws-layers.yaml states each expectation and why at
// its top; these cases check them. A randomized case checks that allowed()
// is exactly what trace() allows, port by port.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "eksim/aws/pod_security_groups.hpp"
#include "eksim/capacity/scenario_capacity.hpp"
#include "eksim/reach/aws_path.hpp"
#include "eksim/scenario/load_error.hpp"
#include "eksim/scenario/scenario.hpp"

using namespace eksim;
using k8s::Protocol;
using reach::AwsEndpoint;
using reach::AwsPathEngine;
using reach::Reason;

namespace {

const scenario::Scenario& design() {
  static const scenario::Scenario s =
      scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/reach/aws-layers.yaml");
  return s;
}

net::Ipv4Address ip(const char* text) {
  const auto a = net::parse_ipv4(text);
  REQUIRE(a);
  return *a;
}

// An ENI: "vpc/group" names, subnet by name.
AwsEndpoint eni(const char* name, const char* address, const char* subnet, std::vector<std::string> groups) {
  const aws::NetworkModel& m = design().network;
  const auto s = m.find_subnet(subnet);
  REQUIRE(s);
  std::vector<aws::EntityIndex> indices;
  for (const std::string& g : groups) {
    const auto slash = g.find('/');
    const auto vpc = m.find_vpc(g.substr(0, slash));
    REQUIRE(vpc);
    const auto sg = m.find_security_group(*vpc, g.substr(slash + 1));
    REQUIRE(sg);
    indices.push_back(*sg);
  }
  return AwsEndpoint::eni(m, *s, ip(address), indices, name);
}

AwsEndpoint external(const char* address) { return AwsEndpoint::external(ip(address), address); }

struct Ends {
  AwsEndpoint app = eni("app", "10.0.1.10", "a-app", {"alpha/app"});
  AwsEndpoint locked = eni("locked", "10.0.1.11", "a-app", {"alpha/locked"});
  AwsEndpoint db = eni("db", "10.0.2.20", "a-db", {"alpha/db"});
  AwsEndpoint app_b = eni("app-b", "10.0.3.30", "a-app-b", {"alpha/app"});
  AwsEndpoint web_b = eni("web-b", "10.0.3.31", "a-app-b", {"alpha/web"});
  AwsEndpoint legacy = eni("legacy", "10.0.4.40", "a-legacy", {"alpha/app"});
  AwsEndpoint web = eni("web", "10.0.0.50", "a-public", {"alpha/web"});
  AwsEndpoint api = eni("api", "10.1.0.10", "b-app", {"bravo/api"});
  AwsEndpoint far = eni("far", "10.2.0.10", "c-app", {"charlie/default"});
  AwsEndpoint echo = eni("echo", "10.4.0.10", "e-app", {"echo/open"});
  AwsEndpoint svc = eni("svc", "10.3.0.10", "s-a", {"shared/svc"});
  AwsEndpoint svc_iso = eni("svc-iso", "10.3.100.5", "s-c", {"shared/svc"});
  AwsEndpoint hole = eni("hole", "10.3.200.5", "s-d", {"shared/svc"});
  AwsEndpoint dark = eni("dark", "10.3.9.9", "s-e", {"shared/svc"});
  AwsEndpoint xray = eni("xray", "10.5.0.10", "x-a", {"xray/default"});
  AwsEndpoint yankee = eni("yankee", "10.6.0.10", "y-a", {"yankee/default"});
  AwsEndpoint dns = external("8.8.8.8");
  AwsEndpoint one = external("1.1.1.1");
  AwsEndpoint client = external("203.0.113.7");

  [[nodiscard]] std::vector<const AwsEndpoint*> all() const {
    return {&app, &locked,  &db,   &app_b, &web_b, &legacy, &web, &api, &far,   &echo,
            &svc, &svc_iso, &hole, &dark,  &xray,  &yankee, &dns, &one, &client};
  }
};

const AwsPathEngine& engine() {
  static const AwsPathEngine e(design().network);
  return e;
}

// Checks a blocked verdict's reason, component and rule.
void blocked(const reach::Verdict& v, Reason reason, const std::string& component, const std::string& rule = "") {
  INFO("verdict: " << (v.blocked ? v.blocked->message : std::string("allowed")));
  REQUIRE(v.blocked);
  CHECK(reach::to_string(v.blocked->reason) == reach::to_string(reason));
  CHECK(v.blocked->component == component);
  CHECK(v.blocked->rule == rule);
  CHECK(!v.blocked->message.empty());
}

bool has_hop(const reach::Verdict& v, const std::string& kind, const std::string& component,
             const std::string& detail_part) {
  for (const auto& h : v.path) {
    if (h.kind == kind && h.component == component && h.detail.find(detail_part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("security-group references admit members and turn away others by group name", "[reach][aws]") {
  const Ends e;
  const auto member = engine().trace(e.app_b, e.db, Protocol::Tcp, 5432);
  CHECK(member.allowed());
  CHECK(has_hop(member, "security-group", "alpha/db", "ingress rule 1 allows TCP 5432 in"));
  // An ENI with several groups: any of them may allow, and the hop names which.
  const AwsEndpoint both = eni("both", "10.0.3.40", "a-app-b", {"alpha/web", "alpha/app"});
  const auto v = engine().trace(both, e.db, Protocol::Tcp, 5432);
  CHECK(v.allowed());
  CHECK(has_hop(v, "security-group", "alpha/app, alpha/web", "alpha/app egress rule 1 allows TCP 5432 out"));
  blocked(engine().trace(e.web_b, e.db, Protocol::Tcp, 5432), Reason::SG_INGRESS_DENY, "security-group alpha/db");
  // Prefix-list peer: corp holds 10.0.3.0/24, so web-b still reaches 6432.
  CHECK(engine().allowed(e.web_b, e.db).to_string() == "TCP 6432");
  CHECK(engine().allowed(e.app_b, e.db).to_string() == "TCP 5432,6432");
  // Across a same-region peering, a group of the peer VPC is referenced too.
  CHECK(engine().trace(e.app, e.api, Protocol::Tcp, 443).allowed());
  CHECK(engine().allowed(e.app, e.api).to_string() == "TCP 443");
  blocked(engine().trace(e.web_b, e.api, Protocol::Tcp, 443), Reason::SG_INGRESS_DENY, "security-group bravo/api");
  blocked(engine().trace(e.locked, e.db, Protocol::Tcp, 5432), Reason::SG_EGRESS_DENY, "security-group alpha/locked");
}

TEST_CASE("a network ACL that drops only the replies", "[reach][aws]") {
  const Ends e;
  const auto v = engine().trace(e.app, e.db, Protocol::Tcp, 5432);
  blocked(v, Reason::NACL_RETURN_DENY, "network-acl alpha/db-acl", "rule 50");
  // The forward half passed both ACLs and both groups first.
  CHECK(has_hop(v, "network-acl", "alpha/db-acl", "ingress rule 100 allows TCP 5432"));
  CHECK(has_hop(v, "security-group", "alpha/db", "allows TCP 5432 in"));
  CHECK(engine().allowed(e.app, e.db).empty());
  blocked(engine().trace(e.app, e.db, Protocol::Tcp, 22), Reason::NACL_INGRESS_DENY, "network-acl alpha/db-acl",
          "implicit deny");
}

TEST_CASE("replies must reach the whole Linux ephemeral range", "[reach][aws]") {
  const Ends e;
  // legacy-acl lets in 49152-65535 only: 32768-49151 meet the implicit deny.
  blocked(engine().trace(e.legacy, e.db, Protocol::Tcp, 5432), Reason::NACL_RETURN_DENY, "network-acl alpha/legacy-acl",
          "implicit deny");
  const AwsPathEngine iana(design().network, reach::AwsPathOptions{49152, 65535});
  CHECK(iana.trace(e.legacy, e.db, Protocol::Tcp, 5432).allowed());
  CHECK(iana.allowed(e.legacy, e.db).to_string() == "TCP 5432");
}

TEST_CASE("routing: missing routes, blackholes, longest prefix and prefix lists", "[reach][aws]") {
  const Ends e;
  blocked(engine().trace(e.api, e.dns, Protocol::Tcp, 443), Reason::NO_ROUTE, "route-table bravo/main");
  // 10.3.9.0/24 (blackhole) beats the prefix list's 10.3.0.0/16.
  blocked(engine().trace(e.app, e.dark, Protocol::Tcp, 80), Reason::BLACKHOLE_ROUTE, "route-table alpha/private",
          "route 10.3.9.0/24");
  // The prefix-list route carries 10.3.0.10 to the transit gateway.
  const auto v = engine().trace(e.app, e.svc, Protocol::Tcp, 80);
  CHECK(v.allowed());
  CHECK(has_hop(v, "route-table", "alpha/private", "prefix list shared-pl (10.3.0.0/16) -> transit-gateway core"));
  CHECK(engine().allowed(e.app, e.svc).to_string() == "TCP 80");
  // The default network ACLs (a-app, s-a: rule 100 allows all, both ways)
  // let everything through, replies included: the security groups alone
  // decide (svc admits TCP 80 from 10.0.0.0/8).
  CHECK(has_hop(v, "network-acl", "alpha/default", "egress rule 100 allows TCP 80"));
  CHECK(has_hop(v, "network-acl", "shared/default", "ingress rule 100 allows TCP 80"));
  CHECK(has_hop(v, "network-acl", "shared/default", "reply: egress allows TCP 32768-60999"));
  CHECK(has_hop(v, "network-acl", "alpha/default", "reply: ingress allows TCP 32768-60999"));
  CHECK(engine().allowed(e.app, e.svc) == reach::ConnectionSet::of(Protocol::Tcp, 80));
}

TEST_CASE("peering is not transitive and needs a route back", "[reach][aws]") {
  const Ends e;
  blocked(engine().trace(e.app, e.far, Protocol::Tcp, 80), Reason::PEERING_NOT_TRANSITIVE, "peering alpha-bravo",
          "route 10.2.0.0/16");
  const auto v = engine().trace(e.app, e.echo, Protocol::Tcp, 80);
  blocked(v, Reason::PEERING_NO_RETURN_ROUTE, "route-table echo/main");
  CHECK(has_hop(v, "peering", "alpha-echo", "into VPC echo"));
  CHECK(engine().allowed(e.app, e.echo).empty());
}

TEST_CASE("transit gateway: association, propagation, blackholes and AZs", "[reach][aws]") {
  const Ends e;
  blocked(engine().trace(e.xray, e.app, Protocol::Tcp, 80), Reason::TGW_NOT_ASSOCIATED,
          "transit-gateway-attachment core/xray");
  blocked(engine().trace(e.yankee, e.svc, Protocol::Tcp, 80), Reason::TGW_NO_ROUTE,
          "transit-gateway-route-table core/isolated");
  blocked(engine().trace(e.app, e.hole, Protocol::Tcp, 80), Reason::TGW_BLACKHOLE,
          "transit-gateway-route-table core/spokes", "route 10.3.200.0/24");
  blocked(engine().trace(e.app_b, e.svc, Protocol::Tcp, 80), Reason::TGW_AZ_NOT_PRESENT,
          "transit-gateway-attachment core/alpha");
  // The same rule holds for the reply, from the destination's AZ.
  const auto back = engine().trace(e.svc, e.app_b, Protocol::Tcp, 8080);
  blocked(back, Reason::TGW_AZ_NOT_PRESENT, "transit-gateway-attachment core/alpha");
  CHECK(back.blocked->message.find("reply") != std::string::npos);
  // Delivered, but the destination's table has no way back to the TGW.
  blocked(engine().trace(e.app, e.svc_iso, Protocol::Tcp, 80), Reason::NO_ROUTE, "route-table shared/isolated");
  const auto v = engine().trace(e.app, e.svc, Protocol::Tcp, 80);
  CHECK(has_hop(v, "transit-gateway-route-table", "core/spokes", "10.3.0.0/16 -> attachment shared (propagated)"));
  CHECK(has_hop(v, "transit-gateway-route-table", "core/shared", "reply: 10.0.0.0/16 -> attachment alpha"));
}

TEST_CASE("external addresses through the NAT and internet gateways", "[reach][aws]") {
  const Ends e;
  const auto out = engine().trace(e.app, e.dns, Protocol::Udp, 53);
  CHECK(out.allowed());
  CHECK(has_hop(out, "nat-gateway", "nat-a", "public"));
  CHECK(has_hop(out, "internet-gateway", "alpha-igw", "to the internet"));
  CHECK(engine().allowed(e.app, e.dns).is_all());
  CHECK(engine().trace(e.web, e.one, Protocol::Tcp, 443).allowed());
  CHECK(engine().trace(e.client, e.web, Protocol::Tcp, 443).allowed());
  CHECK(engine().allowed(e.client, e.web).to_string() == "TCP 443");
  blocked(engine().trace(e.client, e.web, Protocol::Tcp, 80), Reason::SG_INGRESS_DENY, "security-group alpha/web");
  blocked(engine().trace(e.client, e.app, Protocol::Tcp, 443), Reason::NO_INTERNET_ROUTE, "route-table alpha/private");
}

TEST_CASE("allowed() is exactly what trace() allows, on random ports and pairs", "[reach][aws]") {
  const Ends e;
  const auto ends = e.all();
  // Ports near every rule boundary of the design, and random ones.
  const std::vector<std::uint16_t> edges{1,     22,    53,    79,    80,    81,    442,  443,  444,
                                         1023,  1024,  5431,  5432,  5433,  6431,  6432, 6433, 8080,
                                         32767, 32768, 49151, 49152, 60999, 61000, 65535};
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<std::size_t> pick(0, ends.size() - 1);
  std::uniform_int_distribution<int> proto(0, 2);
  std::uniform_int_distribution<int> any_port(1, 65535);
  std::uniform_int_distribution<std::size_t> edge(0, edges.size() - 1);
  AwsPathEngine cached(design().network);
  int allowed_count = 0;
  for (int i = 0; i < 4000; ++i) {
    const AwsEndpoint& src = *ends[pick(rng)];
    const AwsEndpoint& dst = *ends[pick(rng)];
    if (&src == &dst) continue;
    const auto p = static_cast<Protocol>(proto(rng));
    const auto port = static_cast<std::uint16_t>(i % 2 == 0 ? edges[edge(rng)] : any_port(rng));
    const bool traced = engine().trace(src, dst, p, port).allowed();
    INFO(src.name << " -> " << dst.name << " " << k8s::to_string(p) << " " << port);
    CHECK(engine().allowed(src, dst).contains(p, port) == traced);
    CHECK(cached.allowed_cached(src, dst).contains(p, port) == traced);
    allowed_count += traced ? 1 : 0;
  }
  CHECK(allowed_count > 100);  // the sample is not all denials
}

TEST_CASE("the location key: addresses of one class answer alike", "[reach][aws]") {
  const Ends e;
  // 10.0.3.30 and 10.0.3.200 lie in exactly the same CIDRs (a-app-b, corp,
  // 10.0.0.0/16, ...): same key, same answer.
  AwsEndpoint other = e.app_b;
  other.address = ip("10.0.3.200");
  CHECK(engine().location_key(other) == engine().location_key(e.app_b));
  CHECK(engine().allowed(other, e.db) == engine().allowed(e.app_b, e.db));
  // 10.0.1.10 sits in db-acl's 10.0.1.0/24 rule; 10.0.1.10 and 10.0.2.20's
  // classes differ, as do different groups.
  CHECK(!(engine().location_key(e.app) == engine().location_key(e.db)));
  CHECK(!(engine().location_key(e.app_b) == engine().location_key(e.web_b)));
}

TEST_CASE("security groups for pods: strict and standard enforcing modes", "[reach][aws]") {
  using aws::PodSecurityGroupMode;
  // No SecurityGroupPolicy: the pod shares its node's ENIs and groups.
  const auto plain = aws::pod_security_groups(PodSecurityGroupMode::strict, {}, {"nodes", "eks-cluster-sg-shop"});
  CHECK(plain.eni == std::vector<std::string>{"eks-cluster-sg-shop", "nodes"});
  CHECK(plain.also.empty());
  CHECK(!plain.branch_eni);
  // Strict: only the branch ENI's groups; even traffic to its own node is filtered.
  const auto strict = aws::pod_security_groups(PodSecurityGroupMode::strict, {"db-clients", "db-clients"}, {"nodes"});
  CHECK(strict.eni == std::vector<std::string>{"db-clients"});
  CHECK(strict.also.empty());
  CHECK(strict.same_node_traffic_filtered);
  // Standard: the node's groups must allow it as well; node-local traffic is not filtered.
  const auto standard = aws::pod_security_groups(PodSecurityGroupMode::standard, {"db-clients"}, {"nodes"});
  CHECK(standard.eni == std::vector<std::string>{"db-clients"});
  CHECK(standard.also == std::vector<std::string>{"nodes"});
  CHECK(!standard.same_node_traffic_filtered);
  CHECK(standard.branch_eni);
}

TEST_CASE("standard mode: both the branch ENI's and the node's groups must allow", "[reach][aws]") {
  const Ends e;
  // A pod in a-app-b whose branch ENI carries alpha/app (admitted by db on
  // 5432) on a node carrying alpha/web: alpha/web allows all egress, so the
  // second set passes outbound; inbound to the pod, alpha/web admits only 443.
  AwsEndpoint pod = e.app_b;
  const auto web = design().network.find_security_group(*design().network.find_vpc("alpha"), "web");
  REQUIRE(web);
  pod.also_security_groups = {*web};
  CHECK(engine().trace(pod, e.db, Protocol::Tcp, 5432).allowed());
  // Into the pod: app admits TCP 8080 from app members, web admits only 443.
  const auto in = engine().trace(e.app, pod, Protocol::Tcp, 8080);
  blocked(in, Reason::SG_INGRESS_DENY, "security-group alpha/web");
  AwsEndpoint strict_pod = e.app_b;
  CHECK(engine().trace(e.app, strict_pod, Protocol::Tcp, 8080).allowed());
}

namespace {

const char* const kCluster = R"(scenario: {name: sg}
regions: {us-east-1: {azs: [use1-az1]}}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    securityGroups:
      - name: nodes
        ingress:
          - {protocol: all, securityGroup: nodes}
clusters:
  - name: shop
    vpc: east
    cni: {securityGroupsForPods: true, podSecurityGroupEnforcingMode: MODE}
    nodeGroups:
      - {name: general, instanceType: m5.large, count: 1, subnets: [east-a]}
      - {name: custom, instanceType: m5.large, count: 1, subnets: [east-a], securityGroups: [GROUPS]}
)";

std::string cluster_doc(const std::string& mode, const std::string& groups) {
  std::string doc = kCluster;
  doc.replace(doc.find("MODE"), 4, mode);
  doc.replace(doc.find("GROUPS"), 6, groups);
  return doc;
}

scenario::Scenario load_doc(const std::string& doc) {
  return scenario::load_scenario_text(doc, "sg.yaml", scenario::ReferencedFiles::ignore);
}

std::string load_error(const std::string& doc) {
  try {
    load_doc(doc);
  } catch (const scenario::LoadError& e) {
    return e.what();
  }
  return "loaded";
}

}  // namespace

TEST_CASE("each cluster gets EKS's cluster security group, which node groups use by default", "[scenario][aws]") {
  const auto s = load_doc(cluster_doc("standard", "nodes, eks-cluster-sg-shop"));
  const aws::NetworkModel& m = s.network;
  const auto east = m.find_vpc("east");
  const auto sg = m.find_security_group(*east, "eks-cluster-sg-shop");
  REQUIRE(sg);
  const auto& group = m.security_groups[*sg];
  CHECK(group.implicit);
  CHECK(s.clusters[0].cluster_security_group == *sg);
  // Inbound: everything from members; outbound: everything anywhere.
  REQUIRE(group.ingress.size() == 1);
  CHECK(group.ingress[0].peer.kind == aws::SecurityGroupPeer::Kind::security_group);
  CHECK(group.ingress[0].peer.index == *sg);
  CHECK(group.ingress[0].match.protocol.is_all());
  REQUIRE(group.egress.size() == 1);
  CHECK(group.egress[0].peer.cidr.prefix_length() == 0);
  CHECK(s.clusters[0].node_groups[0].security_groups == std::vector<std::uint32_t>{*sg});
  const auto nodes = m.find_security_group(*east, "nodes");
  std::vector<std::uint32_t> both{*nodes, *sg};
  std::sort(both.begin(), both.end());
  CHECK(s.clusters[0].node_groups[1].security_groups == both);
  CHECK(s.clusters[0].cni.pod_security_group_mode == aws::PodSecurityGroupMode::standard);
  // Two nodes carrying only the cluster group reach each other on any port.
  const AwsPathEngine engine(m);
  const auto a = AwsEndpoint::eni(m, *m.find_subnet("east-a"), ip("10.0.0.10"), {*sg}, "node-1");
  const auto b = AwsEndpoint::eni(m, *m.find_subnet("east-a"), ip("10.0.0.11"), {*sg}, "node-2");
  CHECK(engine.allowed(a, b).is_all());
  const auto outsider = AwsEndpoint::eni(m, *m.find_subnet("east-a"), ip("10.0.0.12"), {*nodes}, "other");
  CHECK(engine.allowed(outsider, b).empty());
}

TEST_CASE("node-group security groups and the enforcing mode are checked where they are written", "[scenario][aws]") {
  // Line 18 is the "custom" node group; "nodse" starts at column 94 (found by searching the text).
  CHECK(load_error(cluster_doc("strict", "nodse")) ==
        "sg.yaml:18:94: node group 'custom': unknown security group 'nodse' in VPC 'east' (did you mean 'nodes'?)");
  CHECK(load_error(cluster_doc("strikt", "nodes")) ==
        "sg.yaml:15:71: cluster 'shop' cni.podSecurityGroupEnforcingMode: expected strict or standard, got 'strikt' "
        "(did you mean 'strict'?)");
  std::string clash = cluster_doc("strict", "nodes");
  clash.replace(clash.find("      - name: nodes\n"), 0, "      - name: eks-cluster-sg-shop\n");
  CHECK(load_error(clash).find("already has a security group 'eks-cluster-sg-shop'") != std::string::npos);
  CHECK(load_doc(cluster_doc("strict", "nodes")).clusters[0].cni.pod_security_group_mode ==
        aws::PodSecurityGroupMode::strict);
}

TEST_CASE("pods of node groups with and without the cluster security group", "[reach][aws][scenario]") {
  const auto s = scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/reach/cluster-groups.yaml");
  const auto in = capacity::capacity_input(s);
  const auto plan = capacity::plan_capacity(in, {false, 0});
  const aws::NetworkModel& m = s.network;
  // Endpoint of the running pod `replica` of `workload`: its address, its
  // node's subnet and its node group's security groups.
  auto pod = [&](const std::string& workload, int replica) {
    for (const auto& p : plan.pods) {
      if (in.workloads[p.workload].name != workload || p.replica != replica) continue;
      REQUIRE(p.address);
      const auto& node = plan.nodes[p.node];
      std::vector<aws::EntityIndex> groups;
      for (const auto& g : s.clusters[0].node_groups) {
        if (g.name == node.node_group) groups.assign(g.security_groups.begin(), g.security_groups.end());
      }
      return AwsEndpoint::eni(m, *m.find_subnet(node.subnet), *p.address, groups,
                              workload + "-" + std::to_string(replica));
    }
    FAIL("no pod " << workload << " " << replica);
    return AwsEndpoint{};
  };
  REQUIRE(plan.nodes.size() == 3);
  CHECK(plan.nodes[0].address == ip("10.0.0.4"));
  CHECK(plan.nodes[1].address == ip("10.0.0.14"));
  CHECK(plan.nodes[2].address == ip("10.0.1.4"));
  const AwsEndpoint api0 = pod("web/api", 0);
  const AwsEndpoint api1 = pod("web/api", 1);
  const AwsEndpoint gateway = pod("web/gateway", 0);
  CHECK(api0.address == ip("10.0.0.5"));
  CHECK(api1.address == ip("10.0.0.15"));
  CHECK(gateway.address == ip("10.0.1.5"));
  const AwsPathEngine engine(m);
  CHECK(engine.allowed(api0, api1).is_all());
  CHECK(engine.allowed(api0, gateway).to_string() == "TCP 443");
  blocked(engine.trace(api0, gateway, Protocol::Tcp, 8080), Reason::SG_INGRESS_DENY, "security-group shop/edge");
  blocked(engine.trace(gateway, api0, Protocol::Tcp, 8080), Reason::SG_INGRESS_DENY,
          "security-group shop/eks-cluster-sg-shop");
}

namespace {

// A VPC with two subnets whose network ACLs and security groups are drawn at
// random: overlapping allow and deny entries, every protocol kind, ranges
// around the ephemeral ports.
aws::NetworkModel random_model(std::mt19937& rng) {
  const auto cidr = [](const char* text) { return *net::parse_cidr(text); };
  const std::vector<net::Cidr> blocks{cidr("0.0.0.0/0"),   cidr("10.0.0.0/16"), cidr("10.0.0.0/24"),
                                      cidr("10.0.1.0/24"), cidr("10.0.0.0/25"), cidr("10.0.1.128/25")};
  const std::vector<int> protocols{aws::IpProtocol::kAll, aws::IpProtocol::kTcp, aws::IpProtocol::kUdp, 132,
                                   aws::IpProtocol::kIcmp};
  const std::vector<std::uint16_t> edges{0, 1, 80, 443, 1024, 32767, 32768, 40000, 49151, 49152, 60999, 61000, 65535};
  auto pick = [&rng](const auto& v) { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
  auto match = [&] {
    aws::ProtocolMatch m;
    m.protocol.number = pick(protocols);
    if (m.protocol.has_ports()) {
      std::uint16_t a = pick(edges);
      std::uint16_t b = pick(edges);
      if (a > b) std::swap(a, b);
      m.ports = {a, b};
    }
    return m;
  };
  aws::NetworkModel m;
  m.regions.push_back({"us-east-1", {0}, ""});
  m.availability_zones.push_back({"use1-az1", 0, ""});
  aws::Vpc vpc;
  vpc.name = "v";
  vpc.cidrs = {cidr("10.0.0.0/16")};
  vpc.subnets = {0, 1};
  vpc.route_tables = {0};
  vpc.network_acls = {0, 1};
  m.route_tables.push_back(
      {"main", 0, true, false, {{aws::RouteDestination::of(vpc.cidrs[0]), aws::RouteTargetKind::local, 0, ""}}, ""});
  for (std::uint32_t s = 0; s < 2; ++s) {
    aws::Subnet subnet;
    subnet.name = "s" + std::to_string(s);
    subnet.cidr = blocks[2 + s];
    subnet.network_acl = s;
    m.subnets.push_back(subnet);
    aws::NetworkAcl acl;
    acl.name = "acl" + std::to_string(s);
    for (auto* entries : {&acl.ingress, &acl.egress}) {
      const int n = std::uniform_int_distribution<int>(0, 6)(rng);
      for (int i = 0; i < n; ++i) {
        const aws::NaclAction action =
            std::uniform_int_distribution<int>(0, 2)(rng) == 0 ? aws::NaclAction::deny : aws::NaclAction::allow;
        entries->push_back({10 * (i + 1), match(), pick(blocks), action, ""});
      }
    }
    m.network_acls.push_back(acl);
  }
  for (std::uint32_t g = 0; g < 3; ++g) {
    aws::SecurityGroup sg;
    sg.name = "g" + std::to_string(g);
    for (auto* rules : {&sg.ingress, &sg.egress}) {
      const int n = std::uniform_int_distribution<int>(0, 4)(rng);
      for (int i = 0; i < n; ++i) {
        aws::SecurityGroupRule r;
        r.match = match();
        if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
          r.peer.kind = aws::SecurityGroupPeer::Kind::security_group;
          r.peer.index = std::uniform_int_distribution<std::uint32_t>(0, 2)(rng);
        } else {
          r.peer.cidr = pick(blocks);
        }
        rules->push_back(r);
      }
    }
    vpc.security_groups.push_back(g);
    m.security_groups.push_back(sg);
  }
  m.vpcs.push_back(vpc);
  return m;
}

}  // namespace

TEST_CASE("allowed() matches trace() on random network ACLs and security groups", "[reach][aws]") {
  std::mt19937 rng(7);
  const std::vector<const char*> addresses{"10.0.0.10", "10.0.0.200", "10.0.1.10", "10.0.1.200"};
  const std::vector<int> edge_ports{1, 80, 443, 1024, 32767, 32768, 40000, 49151, 49152, 60999, 61000, 65535};
  int allowed_count = 0;
  int samples = 0;
  for (int model = 0; model < 150; ++model) {
    const aws::NetworkModel m = random_model(rng);
    const reach::AwsPathOptions eph = model % 3 == 0 ? reach::AwsPathOptions{49152, 65535} : reach::AwsPathOptions{};
    const AwsPathEngine engine(m, eph);
    for (int pair = 0; pair < 8; ++pair) {
      auto endpoint = [&](const char* name) {
        const net::Ipv4Address a = ip(addresses[std::uniform_int_distribution<std::size_t>(0, 3)(rng)]);
        std::vector<aws::EntityIndex> groups;
        for (aws::EntityIndex g = 0; g < 3; ++g) {
          if (std::uniform_int_distribution<int>(0, 1)(rng) == 1) groups.push_back(g);
        }
        return AwsEndpoint::eni(m, *m.subnet_containing(0, a), a, groups, name);
      };
      const AwsEndpoint src = endpoint("src");
      const AwsEndpoint dst = endpoint("dst");
      const reach::ConnectionSet set = engine.allowed(src, dst);
      for (int i = 0; i < 60; ++i) {
        const auto p = static_cast<Protocol>(std::uniform_int_distribution<int>(0, 2)(rng));
        // Half the ports next to a rule's edge, half anywhere.
        const int near = edge_ports[std::uniform_int_distribution<std::size_t>(0, edge_ports.size() - 1)(rng)] +
                         std::uniform_int_distribution<int>(-1, 1)(rng);
        const auto port = static_cast<std::uint16_t>(i % 2 == 0 ? std::clamp(near, 1, 65535)
                                                                : std::uniform_int_distribution<int>(1, 65535)(rng));
        const bool traced = engine.trace(src, dst, p, port).allowed();
        INFO("model " << model << " " << src.address.to_string() << " -> " << dst.address.to_string() << " "
                      << k8s::to_string(p) << " " << port);
        CHECK(set.contains(p, port) == traced);
        allowed_count += traced ? 1 : 0;
        ++samples;
      }
    }
  }
  CHECK(allowed_count > samples / 20);  // a fair share of both answers
  CHECK(allowed_count < samples - samples / 20);
}
