#include "eksim/report/capacity_report.hpp"

#include <map>

#include "eksim/report/json_writer.hpp"
#include "eksim/report/table.hpp"

namespace eksim::report {

std::string capacity_text(const capacity::CapacityReport& r) {
  std::string out = "node groups\n";
  Table groups({"cluster", "node group", "instance", "nodes", "max pods", "bound by"});
  for (const auto& g : r.node_groups) {
    groups.add({g.cluster, g.name, g.instance_type, std::to_string(g.nodes), std::to_string(g.max_pods.kubelet_max_pods),
                g.max_pods.explanation()});
  }
  out += groups.str();

  out += "\nsubnets\n";
  Table subnets({"subnet", "az", "cidr", "usable", "eni primaries", "pods", "warm", "free", "free /28"});
  for (const auto& s : r.subnets) {
    subnets.add({s.name, s.az, s.cidr, std::to_string(s.usable), std::to_string(s.eni_primaries),
                 std::to_string(s.assigned), std::to_string(s.warm), std::to_string(s.free),
                 std::to_string(s.free_prefixes)});
  }
  out += subnets.str();

  out += "\nnodes\n";
  Table nodes({"node", "az", "pod subnet", "pods", "max pods", "with address", "enis", "addresses held"});
  for (const auto& n : r.nodes) {
    nodes.add({n.name, n.az, n.pod_subnet, std::to_string(n.pods), std::to_string(n.kubelet_max_pods),
               std::to_string(n.pods_with_ip), std::to_string(n.enis),
               std::to_string(n.addresses) + (n.prefixes > 0 ? " (" + std::to_string(n.prefixes) + " x /28)" : "")});
  }
  out += nodes.str();

  out += "\npending pods: " + std::to_string(r.pending.size());
  // One line of totals by reason first, then every pod.
  std::map<std::string, int> by_reason;
  for (const auto& p : r.pending) ++by_reason[std::string(capacity::to_string(p.reason))];
  std::string totals;
  for (const auto& [reason, n] : by_reason) totals += (totals.empty() ? "" : ", ") + std::to_string(n) + " " + reason;
  out += totals.empty() ? "\n" : " (" + totals + ")\n";
  if (!r.pending.empty()) {
    Table pending({"workload", "replica", "node", "reason", "detail"});
    for (const auto& p : r.pending) {
      pending.add({p.workload, std::to_string(p.replica), p.node.empty() ? "-" : p.node,
                   std::string(capacity::to_string(p.reason)), p.detail});
    }
    out += pending.str();
  }

  if (!r.headroom.empty()) {
    out += "\nheadroom\n";
    Table head({"workload", "replicas", "more that fit", "runs out first"});
    for (const auto& h : r.headroom) {
      head.add({h.workload, std::to_string(h.replicas), (h.capped ? ">=" : "") + std::to_string(h.more), h.runs_out});
    }
    out += head.str();
  }
  return out;
}

std::string capacity_json(const capacity::CapacityReport& r) {
  JsonWriter w;
  w.begin_object();
  w.key("node_groups").begin_array();
  for (const auto& g : r.node_groups) {
    w.begin_object();
    w.key("cluster").value(g.cluster);
    w.key("name").value(g.name);
    w.key("instance_type").value(g.instance_type);
    w.key("nodes").value(g.nodes);
    w.key("max_pods").value(g.max_pods.kubelet_max_pods);
    w.key("calculated").value(g.max_pods.calculated);
    w.key("bound_by").value(std::string(aws::to_string(g.max_pods.binding)));
    w.key("explanation").value(g.max_pods.explanation());
    w.end_object();
  }
  w.end_array();
  w.key("subnets").begin_array();
  for (const auto& s : r.subnets) {
    w.begin_object();
    w.key("name").value(s.name);
    w.key("az").value(s.az);
    w.key("cidr").value(s.cidr);
    w.key("usable").value(s.usable);
    w.key("eni_primaries").value(s.eni_primaries);
    w.key("pods").value(s.assigned);
    w.key("warm").value(s.warm);
    w.key("free").value(s.free);
    w.key("free_prefixes").value(s.free_prefixes);
    w.end_object();
  }
  w.end_array();
  w.key("nodes").begin_array();
  for (const auto& n : r.nodes) {
    w.begin_object();
    w.key("name").value(n.name);
    w.key("node_group").value(n.node_group);
    w.key("az").value(n.az);
    w.key("subnet").value(n.subnet);
    w.key("pod_subnet").value(n.pod_subnet);
    w.key("max_pods").value(n.kubelet_max_pods);
    w.key("pods").value(n.pods);
    w.key("pods_with_address").value(n.pods_with_ip);
    w.key("enis").value(n.enis);
    w.key("prefixes").value(n.prefixes);
    w.key("addresses").value(n.addresses);
    w.end_object();
  }
  w.end_array();
  w.key("pending").begin_array();
  for (const auto& p : r.pending) {
    w.begin_object();
    w.key("workload").value(p.workload);
    w.key("replica").value(p.replica);
    w.key("node").value(p.node);
    w.key("reason").value(std::string(capacity::to_string(p.reason)));
    w.key("detail").value(p.detail);
    w.end_object();
  }
  w.end_array();
  w.key("headroom").begin_array();
  for (const auto& h : r.headroom) {
    w.begin_object();
    w.key("workload").value(h.workload);
    w.key("replicas").value(h.replicas);
    w.key("more").value(h.more);
    w.key("capped").value(h.capped);
    w.key("runs_out").value(h.runs_out);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

}  // namespace eksim::report
