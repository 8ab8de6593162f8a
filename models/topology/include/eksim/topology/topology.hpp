// The topology of a scenario as a graph: VPCs, subnets, gateways, peerings,
// transit gateways, clusters and node groups, and how they connect.
//
// A view built from the model (Boost.Graph adjacency_list), never a second
// source of truth: it serves path finding and the Graphviz picture
// (`eksim validate --format dot`). Routing decisions stay with the route
// tables; an edge here says "attached to", not "traffic may pass".
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eksim/scenario/scenario.hpp"

namespace eksim::topology {

enum class VertexKind { vpc, subnet, internet_gateway, nat_gateway, peering, transit_gateway, cluster, node_group };
enum class EdgeKind { contains, gateway, nat_in, peering, attachment, node_subnet, pod_subnet, node_group };

struct VertexInfo {
  VertexKind kind;
  std::string id;     // unique, e.g. "vpc/east", "subnet/east-a", "tgw/core"
  std::string label;  // for pictures: name and address range
  std::uint32_t index = 0;  // into the model's vector of that kind
  std::int32_t vpc = -1;    // the VPC it belongs to, if any
  std::string az;           // subnets
};

struct EdgeInfo {
  EdgeKind kind;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexInfo, EdgeInfo>;

class Topology {
 public:
  explicit Topology(const scenario::Scenario& s);

  [[nodiscard]] const Graph& graph() const { return graph_; }
  [[nodiscard]] std::optional<std::size_t> find(const std::string& id) const;
  // The fewest-hop chain of attachments between two vertices, as ids, or
  // empty when they are not connected.
  [[nodiscard]] std::vector<std::string> path(const std::string& from, const std::string& to) const;
  // Graphviz DOT: one box per VPC, subnets grouped by AZ inside it.
  [[nodiscard]] std::string dot() const;

 private:
  std::size_t add(VertexInfo v);
  Graph graph_;
  std::string name_;
};

}  // namespace eksim::topology
