// The capacity planner against hand-worked layouts. Each case spells out
// the address arithmetic in its comments; the numbers asserted come from
// that arithmetic, not from running the planner.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <set>

#include "eksim/aws/instance_catalog.hpp"
#include "eksim/capacity/capacity_planner.hpp"
#include "eksim/capacity/scenario_capacity.hpp"
#include "eksim/net/cidr.hpp"

using namespace eksim;
using capacity::PendingReason;

namespace {

aws::InstanceType m5_large() {
  static const auto catalog = aws::InstanceCatalog::load();
  REQUIRE(catalog);
  const aws::InstanceType* t = catalog->find("m5.large");
  REQUIRE(t != nullptr);
  return *t;  // 3 ENIs x 10 IPv4 addresses, 2 vCPUs
}

capacity::CapacityInput two_nodes(const char* cidr, aws::IpMode mode, int node_count, int replicas) {
  capacity::CapacityInput in;
  in.subnets.push_back({"pods-a", "use1-az1", *net::parse_cidr(cidr)});
  capacity::ClusterSpec c;
  c.name = "shop";
  c.cni.mode = mode;
  c.node_groups.push_back({"general", m5_large(), node_count, {0}, std::nullopt, true});
  in.clusters.push_back(c);
  // The two host-network DaemonSets of every EKS node: a pod slot, no address.
  in.workloads.push_back({0, "kube-system/aws-node", "DaemonSet", 0, true, true, -1});
  in.workloads.push_back({0, "kube-system/kube-proxy", "DaemonSet", 0, true, true, -1});
  in.workloads.push_back({0, "web/api", "Deployment", replicas, false, false, 0});
  return in;
}

std::size_t count(const capacity::CapacityReport& r, PendingReason reason) {
  return static_cast<std::size_t>(std::count_if(r.pending.begin(), r.pending.end(),
                                                [&](const auto& p) { return p.reason == reason; }));
}

net::Ipv4Address ip(const char* text) { return *net::parse_ipv4(text); }

// The address of replica `replica` of workload `w`, or nullopt.
std::optional<net::Ipv4Address> address_of(const capacity::CapacityReport& r, std::uint32_t w, int replica) {
  for (const auto& p : r.pods) {
    if (p.workload == w && p.replica == replica) return p.address;
  }
  FAIL("no such pod");
  return std::nullopt;
}

// Every running pod has an address inside `cidr`, host-network pods share
// their node's, and no two other pods share one.
void check_addresses(const capacity::CapacityReport& r, const capacity::CapacityInput& in, const char* pod_cidr) {
  const net::Cidr pods = *net::parse_cidr(pod_cidr);
  std::set<net::Ipv4Address> seen;
  for (const auto& n : r.nodes) seen.insert(n.address);
  for (const auto& p : r.pods) {
    REQUIRE(p.address.has_value() == p.running);
    if (!p.running) continue;
    if (in.workloads[p.workload].host_network) {
      CHECK(*p.address == r.nodes[p.node].address);
      continue;
    }
    CHECK(pods.contains(*p.address));
    CHECK(seen.insert(*p.address).second);
  }
}

}  // namespace

TEST_CASE("pods outgrowing a subnet are pending with InsufficientFreeAddressesInSubnet", "[capacity]") {
  // Subnet /26: 64 addresses, 59 usable. Two m5.large nodes, secondary-IP
  // mode, WARM_ENI_TARGET=1; max pods 3 x (10 - 1) + 2 = 29, of which the
  // two host-network pods take 2, leaving 27 pods with addresses per node.
  //
  // Each node: its own address + a primary ENI full of 9 secondary IPs = 10.
  //   start                           20 used, 39 free
  //   replica 1 (node 1), 2 (node 2): a warm second ENI each, 1 + 9 = +10 each -> 19 free
  //   replicas 3..18: 9 per node fit the first ENI's 9 addresses, no growth
  //   replica 19 (node 1's 10th): third ENI, +10 -> 9 free
  //   replica 20 (node 2's 10th): third ENI primary (8 free), then 8 of 9 IPs -> 0 free;
  //                               node 2 holds 26 pod addresses
  //   replicas 21..54: 17 more per node up to 27 each; node 2's 27th has no address
  //   replicas 55..60: both nodes hold 29 pods: Too many pods
  const auto r = capacity::plan_capacity(two_nodes("10.0.0.0/26", aws::IpMode::secondary_ip, 2, 60));
  REQUIRE(r.subnets.size() == 1);
  const auto& s = r.subnets[0];
  CHECK(s.usable == 59);
  CHECK(s.eni_primaries == 6);  // 2 node addresses + 2 second ENIs + 2 third ENIs
  CHECK(s.assigned == 27 + 26);
  CHECK(s.warm == 0);
  CHECK(s.free == 0);
  CHECK(r.pending.size() == 7);
  CHECK(count(r, PendingReason::insufficient_addresses) == 1);
  CHECK(count(r, PendingReason::max_pods) == 6);
  const auto stuck = std::find_if(r.pending.begin(), r.pending.end(),
                                  [](const auto& p) { return p.reason == PendingReason::insufficient_addresses; });
  CHECK(stuck->node == "shop/general-2");
  CHECK(stuck->detail.find("pods-a") != std::string::npos);
  CHECK(r.node_groups.at(0).max_pods.kubelet_max_pods == 29);
}

TEST_CASE("prefix delegation in a fragmented subnet fails with InsufficientCidrBlocks", "[capacity]") {
  // Subnet 10.0.0.0/26 with prefix delegation. Aligned /28 blocks: .0 (holds
  // reserved .0-.3), .16, .32, .48 (holds reserved .63): only .16 and .32 can
  // be prefixes. The node takes .4; WARM_PREFIX_TARGET=1 holds .16/28 at once
  // and .32/28 with the first pod (one prefix in use, one warm). From the
  // 17th pod ipamd wants a third prefix: 26 addresses are free (.5-.15 and
  // .48-.62) but no aligned /28. Pods 33..40 have no address.
  const auto r = capacity::plan_capacity(two_nodes("10.0.0.0/26", aws::IpMode::prefix_delegation, 1, 40));
  CHECK(r.node_groups.at(0).max_pods.kubelet_max_pods == 110);  // 434 capped for 2 vCPUs
  REQUIRE(r.nodes.size() == 1);
  CHECK(r.nodes[0].prefixes == 2);
  CHECK(r.nodes[0].addresses == 32);
  CHECK(r.subnets[0].free == 26);
  CHECK(r.subnets[0].free_prefixes == 0);
  CHECK(r.pending.size() == 8);
  CHECK(count(r, PendingReason::insufficient_cidr_blocks) == 8);
  CHECK(r.pending[0].detail.find("no free aligned /28") != std::string::npos);
}

TEST_CASE("headroom names what runs out first", "[capacity]") {
  // /24: 251 usable. One m5.large node, 5 replicas asked for: the node can
  // take 27 pods with addresses (29 less the two host-network pods) and the
  // subnet has room for all of them (3 ENIs + 27 IPs + the node's own = 31).
  // So 22 more replicas fit, and the 23rd finds the node full.
  const auto r = capacity::plan_capacity(two_nodes("10.0.1.0/24", aws::IpMode::secondary_ip, 1, 5));
  CHECK(r.pending.empty());
  REQUIRE(r.headroom.size() == 1);  // DaemonSets grow with nodes, not replicas
  CHECK(r.headroom[0].workload == "web/api");
  CHECK(r.headroom[0].more == 22);
  CHECK(r.headroom[0].runs_out.find("max pods") == 0);
}

TEST_CASE("custom networking takes pod addresses from the ENIConfig subnet", "[capacity]") {
  // Node subnet /24, pod subnet 100.64.0.0/24 (the ENIConfig of use1-az1).
  // m5.large with custom networking: the primary ENI carries no pods, so two
  // ENIs of 9 addresses serve pods: max pods (3 - 1) x 9 + 2 = 20.
  // 12 replicas: ENI 2 full (9 pods), ENI 3 for the other 3 (the warm ENI
  // target would want a fourth, but m5.large has three): 18 addresses from
  // the pod subnet, with both ENIs' primaries; the node subnet holds only
  // the node's own address.
  capacity::CapacityInput in;
  in.subnets.push_back({"nodes-a", "use1-az1", *net::parse_cidr("10.0.0.0/24")});
  in.subnets.push_back({"pods-a", "use1-az1", *net::parse_cidr("100.64.0.0/24")});
  capacity::ClusterSpec c;
  c.name = "shop";
  c.cni.custom_networking = true;
  c.eni_configs["use1-az1"] = 1;
  c.node_groups.push_back({"general", m5_large(), 1, {0}, std::nullopt, true});
  in.clusters.push_back(c);
  in.workloads.push_back({0, "web/api", "Deployment", 12, false, false, 0});
  const auto r = capacity::plan_capacity(in, {false, 0});
  CHECK(r.node_groups.at(0).max_pods.kubelet_max_pods == 20);
  CHECK(r.pending.empty());
  CHECK(r.subnets[0].eni_primaries == 1);
  CHECK(r.subnets[0].assigned == 0);
  CHECK(r.subnets[1].eni_primaries == 2);
  CHECK(r.subnets[1].assigned == 12);
  CHECK(r.subnets[1].warm == 18 - 12);
  CHECK(r.nodes[0].pod_subnet == "pods-a");
  // The node's own address from its subnet, every pod's from the pod subnet.
  CHECK(r.nodes[0].address == ip("10.0.0.4"));
  check_addresses(r, in, "100.64.0.0/24");
}

TEST_CASE("nodeSelector confines pods to matching node groups", "[capacity]") {
  // Two groups of one node each; the database asks for the "data" group by
  // EKS's node-group label, the cache for a group that does not exist.
  capacity::CapacityInput in;
  in.subnets.push_back({"a", "use1-az1", *net::parse_cidr("10.0.0.0/24")});
  capacity::ClusterSpec c;
  c.name = "shop";
  c.node_groups.push_back({"general", m5_large(), 1, {0}, std::nullopt, true});
  c.node_groups.push_back({"data", m5_large(), 1, {0}, std::nullopt, true});
  in.clusters.push_back(c);
  in.workloads.push_back({0, "data/db", "StatefulSet", 3, false, false, 0, {{"eks.amazonaws.com/nodegroup", "data"}}});
  in.workloads.push_back({0, "data/cache", "Deployment", 2, false, false, 1, {{"eks.amazonaws.com/nodegroup", "fast"}}});
  const auto r = capacity::plan_capacity(in, {false, 0});
  std::vector<std::string> db_nodes;
  for (const auto& p : r.pods) {
    if (p.workload == 0) db_nodes.push_back(r.nodes[p.node].name);
  }
  CHECK(db_nodes == std::vector<std::string>{"shop/data-1", "shop/data-1", "shop/data-1"});
  CHECK(count(r, PendingReason::node_selector) == 2);
  CHECK(r.pending[0].detail == "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector");
}

TEST_CASE("eksim capacity on a scenario names the exhausted subnet, the AWS reason and the count", "[capacity]") {
  // tests/scenarios/subnet-exhaustion.yaml is the first case above written
  // as a scenario (CoreDNS off, so only the two host-network DaemonSets
  // precede the 60 replicas): the same hand computation applies.
  const auto s = eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) +
                                                "/tests/scenarios/subnet-exhaustion.yaml");
  const auto r = capacity::plan_capacity(capacity::capacity_input(s), {false, 0});
  REQUIRE(r.subnets.size() == 1);
  CHECK(r.subnets[0].name == "pods-a");
  CHECK(r.subnets[0].free == 0);
  CHECK(r.subnets[0].assigned == 53);
  CHECK(count(r, PendingReason::insufficient_addresses) == 1);
  CHECK(count(r, PendingReason::max_pods) == 6);
  for (const auto& p : r.pending) {
    if (p.reason == PendingReason::insufficient_addresses) {
      CHECK(p.workload == "web/api");
      CHECK(p.detail == "subnet pods-a has no free address (InsufficientFreeAddressesInSubnet)");
    }
  }
}

TEST_CASE("nodes and pods get their addresses in the order the subnet hands them out", "[capacity][addresses]") {
  // The /26 of the first case, 4 replicas. 10.0.0.0-.3 and .63 are AWS's.
  //   node 1: own .4, primary ENI's 9 secondary IPs .5-.13
  //   node 2: own .14, .15-.23
  //   replica 0 -> node 1 (its warm second ENI: primary .24, IPs .25-.33), takes .5
  //   replica 1 -> node 2 (second ENI .34, IPs .35-.43), takes .15
  //   replica 2 -> node 1: .6; replica 3 -> node 2: .16
  // The host-network DaemonSets take their node's address.
  const auto in = two_nodes("10.0.0.0/26", aws::IpMode::secondary_ip, 2, 4);
  const auto r = capacity::plan_capacity(in, {false, 0});
  REQUIRE(r.nodes.size() == 2);
  CHECK(r.nodes[0].address == ip("10.0.0.4"));
  CHECK(r.nodes[1].address == ip("10.0.0.14"));
  CHECK(address_of(r, 0, 0) == ip("10.0.0.4"));   // aws-node on node 1
  CHECK(address_of(r, 1, 1) == ip("10.0.0.14"));  // kube-proxy on node 2
  CHECK(address_of(r, 2, 0) == ip("10.0.0.5"));
  CHECK(address_of(r, 2, 1) == ip("10.0.0.15"));
  CHECK(address_of(r, 2, 2) == ip("10.0.0.6"));
  CHECK(address_of(r, 2, 3) == ip("10.0.0.16"));
  check_addresses(r, in, "10.0.0.0/26");
}

TEST_CASE("prefix delegation hands pods their node's /28 prefixes in order", "[capacity][addresses]") {
  // The fragmented /26 of the second case: the node is .4, holds .16/28 and
  // .32/28; pods 1-16 get .16-.31, pods 17-32 get .32-.47, pods 33-40 none.
  const auto in = two_nodes("10.0.0.0/26", aws::IpMode::prefix_delegation, 1, 40);
  const auto r = capacity::plan_capacity(in, {false, 0});
  CHECK(r.nodes.at(0).address == ip("10.0.0.4"));
  CHECK(address_of(r, 2, 0) == ip("10.0.0.16"));
  CHECK(address_of(r, 2, 15) == ip("10.0.0.31"));
  CHECK(address_of(r, 2, 16) == ip("10.0.0.32"));
  CHECK(address_of(r, 2, 31) == ip("10.0.0.47"));
  CHECK(!address_of(r, 2, 32).has_value());
  check_addresses(r, in, "10.0.0.0/26");
}
