#include "eksim/report/scenario_summary.hpp"

#include "eksim/report/json_writer.hpp"

namespace eksim::report {
namespace {

struct Counts {
  std::size_t nodes = 0;
  std::size_t workloads = 0;
  std::size_t services = 0;
  std::size_t policies = 0;
  std::size_t ingresses = 0;
  std::size_t albs = 0;  // Ingresses an AWS controller makes an ALB for
};

Counts count(const scenario::Scenario& s) {
  Counts c;
  for (const auto& cluster : s.clusters) {
    for (const auto& g : cluster.node_groups) c.nodes += static_cast<std::size_t>(g.count);
    c.workloads += cluster.objects.workloads.size();
    c.services += cluster.objects.services.size();
    c.policies += cluster.objects.network_policies.size() + cluster.objects.admin_network_policies.size() +
                  (cluster.objects.baseline_admin_network_policy ? 1 : 0);
    c.ingresses += cluster.objects.ingresses.size();
    for (const auto& ingress : cluster.objects.ingresses) c.albs += ingress.makes_alb() ? 1 : 0;
  }
  return c;
}

}  // namespace

std::string summary_text(const scenario::Scenario& s) {
  const Counts c = count(s);
  std::string out = s.file + ": valid\n";
  out += "  " + std::to_string(s.network.vpcs.size()) + " VPCs, " + std::to_string(s.network.subnets.size()) +
         " subnets, " + std::to_string(s.network.peerings.size()) + " peerings, " +
         std::to_string(s.network.transit_gateways.size()) + " transit gateways\n";
  out += "  " + std::to_string(s.clusters.size()) + " clusters, " + std::to_string(c.nodes) + " nodes, " +
         std::to_string(c.workloads) + " workloads, " + std::to_string(c.services) + " services, " +
         std::to_string(c.policies) + " network policies\n";
  if (c.ingresses > 0) {
    out += "  " + std::to_string(c.ingresses) + " ingresses (" + std::to_string(c.albs) + " with an ALB)\n";
  }
  out += "  " + std::to_string(s.flows.size()) + " flows, " + std::to_string(s.expectations.size()) + " expectations\n";
  for (const auto& cluster : s.clusters) {
    for (const auto& k : cluster.objects.skipped) {
      out += "  skipped " + std::to_string(k.count) + " x " + k.api_version + " " + k.kind + " (not modelled; first at " +
             k.first_seen.str() + ")\n";
    }
  }
  return out;
}

std::string summary_json(const scenario::Scenario& s) {
  const Counts c = count(s);
  JsonWriter w;
  w.begin_object();
  w.key("file").value(s.file);
  w.key("valid").value(true);
  w.key("vpcs").value(static_cast<std::uint64_t>(s.network.vpcs.size()));
  w.key("subnets").value(static_cast<std::uint64_t>(s.network.subnets.size()));
  w.key("peerings").value(static_cast<std::uint64_t>(s.network.peerings.size()));
  w.key("transit_gateways").value(static_cast<std::uint64_t>(s.network.transit_gateways.size()));
  w.key("clusters").value(static_cast<std::uint64_t>(s.clusters.size()));
  w.key("nodes").value(static_cast<std::uint64_t>(c.nodes));
  w.key("workloads").value(static_cast<std::uint64_t>(c.workloads));
  w.key("services").value(static_cast<std::uint64_t>(c.services));
  w.key("network_policies").value(static_cast<std::uint64_t>(c.policies));
  w.key("ingresses").value(static_cast<std::uint64_t>(c.ingresses));
  w.key("ingresses_with_alb").value(static_cast<std::uint64_t>(c.albs));
  w.key("flows").value(static_cast<std::uint64_t>(s.flows.size()));
  w.key("skipped").begin_array();
  for (const auto& cluster : s.clusters) {
    for (const auto& k : cluster.objects.skipped) {
      w.begin_object();
      w.key("cluster").value(cluster.name);
      w.key("api_version").value(k.api_version);
      w.key("kind").value(k.kind);
      w.key("count").value(static_cast<std::uint64_t>(k.count));
      w.key("first_seen").value(k.first_seen.str());
      w.end_object();
    }
  }
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

}  // namespace eksim::report
