// The AWS network sections of a scenario: a realistic design loaded with
// hand-checked results, AWS's rules on CIDRs, protocols and ports, and one
// malformed document per kind of mistake, each with its exact place and message.
//
// Expected positions were found by searching each document's text for the
// offending token, independently of the YAML parser's marks.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "eksim/aws/ip_protocol.hpp"
#include "eksim/aws/network_model.hpp"
#include "eksim/aws/port_range.hpp"
#include "eksim/aws/vpc_cidr_rules.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/scenario/load_error.hpp"
#include "eksim/scenario/network_loader.hpp"
#include "eksim/scenario/yaml_reader.hpp"

using eksim::aws::EntityIndex;
using eksim::aws::NetworkModel;
using eksim::aws::RouteDestination;
using eksim::aws::RouteTargetKind;
using eksim::aws::SecurityGroupPeer;
using eksim::net::Cidr;
using eksim::scenario::LoadError;
using eksim::scenario::YamlReader;

namespace {

Cidr cidr(const char* text) {
  const auto parsed = eksim::net::parse_cidr(text);
  REQUIRE(parsed);
  return *parsed;
}

eksim::net::Ipv4Address ip(const char* text) {
  const auto parsed = eksim::net::parse_ipv4(text);
  REQUIRE(parsed);
  return *parsed;
}

NetworkModel load(const std::string& text) {
  const YamlReader r = YamlReader::from_string(text, "net.yaml");
  NetworkModel model;
  eksim::scenario::load_network(r, r.root(), model);
  return model;
}

// Loads `text` expecting a LoadError; returns it so the caller can check place and message.
LoadError load_error(const std::string& text) {
  try {
    load(text);
  } catch (const LoadError& e) {
    return e;
  }
  FAIL("the document loaded without an error");
  return LoadError(eksim::scenario::SourceLocation{}, "not reached: FAIL stops the test");
}

// Two application VPCs in us-east-1 (east with a 100.64.0.0/16 pod block for
// custom networking, west peered with it) and a shared-services VPC reached
// through a transit gateway with separate spoke and shared route tables.
const char* const kDesign = R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2, use1-az4]}
prefixLists:
  - {name: corp, cidrs: [192.168.0.0/16, 172.20.0.0/14]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16, 100.64.0.0/16]
    internetGateway: east-igw
    subnets:
      - {name: east-public-a, az: use1-az1, cidr: 10.0.0.0/24}
      - {name: east-a, az: use1-az1, cidr: 10.0.16.0/20}
      - {name: east-b, az: use1-az2, cidr: 10.0.32.0/20}
      - {name: east-pods-a, az: use1-az1, cidr: 100.64.0.0/18}
      - {name: east-pods-b, az: use1-az2, cidr: 100.64.64.0/18}
    natGateways:
      - {name: nat-a, subnet: east-public-a}
    routeTables:
      - name: public
        subnets: [east-public-a]
        routes:
          - {destination: 0.0.0.0/0, internetGateway: east-igw}
      - name: private
        main: true
        routes:
          - {destination: 0.0.0.0/0, natGateway: nat-a}
          - {destination: 10.1.0.0/16, peering: east-west}
          - {destination: 10.2.0.0/16, transitGateway: core}
          - {destinationPrefixList: corp, transitGateway: core}
    securityGroups:
      - name: nodes
        description: EKS worker nodes
        ingress:
          - {protocol: all, securityGroup: nodes}
          - {protocol: tcp, ports: 443, securityGroup: west/api}
          - {protocol: tcp, ports: 1025-65535, cidr: 10.2.0.0/16, description: from shared services}
          - {protocol: icmp, icmpType: 8, cidr: 10.0.0.0/8}
          - {protocol: udp, ports: 53, prefixList: corp}
    networkAcls:
      - name: private
        subnets: [east-a, east-b]
        ingress:
          - {rule: 200, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow}
          - {rule: 100, protocol: all, cidr: 10.0.0.0/8, action: allow}
          - {rule: 50, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: deny}
        egress:
          - {rule: 100, protocol: -1, cidr: 0.0.0.0/0, action: allow}
  - name: west
    cidrs: [10.1.0.0/16]
    subnets:
      - {name: west-a, az: use1-az1, cidr: 10.1.0.0/20}
    routeTables:
      - name: private
        subnets: [west-a]
        routes:
          - {destination: 10.0.0.0/16, peering: east-west}
    securityGroups:
      - name: api
        ingress:
          - {protocol: tcp, ports: 443, securityGroup: east/nodes}
  - name: shared
    cidrs: [10.2.0.0/16]
    subnets:
      - {name: shared-a, az: use1-az1, cidr: 10.2.0.0/24}
      - {name: shared-b, az: use1-az2, cidr: 10.2.1.0/24}
    routeTables:
      - name: to-tgw
        main: true
        routes:
          - {destination: 10.0.0.0/8, transitGateway: core}
peerings:
  - {name: east-west, requester: east, accepter: west}
transitGateways:
  - name: core
    attachments:
      - {vpc: east, subnets: [east-a, east-b]}
      - {name: shared-att, vpc: shared, subnets: [shared-a, shared-b]}
    routeTables:
      - name: spokes
        associations: [east]
        propagations: [shared-att]
        routes:
          - {destination: 192.168.0.0/16, blackhole: true}
      - name: shared
        associations: [shared-att]
        propagations: [east]
)";

}  // namespace

TEST_CASE("a two-VPC design with peering and a transit gateway loads as designed", "[network]") {
  const NetworkModel m = load(kDesign);

  SECTION("regions, zones, VPC blocks and the resolver address") {
    REQUIRE(m.regions.size() == 1);
    CHECK(m.regions[0].name == "us-east-1");
    REQUIRE(m.availability_zones.size() == 3);
    CHECK(m.availability_zones[2].name == "use1-az4");
    CHECK(m.regions[0].azs == std::vector<EntityIndex>{0, 1, 2});
    REQUIRE(m.vpcs.size() == 3);
    CHECK(m.find_vpc("east") == 0U);
    CHECK(m.find_vpc("west") == 1U);
    CHECK(m.find_vpc("shared") == 2U);
    CHECK(m.vpcs[0].region == 0U);  // the only region is implicit
    CHECK(m.vpcs[0].cidrs == std::vector<Cidr>{cidr("10.0.0.0/16"), cidr("100.64.0.0/16")});
    CHECK(m.vpcs[0].primary_cidr() == cidr("10.0.0.0/16"));
    CHECK(m.vpcs[0].resolver_address().to_string() == "10.0.0.2");
    CHECK(m.vpcs[1].resolver_address().to_string() == "10.1.0.2");
    CHECK(m.vpcs[0].contains(ip("100.64.200.7")));
    CHECK_FALSE(m.vpcs[0].contains(ip("10.1.0.7")));
    CHECK(m.vpcs[0].where == "net.yaml:6:5");
  }

  SECTION("subnets: indices, zones and usable addresses") {
    REQUIRE(m.subnets.size() == 8);
    CHECK(m.find_subnet("east-a") == 1U);
    CHECK(m.find_subnet("east-pods-b") == 4U);
    CHECK(m.find_subnet("west-a") == 5U);
    CHECK(m.find_subnet("shared-b") == 7U);
    CHECK(m.vpcs[0].subnets == std::vector<EntityIndex>{0, 1, 2, 3, 4});
    const auto& east_a = m.subnets[1];
    CHECK(east_a.vpc == 0U);
    CHECK(east_a.az == 0U);
    CHECK(m.subnets[2].az == 1U);
    // 2^(32-20) = 4096 addresses, less the 5 AWS reserves.
    CHECK(east_a.usable_addresses() == 4091U);
    CHECK(m.subnets[0].usable_addresses() == 251U);    // /24: 256 - 5
    CHECK(m.subnets[3].usable_addresses() == 16379U);  // /18: 16384 - 5
    // 10.0.16.0-10.0.16.3 and 10.0.31.255 (the last of 10.0.16.0/20).
    const auto reserved = east_a.reserved_ranges();
    CHECK(reserved[0].first == ip("10.0.16.0").value());
    CHECK(reserved[0].last == ip("10.0.16.3").value());
    CHECK(reserved[1].first == ip("10.0.31.255").value());
    CHECK(reserved[1].last == ip("10.0.31.255").value());
    CHECK(m.subnet_containing(0, ip("100.64.70.1")) == 4U);
    CHECK_FALSE(m.subnet_containing(0, ip("10.0.200.1")));
  }

  SECTION("route tables: local routes, main table and associations") {
    // east: public, private (main); west: private, then the implicit main; shared: to-tgw (main).
    REQUIRE(m.route_tables.size() == 5);
    CHECK(m.find_route_table(0, "public") == 0U);
    CHECK(m.find_route_table(0, "private") == 1U);
    CHECK(m.find_route_table(1, "private") == 2U);
    CHECK(m.find_route_table(1, "main") == 3U);
    CHECK(m.find_route_table(2, "to-tgw") == 4U);
    CHECK(m.vpcs[0].main_route_table == 1U);
    CHECK(m.vpcs[1].main_route_table == 3U);
    CHECK(m.route_tables[3].implicit);
    CHECK(m.route_tables[3].main);
    CHECK(m.vpcs[2].main_route_table == 4U);

    // east-public-a is associated explicitly; the other east subnets fall back to the main table.
    CHECK(m.subnets[0].route_table == 0U);
    CHECK(m.subnets[0].route_table_explicit);
    for (EntityIndex s : {1U, 2U, 3U, 4U}) {
      CHECK(m.subnets[s].route_table == 1U);
      CHECK_FALSE(m.subnets[s].route_table_explicit);
    }
    CHECK(m.subnets[5].route_table == 2U);
    CHECK(m.subnets[6].route_table == 4U);

    // The private table: one local route per VPC block, then the declared routes in order.
    const auto& routes = m.route_tables[1].routes;
    REQUIRE(routes.size() == 6);
    CHECK(routes[0].destination == RouteDestination::of(cidr("10.0.0.0/16")));
    CHECK(routes[0].target == RouteTargetKind::local);
    CHECK(routes[1].destination == RouteDestination::of(cidr("100.64.0.0/16")));
    CHECK(routes[1].target == RouteTargetKind::local);
    CHECK(routes[2].destination == RouteDestination::of(cidr("0.0.0.0/0")));
    CHECK(routes[2].target == RouteTargetKind::nat_gateway);
    CHECK(routes[2].target_index == 0U);
    CHECK(routes[3].target == RouteTargetKind::peering);
    CHECK(routes[4].target == RouteTargetKind::transit_gateway);
    CHECK(routes[5].destination == RouteDestination::of_prefix_list(0));
    CHECK(routes[5].target == RouteTargetKind::transit_gateway);
    CHECK(routes[2].where == "net.yaml:25:13");
    // The implicit main table of west holds only its local route.
    REQUIRE(m.route_tables[3].routes.size() == 1);
    CHECK(m.route_tables[3].routes[0].destination == RouteDestination::of(cidr("10.1.0.0/16")));
    CHECK(m.route_tables[3].routes[0].target == RouteTargetKind::local);
    // east has two blocks, so the public table's route to the internet gateway comes third.
    CHECK(m.route_tables[0].routes[2].target == RouteTargetKind::internet_gateway);
    CHECK(to_string(RouteTargetKind::transit_gateway) == "transit-gateway");
  }

  SECTION("gateways and peering") {
    REQUIRE(m.internet_gateways.size() == 1);
    CHECK(m.vpcs[0].internet_gateway == 0U);
    CHECK_FALSE(m.vpcs[1].internet_gateway);
    REQUIRE(m.nat_gateways.size() == 1);
    CHECK(m.nat_gateways[0].subnet == 0U);
    CHECK(m.nat_gateways[0].is_public);
    REQUIRE(m.peerings.size() == 1);
    CHECK(m.peerings[0].requester_vpc == 0U);
    CHECK(m.peerings[0].accepter_vpc == 1U);
    CHECK(m.peering_between(1, 0) == 0U);
    CHECK_FALSE(m.peering_between(0, 2));
  }

  SECTION("security groups: rules, references and the defaults AWS creates") {
    // east: nodes, default (implicit); west: api, default; shared: default.
    REQUIRE(m.security_groups.size() == 5);
    CHECK(m.find_security_group(0, "nodes") == 0U);
    CHECK(m.find_security_group(0, "default") == 1U);
    CHECK(m.find_security_group(1, "api") == 2U);
    CHECK(m.vpcs[2].default_security_group == 4U);
    const auto& nodes = m.security_groups[0];
    CHECK(nodes.description == "EKS worker nodes");
    REQUIRE(nodes.ingress.size() == 5);
    CHECK(nodes.ingress[0].match.protocol.is_all());
    CHECK(nodes.ingress[0].peer == SecurityGroupPeer{SecurityGroupPeer::Kind::security_group, {}, 0});
    CHECK(nodes.ingress[1].peer == SecurityGroupPeer{SecurityGroupPeer::Kind::security_group, {}, 2});
    CHECK(nodes.ingress[1].match.ports.first == 443);
    CHECK(nodes.ingress[1].match.ports.last == 443);
    CHECK(nodes.ingress[2].match.ports.first == 1025);
    CHECK(nodes.ingress[2].match.ports.last == 65535);
    CHECK(nodes.ingress[2].peer.cidr == cidr("10.2.0.0/16"));
    CHECK(nodes.ingress[2].description == "from shared services");
    CHECK(nodes.ingress[3].match.protocol.number == 1);
    CHECK(nodes.ingress[3].match.icmp_type == 8);
    CHECK(nodes.ingress[3].match.icmp_code == -1);
    CHECK(nodes.ingress[4].match.protocol.number == 17);
    CHECK(nodes.ingress[4].peer.kind == SecurityGroupPeer::Kind::prefix_list);
    // Egress was left out, so the group keeps AWS's allow-all egress rule.
    REQUIRE(nodes.egress.size() == 1);
    CHECK(nodes.egress[0].match.protocol.is_all());
    CHECK(nodes.egress[0].peer.cidr == cidr("0.0.0.0/0"));
    // west/api references east/nodes across the peering.
    CHECK(m.security_groups[2].ingress[0].peer.index == 0U);
    // The implicit default group allows everything from its own members.
    const auto& east_default = m.security_groups[1];
    CHECK(east_default.implicit);
    REQUIRE(east_default.ingress.size() == 1);
    CHECK(east_default.ingress[0].peer == SecurityGroupPeer{SecurityGroupPeer::Kind::security_group, {}, 1});
  }

  SECTION("network ACLs: sorted entries, associations and the default ACL") {
    // east: private, default (implicit); west: default; shared: default.
    REQUIRE(m.network_acls.size() == 4);
    const auto& acl = m.network_acls[0];
    REQUIRE(acl.ingress.size() == 3);
    CHECK(acl.ingress[0].rule_number == 50);
    CHECK(acl.ingress[0].action == eksim::aws::NaclAction::deny);
    CHECK(acl.ingress[1].rule_number == 100);
    CHECK(acl.ingress[2].rule_number == 200);
    CHECK(acl.ingress[2].match.ports == eksim::aws::PortRange{1024, 65535});
    CHECK(acl.egress[0].match.protocol.is_all());
    CHECK(m.subnets[1].network_acl == 0U);
    CHECK(m.subnets[1].network_acl_explicit);
    CHECK(m.subnets[0].network_acl == 1U);  // east-public-a uses east's default ACL
    CHECK_FALSE(m.subnets[0].network_acl_explicit);
    CHECK(m.vpcs[1].default_network_acl == 2U);
    const auto& east_default = m.network_acls[1];
    CHECK(east_default.implicit);
    REQUIRE(east_default.ingress.size() == 1);
    CHECK(east_default.ingress[0].rule_number == 100);
    CHECK(east_default.ingress[0].action == eksim::aws::NaclAction::allow);
    CHECK(east_default.ingress[0].match.protocol.is_all());
  }

  SECTION("transit gateway attachments and route tables") {
    REQUIRE(m.transit_gateways.size() == 1);
    const auto& tgw = m.transit_gateways[0];
    REQUIRE(tgw.attachments.size() == 2);
    CHECK(tgw.attachments[0].name == "east");  // defaults to the VPC's name
    CHECK(tgw.attachments[0].subnets == std::vector<EntityIndex>{1, 2});
    CHECK(tgw.attachments[1].vpc == 2U);
    CHECK(tgw.attachment_for_vpc(2) == 1U);
    CHECK_FALSE(tgw.attachment_for_vpc(1));
    REQUIRE(tgw.route_tables.size() == 2);
    CHECK(tgw.attachments[0].route_table == 0U);
    CHECK(tgw.attachments[1].route_table == 1U);
    CHECK(tgw.route_tables[0].propagations == std::vector<EntityIndex>{1});
    CHECK(tgw.route_tables[1].propagations == std::vector<EntityIndex>{0});
    REQUIRE(tgw.route_tables[0].routes.size() == 1);
    CHECK(tgw.route_tables[0].routes[0].blackhole);
    CHECK(tgw.route_tables[0].routes[0].destination == RouteDestination::of(cidr("192.168.0.0/16")));
  }
}

TEST_CASE("defaults: implicit region, main route table, default ACL and TGW default route table", "[network]") {
  const NetworkModel m = load(R"(regions: {eu-west-1: {azs: [euw1-az1, euw1-az2]}}
vpcs:
  - name: solo
    cidrs: [10.20.0.0/16]
    subnets:
      - {name: solo-a, az: euw1-az1, cidr: 10.20.0.0/20}
      - {name: solo-b, az: euw1-az2, cidr: 10.20.16.0/20}
    networkAcls:
      - {name: locked, subnets: [solo-b]}
transitGateways:
  - {name: hub, attachments: [{vpc: solo, subnets: [solo-a, solo-b]}]}
)");
  REQUIRE(m.route_tables.size() == 1);
  CHECK(m.route_tables[0].name == "main");
  CHECK(m.route_tables[0].implicit);
  REQUIRE(m.route_tables[0].routes.size() == 1);
  CHECK(m.route_tables[0].routes[0].target == RouteTargetKind::local);
  CHECK(m.subnets[0].route_table == 0U);
  CHECK(m.subnets[1].route_table == 0U);
  // A custom ACL declared without entries denies everything, as a new one does in AWS.
  CHECK(m.network_acls[0].ingress.empty());
  CHECK(m.network_acls[0].egress.empty());
  CHECK(m.subnets[1].network_acl == 0U);
  CHECK(m.subnets[0].network_acl == 1U);
  // Without declared TGW route tables, every attachment uses and feeds the default one.
  const auto& hub = m.transit_gateways[0];
  REQUIRE(hub.route_tables.size() == 1);
  CHECK(hub.route_tables[0].name == "default");
  CHECK(hub.route_tables[0].implicit);
  CHECK(hub.route_tables[0].propagations == std::vector<EntityIndex>{0});
  CHECK(hub.attachments[0].route_table == 0U);
  CHECK(hub.region == 0U);
}

TEST_CASE("declared defaults replace what AWS creates; omitted directions keep it", "[network]") {
  const NetworkModel m = load(R"(regions: {us-east-1: {azs: [use1-az1]}}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    securityGroups:
      - {name: default, egress: []}
    networkAcls:
      - name: default
        ingress:
          - {rule: 10, protocol: tcp, ports: 0-65535, cidr: 10.0.0.0/8, action: allow}
)");
  REQUIRE(m.security_groups.size() == 1);
  const auto& sg = m.security_groups[0];
  CHECK(sg.is_default);
  CHECK_FALSE(sg.implicit);
  REQUIRE(sg.ingress.size() == 1);  // the self-referencing rule AWS creates
  CHECK(sg.ingress[0].peer == SecurityGroupPeer{SecurityGroupPeer::Kind::security_group, {}, 0});
  CHECK(sg.egress.empty());  // declared empty: no egress at all
  REQUIRE(m.network_acls.size() == 1);
  CHECK(m.vpcs[0].default_network_acl == 0U);
  REQUIRE(m.network_acls[0].ingress.size() == 1);
  CHECK(m.network_acls[0].ingress[0].rule_number == 10);
  REQUIRE(m.network_acls[0].egress.size() == 1);  // AWS's allow-all rule 100
  CHECK(m.network_acls[0].egress[0].rule_number == 100);
}

TEST_CASE("what AWS accepts: secondary ranges, subnet-sized middlebox routes, inter-Region peering", "[network]") {
  const NetworkModel m = load(R"(regions:
  us-east-1: {azs: [use1-az1]}
  us-west-2: {azs: [usw2-az1]}
vpcs:
  - name: east
    region: us-east-1
    cidrs: [10.0.0.0/16, 100.64.0.0/16, 198.19.0.0/16, 10.9.0.0/28]
    internetGateway: igw
    subnets:
      - {name: pub, az: use1-az1, cidr: 10.0.0.0/24}
      - {name: app, az: use1-az1, cidr: 10.0.1.0/24}
      - {name: tiny, az: use1-az1, cidr: 10.9.0.0/28}
    natGateways:
      - {name: egress, subnet: pub}
      - {name: inner, subnet: app, connectivity: private}
    routeTables:
      - name: inspect
        routes:
          - {destination: 10.0.1.0/24, natGateway: egress}
          - {destination: 0.0.0.0/0, natGateway: egress}
          - {destination: 10.0.0.0/8, blackhole: true}
  - {name: west, region: us-west-2, cidrs: [172.16.0.0/16, 172.17.0.0/16]}
peerings:
  - {name: cross, requester: east, accepter: west}
)");
  CHECK(m.vpcs[0].cidrs.size() == 4);
  CHECK(m.subnets[2].usable_addresses() == 11U);  // a /28 holds 16 addresses, 11 usable
  CHECK_FALSE(m.nat_gateways[1].is_public);
  CHECK(m.route_tables[0].routes[4].target == RouteTargetKind::nat_gateway);  // after 4 local routes
  CHECK(m.route_tables[0].routes[6].target == RouteTargetKind::blackhole);
  CHECK(m.peerings.size() == 1);
  CHECK(m.vpcs[1].region == 1U);
}

TEST_CASE("VPC block rules follow the VPC guide's association restrictions", "[network]") {
  using eksim::aws::secondary_block_problem;
  using eksim::aws::vpc_block_problem;
  CHECK(vpc_block_problem(cidr("10.0.0.0/16")).empty());
  CHECK(vpc_block_problem(cidr("10.0.0.0/28")).empty());
  CHECK_FALSE(vpc_block_problem(cidr("10.0.0.0/15")).empty());
  CHECK_FALSE(vpc_block_problem(cidr("10.0.0.0/29")).empty());
  CHECK_FALSE(vpc_block_problem(cidr("169.254.10.0/24")).empty());
  // RFC 1918 primary: same range, CG-NAT, 198.19/16 and public space are fine.
  CHECK(secondary_block_problem(cidr("10.0.0.0/16"), cidr("10.50.0.0/16")).empty());
  CHECK(secondary_block_problem(cidr("10.0.0.0/16"), cidr("100.64.0.0/16")).empty());
  CHECK(secondary_block_problem(cidr("10.0.0.0/16"), cidr("198.19.0.0/16")).empty());
  CHECK(secondary_block_problem(cidr("192.168.0.0/20"), cidr("54.10.0.0/16")).empty());
  CHECK_FALSE(secondary_block_problem(cidr("10.0.0.0/16"), cidr("172.16.0.0/16")).empty());
  CHECK_FALSE(secondary_block_problem(cidr("172.20.0.0/16"), cidr("192.168.1.0/24")).empty());
  // 172.16/12 primary: 172.31.0.0/16 is reserved for the default VPC's range.
  CHECK(secondary_block_problem(cidr("172.20.0.0/16"), cidr("172.30.0.0/16")).empty());
  CHECK_FALSE(secondary_block_problem(cidr("172.20.0.0/16"), cidr("172.31.4.0/24")).empty());
  CHECK(secondary_block_problem(cidr("10.0.0.0/16"), cidr("10.31.0.0/16")).empty());
  // Public or CG-NAT primary: no RFC 1918 secondary.
  CHECK_FALSE(secondary_block_problem(cidr("100.64.0.0/16"), cidr("10.0.0.0/16")).empty());
  CHECK_FALSE(secondary_block_problem(cidr("54.0.0.0/16"), cidr("192.168.0.0/16")).empty());
  CHECK(secondary_block_problem(cidr("54.0.0.0/16"), cidr("100.65.0.0/16")).empty());
}

TEST_CASE("protocols and port ranges parse as the EC2 API takes them", "[network]") {
  using eksim::aws::parse_ip_protocol;
  using eksim::aws::parse_port_range;
  CHECK(parse_ip_protocol("tcp")->number == 6);
  CHECK(parse_ip_protocol("TCP")->number == 6);
  CHECK(parse_ip_protocol("17")->number == 17);
  CHECK(parse_ip_protocol("-1")->is_all());
  CHECK(parse_ip_protocol("all")->is_all());
  CHECK(parse_ip_protocol("50")->number == 50);
  CHECK(parse_ip_protocol("50")->to_string() == "50");
  CHECK(parse_ip_protocol("6")->to_string() == "tcp");
  CHECK(parse_ip_protocol("255"));
  std::string error;
  for (const char* bad : {"256", "-2", "", "06", "tcp ", "sctp"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_ip_protocol(bad, &error));
  }
  CHECK_FALSE(parse_ip_protocol("upd", &error));
  CHECK(error ==
        "unknown protocol 'upd' (did you mean 'udp'?); expected tcp, udp, icmp, all (or -1), or a protocol "
        "number 0-255");

  CHECK(*parse_port_range("443") == eksim::aws::PortRange{443, 443});
  CHECK(*parse_port_range("0-65535") == eksim::aws::PortRange{0, 65535});
  CHECK(parse_port_range("0-65535")->is_all());
  CHECK(parse_port_range("1024-65535")->to_string() == "1024-65535");
  CHECK(parse_port_range("53")->to_string() == "53");
  for (const char* bad : {"", "-", "80-", "-80", "65536", "080", "80 - 90", "+80", "1-2-3", "http"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_port_range(bad, &error));
  }
  CHECK_FALSE(parse_port_range("http", &error));
  CHECK(error == "port range 'http': expected a port such as 443 or a range such as 1024-65535");
}

namespace {

struct Malformed {
  const char* title;
  const char* document;
  const char* where;
  const char* message;
};

// One document per mistake, with the place and the message the loader must give.
const std::vector<Malformed> kMalformed = {
    {"overlapping subnets",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
      - {name: east-b, az: use1-az2, cidr: 10.0.8.0/24}
)",
     "net.yaml:8:44", "subnet 'east-b': 10.0.8.0/24 overlaps subnet 'east-a' (10.0.0.0/20, at net.yaml:7:9)"},
    {"subnet outside the VPC",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
      - {name: east-b, az: use1-az2, cidr: 10.1.0.0/24}
)",
     "net.yaml:8:44", "subnet 'east-b': 10.1.0.0/24 is not inside any block of VPC 'east' (10.0.0.0/16)"},
    {"/29 subnet",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
      - {name: east-b, az: use1-az2, cidr: 10.0.16.0/29}
)",
     "net.yaml:8:44",
     "subnet 'east-b': 10.0.16.0/29 is a /29; AWS subnet blocks must be between /16 (65,536 addresses) and /28 (16 "
     "addresses)"},
    {"subnet CIDR with host bits",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
      - {name: east-b, az: use1-az2, cidr: 10.0.16.1/20}
)",
     "net.yaml:8:44", "subnet 'east-b': 10.0.16.1/20 has host bits set; did you mean 10.0.16.0/20?"},
    {"unknown key in a subnet",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
      - {name: east-b, azz: use1-az2, cidr: 10.0.16.0/20}
)",
     "net.yaml:8:24", "subnet 'east-b': unknown key 'azz' (did you mean 'az'?)"},
    {"duplicate subnet name",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
      - {name: east-a, az: use1-az2, cidr: 10.0.16.0/20}
)",
     "net.yaml:8:16", "subnet 'east-a' is defined twice (first at net.yaml:7:16)"},
    {"unknown Availability Zone",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
      - {name: east-b, az: use1-az3, cidr: 10.0.16.0/20}
)",
     "net.yaml:8:28",
     "subnet 'east-b': unknown Availability Zone 'use1-az3' (did you mean 'use1-az1'?); region 'us-east-1' declares "
     "use1-az1, use1-az2"},
    {"AZ of another region",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
  us-west-2: {azs: [usw2-az1]}
vpcs:
  - name: east
    region: us-east-1
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: usw2-az1, cidr: 10.0.0.0/20}
)",
     "net.yaml:9:28",
     "subnet 'east-a': Availability Zone 'usw2-az1' is in region 'us-west-2', but VPC 'east' is in region 'us-east-1'"},
    {"region left out with several declared",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
  us-west-2: {azs: [usw2-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
)",
     "net.yaml:5:5", "VPC 'east': give its region; the scenario declares several (us-east-1, us-west-2)"},
    {"VPC block larger than /16",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/12]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
)",
     "net.yaml:5:13",
     "VPC 'east': 10.0.0.0/12 is a /12; AWS VPC blocks must be between /16 (65,536 addresses) and /28 (16 addresses)"},
    {"secondary block from another RFC 1918 range",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16, 192.168.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
)",
     "net.yaml:5:26",
     "VPC 'east': secondary block 192.168.0.0/16 cannot be added to a VPC whose primary block 10.0.0.0/16 is in a "
     "different RFC 1918 range; secondary blocks may come from the primary's own RFC 1918 range, 100.64.0.0/10, "
     "198.19.0.0/16 or publicly routable space"},
    {"overlapping secondary block",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16, 100.64.0.0/16, 10.0.128.0/17]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
)",
     "net.yaml:5:41", "VPC 'east': block 10.0.128.0/17 overlaps the VPC's block 10.0.0.0/16 (at net.yaml:5:13)"},
    {"link-local VPC block",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [169.254.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 169.254.0.0/20}
)",
     "net.yaml:5:13",
     "VPC 'east': 169.254.0.0/16 is in the link-local range 169.254.0.0/16, which AWS never assigns to a VPC"},
    {"unknown key in a VPC",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnet:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
)",
     "net.yaml:6:5", "VPC 'east': unknown key 'subnet' (did you mean 'subnets'?)"},
    {"dangling NAT gateway route target",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    internetGateway: east-igw
    natGateways:
      - {name: nat-a, subnet: east-a}
    routeTables:
      - name: private
        routes:
          - {destination: 0.0.0.0/0, natGateway: nat-aa}
)",
     "net.yaml:14:50", "route table 'private' (VPC 'east'): unknown NAT gateway 'nat-aa' (did you mean 'nat-a'?)"},
    {"two routes to one destination",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    internetGateway: east-igw
    natGateways:
      - {name: nat-a, subnet: east-a}
    routeTables:
      - name: public
        routes:
          - {destination: 0.0.0.0/0, internetGateway: east-igw}
          - {destination: 0.0.0.0/0, natGateway: nat-a}
)",
     "net.yaml:15:27",
     "route table 'public' (VPC 'east'): destination 0.0.0.0/0 appears twice (first at net.yaml:14:27); a route table "
     "holds one route per destination"},
    {"route with two targets",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    internetGateway: east-igw
    natGateways:
      - {name: nat-a, subnet: east-a}
    routeTables:
      - name: public
        routes:
          - {destination: 0.0.0.0/0, internetGateway: east-igw, natGateway: nat-a}
)",
     "net.yaml:14:77",
     "route table 'public' (VPC 'east'): both internetGateway and natGateway are given; a route's target takes exactly "
     "one"},
    {"route more specific than the local route",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    internetGateway: east-igw
    natGateways:
      - {name: nat-a, subnet: east-a}
    routeTables:
      - name: public
        routes:
          - {destination: 10.0.1.0/24, internetGateway: east-igw}
)",
     "net.yaml:14:27",
     "route table 'public' (VPC 'east'): destination 10.0.1.0/24 is inside the VPC block 10.0.0.0/16; a route more "
     "specific than the local route must match a whole subnet of the VPC and target a NAT gateway"},
    {"subnet associated with two route tables",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    routeTables:
      - {name: a, subnets: [east-a]}
      - {name: b, subnets: [east-a]}
)",
     "net.yaml:10:29",
     "route table 'b' (VPC 'east'): subnet 'east-a' is already associated with route table 'a' (at net.yaml:9:29); a "
     "subnet uses exactly one route table"},
    {"two main route tables",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    routeTables:
      - {name: a, main: true}
      - {name: b, main: true}
)",
     "net.yaml:10:25",
     "route table 'b' (VPC 'east'): VPC 'east' already has a main route table, 'a' (at net.yaml:9:9)"},
    {"public NAT gateway without an internet gateway",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    natGateways:
      - {name: nat-a, subnet: east-a}
)",
     "net.yaml:9:9",
     "NAT gateway 'nat-a': a public NAT gateway needs an internet gateway in VPC 'east' (add internetGateway to the "
     "VPC, or set connectivity: private)"},
    {"peering VPCs with overlapping blocks",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - {name: east, cidrs: [10.0.0.0/16, 100.64.0.0/16]}
  - {name: west, cidrs: [10.1.0.0/16, 100.64.0.0/18]}
peerings:
  - {name: east-west, requester: east, accepter: west}
)",
     "net.yaml:7:50",
     "peering 'east-west': VPC 'east' block 100.64.0.0/16 overlaps VPC 'west' block 100.64.0.0/18; AWS cannot peer "
     "VPCs whose CIDR blocks overlap, secondary blocks included"},
    {"route to a peering of other VPCs",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: a
    cidrs: [10.0.0.0/16]
    routeTables:
      - name: to-b
        main: true
        routes:
          - {destination: 10.1.0.0/16, peering: b-c}
  - {name: b, cidrs: [10.1.0.0/16]}
  - {name: c, cidrs: [10.2.0.0/16]}
peerings:
  - {name: b-c, requester: b, accepter: c}
)",
     "net.yaml:10:49", "route table 'to-b' (VPC 'a'): peering 'b-c' connects VPCs 'b' and 'c', not 'a'"},
    {"TGW attachment with two subnets in one AZ",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
      - {name: east-a2, az: use1-az1, cidr: 10.0.16.0/20}
transitGateways:
  - name: core
    attachments:
      - {vpc: east, subnets: [east-a, east-a2]}
)",
     "net.yaml:12:39",
     "transit gateway 'core' attachment 'east': subnets 'east-a' and 'east-a2' are both in Availability Zone "
     "'use1-az1'; an attachment takes at most one subnet per Availability Zone"},
    {"TGW attachment associated with two route tables",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
transitGateways:
  - name: core
    attachments:
      - {vpc: east, subnets: [east-a]}
    routeTables:
      - {name: one, associations: [east]}
      - {name: two, associations: [east]}
)",
     "net.yaml:14:36",
     "transit gateway 'core' route table 'two': attachment 'east' is already associated with route table 'one' (at "
     "net.yaml:13:36); an attachment is associated with at most one route table"},
    {"TGW attachment without subnets",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    routeTables:
      - name: private
        main: true
        routes:
          - {destination: 10.0.0.0/8, transitGateway: core}
  - {name: shared, cidrs: [10.2.0.0/16]}
transitGateways:
  - {name: core, attachments: [{vpc: shared, subnets: []}]}
)",
     "net.yaml:15:55",
     "transit gateway 'core' attachment 'shared': subnets: list one subnet in each Availability Zone the attachment "
     "serves"},
    {"route to a TGW the VPC is not attached to",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets:
      - {name: east-a, az: use1-az1, cidr: 10.0.0.0/20}
    routeTables:
      - name: private
        main: true
        routes:
          - {destination: 10.2.0.0/16, transitGateway: core}
transitGateways:
  - {name: core}
)",
     "net.yaml:12:56",
     "route table 'private' (VPC 'east'): transit gateway 'core' has no attachment in VPC 'east'; attach the VPC "
     "before routing to it"},
    {"misspelled protocol",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    securityGroups:
      - name: web
        ingress:
          - {protocol: tpc, ports: 443, cidr: 10.0.0.0/8}
)",
     "net.yaml:9:24",
     "security group 'web' (VPC 'east') ingress rule: unknown protocol 'tpc' (did you mean 'tcp'?); expected tcp, udp, "
     "icmp, all (or -1), or a protocol number 0-255"},
    {"reversed port range",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    securityGroups:
      - name: web
        ingress:
          - {protocol: tcp, ports: 443-80, cidr: 10.0.0.0/8}
)",
     "net.yaml:9:36",
     "security group 'web' (VPC 'east') ingress rule: port range '443-80' is reversed; the first port must not be "
     "above the last (did you mean 80-443?)"},
    {"port above 65535",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    securityGroups:
      - name: web
        ingress:
          - {protocol: udp, ports: 70000, cidr: 10.0.0.0/8}
)",
     "net.yaml:9:36", "security group 'web' (VPC 'east') ingress rule: port range '70000': port 70000 is above 65535"},
    {"tcp rule without ports",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    securityGroups:
      - name: web
        ingress:
          - {protocol: tcp, cidr: 10.0.0.0/8}
)",
     "net.yaml:9:13",
     "security group 'web' (VPC 'east') ingress rule: tcp needs ports, e.g. ports: 443 or ports: 1024-65535 (0-65535 "
     "for all)"},
    {"ports on an all-traffic rule",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    securityGroups:
      - name: web
        ingress:
          - {protocol: all, ports: 443, cidr: 10.0.0.0/8}
)",
     "net.yaml:9:36",
     "security group 'web' (VPC 'east') ingress rule: ports apply to tcp and udp only; protocol all covers the whole "
     "protocol"},
    {"dangling security-group reference",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    securityGroups:
      - name: web
        ingress:
          - {protocol: tcp, ports: 5432, securityGroup: wbe}
)",
     "net.yaml:9:57",
     "security group 'web' (VPC 'east') ingress rule: unknown security group 'wbe' in VPC 'east' (did you mean "
     "'web'?)"},
    {"security-group reference to an unpeered VPC",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    securityGroups:
      - name: web
        ingress:
          - {protocol: tcp, ports: 5432, securityGroup: west/db}
  - name: west
    cidrs: [10.1.0.0/16]
    securityGroups: [{name: db}]
)",
     "net.yaml:9:57",
     "security group 'web' (VPC 'east') ingress rule: security group 'west/db' is in VPC 'west', which is not peered "
     "with VPC 'east'; AWS resolves group references only within a VPC or across a VPC peering connection"},
    {"security-group reference across inter-Region peering",
     R"(regions:
  us-east-1: {azs: [use1-az1, use1-az2]}
  us-west-2: {azs: [usw2-az1]}
vpcs:
  - name: east
    region: us-east-1
    cidrs: [10.0.0.0/16]
    securityGroups:
      - {name: web, ingress: [{protocol: tcp, ports: 443, securityGroup: west/api}]}
  - {name: west, region: us-west-2, cidrs: [10.1.0.0/16], securityGroups: [{name: api}]}
peerings:
  - {name: east-west, requester: east, accepter: west}
)",
     "net.yaml:9:74",
     "security group 'web' (VPC 'east') ingress rule: security group 'west/api' is across peering 'east-west', which "
     "joins regions 'us-east-1' and 'us-west-2'; AWS does not resolve group references across inter-Region peering "
     "(use a CIDR)"},
    {"duplicate NACL rule number",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    networkAcls:
      - name: strict
        ingress:
          - {rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow}
          - {rule: 100, protocol: tcp, ports: 80, cidr: 0.0.0.0/0, action: allow}
)",
     "net.yaml:10:20",
     "network ACL 'strict' (VPC 'east') ingress rule number 100 is used twice (first at net.yaml:9:20); rule numbers "
     "are unique per direction"},
    {"NACL rule number above 32766",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    networkAcls:
      - name: strict
        ingress:
          - {rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow}
          - {rule: 32767, protocol: all, cidr: 0.0.0.0/0, action: deny}
)",
     "net.yaml:10:20", "network ACL 'strict' (VPC 'east') ingress rule number: 32767 is out of range [1, 32766]"},
    {"misspelled NACL action",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    networkAcls:
      - name: strict
        ingress:
          - {rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow}
          - {rule: 110, protocol: udp, ports: 53, cidr: 0.0.0.0/0, action: alow}
)",
     "net.yaml:10:76",
     "network ACL 'strict' (VPC 'east') ingress rule 110: action must be allow or deny, not 'alow' (did you mean "
     "'allow'?)"},
    {"ports on an ICMP entry",
     R"(regions:
  us-east-1: {azs: [use1-az1]}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    networkAcls:
      - name: strict
        ingress:
          - {rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow}
          - {rule: 120, protocol: icmp, ports: 8, cidr: 0.0.0.0/0, action: allow}
)",
     "net.yaml:10:48",
     "network ACL 'strict' (VPC 'east') ingress rule 120: ports apply to tcp and udp only; protocol icmp takes "
     "icmpType and icmpCode"},
};

}  // namespace

TEST_CASE("malformed network documents fail at the offending node with a precise message", "[network]") {
  REQUIRE(kMalformed.size() >= 15);
  for (const Malformed& c : kMalformed) {
    SECTION(c.title) {
      const LoadError e = load_error(c.document);
      CHECK(e.where().str() == c.where);
      CHECK(e.message() == c.message);
    }
  }
}
