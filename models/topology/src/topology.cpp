#include "eksim/topology/topology.hpp"

#include <boost/graph/breadth_first_search.hpp>
#include <map>
#include <set>

namespace eksim::topology {

namespace {

std::string cidrs_of(const aws::Vpc& vpc) {
  std::string s;
  for (const auto& c : vpc.cidrs) s += (s.empty() ? "" : ", ") + c.to_string();
  return s;
}

std::string dot_quote(const std::string& s) {
  std::string o = "\"";
  for (const char c : s) {
    if (c == '\n') {
      o += "\\n";  // Graphviz's own line break in labels
      continue;
    }
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o + "\"";
}

const char* shape_of(VertexKind k) {
  switch (k) {
    case VertexKind::vpc:
      return "shape=plaintext";
    case VertexKind::subnet:
      return "shape=box, style=rounded";
    case VertexKind::internet_gateway:
      return "shape=invhouse";
    case VertexKind::nat_gateway:
      return "shape=trapezium";
    case VertexKind::peering:
      return "shape=ellipse, style=dashed";
    case VertexKind::transit_gateway:
      return "shape=diamond";
    case VertexKind::cluster:
      return "shape=doubleoctagon";
    case VertexKind::node_group:
      return "shape=box3d";
  }
  return "shape=box";
}

const char* style_of(EdgeKind k) {
  switch (k) {
    case EdgeKind::peering:
      return " [style=dashed]";
    case EdgeKind::pod_subnet:
      return " [style=dotted, label=\"pods\"]";
    case EdgeKind::attachment:
      return " [color=blue]";
    default:
      return "";
  }
}

}  // namespace

std::size_t Topology::add(VertexInfo v) {
  // add_vertex(graph) and then the property: the overload taking the property
  // goes through Boost's named_graph code, which g++ 12 under ASan flags as
  // reading an uninitialised boost::optional (a false positive).
  const std::size_t vertex = boost::add_vertex(graph_);
  graph_[vertex] = std::move(v);
  return vertex;
}

Topology::Topology(const scenario::Scenario& s) : name_(s.name) {
  const aws::NetworkModel& n = s.network;
  std::vector<std::size_t> vpc_v;
  std::vector<std::size_t> subnet_v;
  for (std::uint32_t i = 0; i < n.vpcs.size(); ++i) {
    vpc_v.push_back(add({VertexKind::vpc, "vpc/" + n.vpcs[i].name, "vpc " + n.vpcs[i].name + "\n" + cidrs_of(n.vpcs[i]),
                         i, static_cast<std::int32_t>(i), ""}));
  }
  for (std::uint32_t i = 0; i < n.subnets.size(); ++i) {
    const aws::Subnet& sn = n.subnets[i];
    subnet_v.push_back(add({VertexKind::subnet, "subnet/" + sn.name, sn.name + "\n" + sn.cidr.to_string(), i,
                            static_cast<std::int32_t>(sn.vpc), n.availability_zones[sn.az].name}));
    boost::add_edge(vpc_v[sn.vpc], subnet_v.back(), EdgeInfo{EdgeKind::contains}, graph_);
  }
  for (std::uint32_t i = 0; i < n.internet_gateways.size(); ++i) {
    const auto& g = n.internet_gateways[i];
    const auto v = add({VertexKind::internet_gateway, "igw/" + g.name, g.name, i, static_cast<std::int32_t>(g.vpc), ""});
    boost::add_edge(v, vpc_v[g.vpc], EdgeInfo{EdgeKind::gateway}, graph_);
  }
  for (std::uint32_t i = 0; i < n.nat_gateways.size(); ++i) {
    const auto& g = n.nat_gateways[i];
    const auto v = add({VertexKind::nat_gateway, "nat/" + g.name, g.name, i, static_cast<std::int32_t>(g.vpc), ""});
    boost::add_edge(v, subnet_v[g.subnet], EdgeInfo{EdgeKind::nat_in}, graph_);
  }
  for (std::uint32_t i = 0; i < n.peerings.size(); ++i) {
    const auto& p = n.peerings[i];
    const auto v = add({VertexKind::peering, "peering/" + p.name, p.name, i, -1, ""});
    boost::add_edge(v, vpc_v[p.requester_vpc], EdgeInfo{EdgeKind::peering}, graph_);
    boost::add_edge(v, vpc_v[p.accepter_vpc], EdgeInfo{EdgeKind::peering}, graph_);
  }
  for (std::uint32_t i = 0; i < n.transit_gateways.size(); ++i) {
    const auto& t = n.transit_gateways[i];
    const auto v = add({VertexKind::transit_gateway, "tgw/" + t.name, "transit gateway\n" + t.name, i, -1, ""});
    for (const auto& a : t.attachments) {
      for (const auto subnet : a.subnets) boost::add_edge(v, subnet_v[subnet], EdgeInfo{EdgeKind::attachment}, graph_);
    }
  }
  for (std::uint32_t i = 0; i < s.clusters.size(); ++i) {
    const auto& c = s.clusters[i];
    const auto cv = add({VertexKind::cluster, "cluster/" + c.name, "EKS " + c.name, i, static_cast<std::int32_t>(c.vpc), ""});
    for (std::uint32_t g = 0; g < c.node_groups.size(); ++g) {
      const auto& ng = c.node_groups[g];
      const auto gv = add({VertexKind::node_group, "nodegroup/" + c.name + "/" + ng.name,
                           ng.name + "\n" + std::to_string(ng.count) + " x " + ng.instance_type.name, g,
                           static_cast<std::int32_t>(c.vpc), ""});
      boost::add_edge(cv, gv, EdgeInfo{EdgeKind::node_group}, graph_);
      for (const auto subnet : ng.subnets) boost::add_edge(gv, subnet_v[subnet], EdgeInfo{EdgeKind::node_subnet}, graph_);
    }
    for (const auto& [az, subnet] : c.eni_configs) {
      boost::add_edge(cv, subnet_v[subnet], EdgeInfo{EdgeKind::pod_subnet}, graph_);
    }
  }
}

std::optional<std::size_t> Topology::find(const std::string& id) const {
  for (std::size_t v = 0; v < boost::num_vertices(graph_); ++v) {
    if (graph_[v].id == id) return v;
  }
  return std::nullopt;
}

std::vector<std::string> Topology::path(const std::string& from, const std::string& to) const {
  const auto a = find(from);
  const auto b = find(to);
  if (!a || !b) return {};
  std::vector<std::size_t> parent(boost::num_vertices(graph_));
  for (std::size_t v = 0; v < parent.size(); ++v) parent[v] = v;
  boost::breadth_first_search(
      graph_, *a,
      boost::visitor(boost::make_bfs_visitor(boost::record_predecessors(parent.data(), boost::on_tree_edge()))));
  if (*a != *b && parent[*b] == *b) return {};
  std::vector<std::string> out;
  for (std::size_t v = *b;; v = parent[v]) {
    out.insert(out.begin(), graph_[v].id);
    if (v == *a) break;
  }
  return out;
}

std::string Topology::dot() const {
  std::string out = "graph " + dot_quote(name_) + " {\n  graph [rankdir=LR, fontname=Helvetica, compound=true];\n"
                    "  node [fontname=Helvetica, fontsize=10];\n";
  const std::size_t n = boost::num_vertices(graph_);
  auto vertex = [&](std::size_t v, const std::string& indent) {
    return indent + dot_quote(graph_[v].id) + " [label=" + dot_quote(graph_[v].label) + ", " + shape_of(graph_[v].kind) +
           "];\n";
  };
  // One box per VPC, and inside it one box per AZ holding its subnets.
  std::set<std::size_t> placed;
  for (std::size_t v = 0; v < n; ++v) {
    if (graph_[v].kind != VertexKind::vpc) continue;
    const std::int32_t vpc = graph_[v].vpc;
    out += "  subgraph " + dot_quote("cluster_" + graph_[v].id) + " {\n    style=rounded;\n";
    out += vertex(v, "    ");
    placed.insert(v);
    std::map<std::string, std::vector<std::size_t>> by_az;
    for (std::size_t u = 0; u < n; ++u) {
      if (graph_[u].vpc != vpc || placed.count(u) != 0) continue;
      if (graph_[u].kind == VertexKind::subnet) {
        by_az[graph_[u].az].push_back(u);
      } else if (graph_[u].kind != VertexKind::cluster) {
        out += vertex(u, "    ");
        placed.insert(u);
      }
    }
    for (const auto& [az, subnets] : by_az) {
      out += "    subgraph " + dot_quote("cluster_" + graph_[v].id + "/" + az) + " {\n      label=" + dot_quote(az) +
             "; style=dashed;\n";
      for (const auto u : subnets) {
        out += vertex(u, "      ");
        placed.insert(u);
      }
      out += "    }\n";
    }
    out += "  }\n";
  }
  for (std::size_t v = 0; v < n; ++v) {
    if (placed.count(v) == 0) out += vertex(v, "  ");
  }
  boost::graph_traits<Graph>::edge_iterator e;
  boost::graph_traits<Graph>::edge_iterator end;
  for (std::tie(e, end) = boost::edges(graph_); e != end; ++e) {
    out += "  " + dot_quote(graph_[boost::source(*e, graph_)].id) + " -- " +
           dot_quote(graph_[boost::target(*e, graph_)].id) + style_of(graph_[*e].kind) + ";\n";
  }
  return out + "}\n";
}

}  // namespace eksim::topology
