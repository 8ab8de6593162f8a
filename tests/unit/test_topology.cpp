// The topology view: which things are attached to which, checked on the
// shipped scenarios whose layout the comments spell out.
#include <catch2/catch.hpp>

#include "eksim/scenario/scenario.hpp"
#include "eksim/topology/topology.hpp"

using eksim::topology::Topology;

namespace {
eksim::scenario::Scenario load(const char* name) {
  return eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/scenarios/" + name);
}
}  // namespace

TEST_CASE("two VPCs joined by a transit gateway are connected through it", "[topology]") {
  const Topology t(load("two-clusters-tgw.yaml"));
  // east-a belongs to vpc/east, which also holds the attachment subnet
  // east-tgw-a; the gateway attaches west-tgw-a in vpc/west, which holds west-a.
  const auto path = t.path("subnet/east-a", "subnet/west-a");
  CHECK(path == std::vector<std::string>{"subnet/east-a", "vpc/east", "subnet/east-tgw-a", "tgw/core",
                                         "subnet/west-tgw-a", "vpc/west", "subnet/west-a"});
  // cluster - node group - subnet - vpc - attachment subnet - tgw, and back down.
  CHECK(t.path("cluster/east", "cluster/west").size() == 11);
  CHECK(t.path("subnet/east-a", "subnet/nowhere").empty());
}

TEST_CASE("peered VPCs are connected through the peering, and only through it", "[topology]") {
  const Topology t(load("peered-vpcs.yaml"));
  const auto path = t.path("subnet/apps-a", "subnet/shared-a");
  CHECK(path == std::vector<std::string>{"subnet/apps-a", "vpc/apps", "peering/apps-shared", "vpc/shared",
                                         "subnet/shared-a"});
}

TEST_CASE("the DOT picture boxes each VPC and groups its subnets by AZ", "[topology]") {
  const std::string dot = Topology(load("custom-networking.yaml")).dot();
  CHECK(dot.rfind("graph \"custom-networking\" {", 0) == 0);
  CHECK(dot.find("subgraph \"cluster_vpc/main\"") != std::string::npos);
  CHECK(dot.find("subgraph \"cluster_vpc/main/use1-az1\"") != std::string::npos);
  CHECK(dot.find("\"subnet/pods-a\" [label=\"pods-a\\n100.64.0.0/18\"") != std::string::npos);
  // The ENIConfig subnets hang off the cluster as pod subnets.
  CHECK(dot.find("\"cluster/platform\" -- \"subnet/pods-a\" [style=dotted, label=\"pods\"]") != std::string::npos);
  CHECK(dot.back() == '\n');
}
