#include "eksim/reach/policy_warnings.hpp"

#include <optional>
#include <set>

#include "eksim/reach/calico_compile.hpp"

namespace eksim::reach {
namespace {

// One port entry as the agent counts it: protocol plus number, range or name.
std::string port_entry(const k8s::NetworkPolicyPort& p) {
  std::string s(k8s::to_string(p.protocol));
  if (!p.port) return s + " all";
  s += ' ' + p.port->to_string();
  if (p.end_port) s += '-' + std::to_string(*p.end_port);
  return s;
}

bool selected_by_some_policy(const k8s::ManifestSet& set, const k8s::Workload& w, bool ingress_only = false) {
  for (const auto& np : set.network_policies) {
    if (ingress_only && !np.isolates_ingress) continue;
    if (np.namespace_index == w.namespace_index && np.pod_selector.matches(w.pod.labels)) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(PolicyWarningCode code) {
  switch (code) {
    case PolicyWarningCode::TooManyPortProtocols: return "TOO_MANY_PORT_PROTOCOLS";
    case PolicyWarningCode::StandalonePod: return "STANDALONE_POD";
    case PolicyWarningCode::UnsupportedNode: return "UNSUPPORTED_NODE";
    case PolicyWarningCode::HostNetworkSelected: return "HOST_NETWORK_SELECTED";
    case PolicyWarningCode::AdminPolicyNotEnforced: return "ADMIN_POLICY_NOT_ENFORCED";
    case PolicyWarningCode::Ipv6BlockIgnored: return "IPV6_BLOCK_IGNORED";
    case PolicyWarningCode::NodesPeerIgnored: return "NODES_PEER_IGNORED";
    case PolicyWarningCode::ServicePortMismatch: return "SERVICE_PORT_MISMATCH";
    case PolicyWarningCode::CalicoNotModelled: return "CALICO_NOT_MODELLED";
  }
  return "?";
}

std::vector<PolicyWarning> policy_warnings(const k8s::ManifestSet& set) {
  std::vector<PolicyWarning> out;
  // The EKS user guide: "the maximum number of unique combinations of ports
  // for each protocol in each ingress: or egress: selector in a network
  // policy is 24", i.e. per policy and direction, over all its rules.
  for (const auto& np : set.network_policies) {
    for (const auto* rules : {&np.ingress, &np.egress}) {
      std::set<std::string> seen;
      for (const auto& rule : *rules) {
        for (const auto& port : rule.ports) seen.insert(port_entry(port));
        for (const auto& peer : rule.peers) {
          if (peer.ip_block && peer.ip_block->cidr.ipv6) {
            out.push_back({PolicyWarningCode::Ipv6BlockIgnored, peer.where,
                           "NetworkPolicy " + np.id + ": ipBlock " + peer.ip_block->cidr.text +
                               " is IPv6; an EKS cluster is IPv4 or IPv6, and this one's pods are IPv4"});
          }
        }
      }
      if (seen.size() > kEksMaxPortProtocols) {
        const char* direction = rules == &np.ingress ? "ingress" : "egress";
        out.push_back({PolicyWarningCode::TooManyPortProtocols, np.where,
                       "NetworkPolicy " + np.id + ": its " + direction + " rules name " + std::to_string(seen.size()) +
                           " unique port/protocol combinations; the EKS VPC CNI agent supports at most " +
                           std::to_string(kEksMaxPortProtocols) + " per ingress or egress section of a policy"});
      }
    }
  }
  auto admin = [&](const std::string& kind, const std::string& name, const scenario::SourceLocation& where,
                   const std::vector<k8s::AdminRule>& egress) {
    out.push_back({PolicyWarningCode::AdminPolicyNotEnforced, where,
                   kind + " " + name + ": the EKS VPC CNI network policy agent implements only "
                   "networking.k8s.io/v1 NetworkPolicy; evaluated as written, as a CNI that implements it would"});
    for (const auto& rule : egress) {
      for (const auto& peer : rule.peers) {
        if (peer.kind == k8s::AdminPeer::Kind::Nodes) {
          out.push_back({PolicyWarningCode::NodesPeerIgnored, rule.where,
                         kind + " " + name + ": a nodes peer matches nothing here (node labels are not modelled)"});
        }
      }
    }
  };
  for (const auto& anp : set.admin_network_policies) admin("AdminNetworkPolicy", anp.name, anp.where, anp.egress);
  if (const auto& b = set.baseline_admin_network_policy) admin("BaselineAdminNetworkPolicy", b->name, b->where, b->egress);
  {
    // Compiled into a scratch program only for what it cannot model.
    PolicyProgram scratch;
    for (auto& w : add_calico_policies(set, scratch)) out.push_back(std::move(w));
  }

  // Item 11: the EKS agent resolves a Service's traffic to its endpoints
  // only when the Service port equals the container port it lands on.
  for (const auto& svc : set.services) {
    for (const auto& port : svc.ports) {
      for (std::uint32_t b : svc.backends) {
        const k8s::Workload& w = set.workloads[b];
        if (!selected_by_some_policy(set, w, true)) continue;
        std::optional<std::uint16_t> target;
        if (port.target_port.is_named()) {
          if (auto cp = w.pod.find_port(port.target_port.name, port.protocol)) target = cp->container_port;
        } else {
          target = port.target_port.number != 0 ? port.target_port.number : port.port;
        }
        if (!target || *target == port.port) continue;
        out.push_back({PolicyWarningCode::ServicePortMismatch, svc.where,
                       "Service " + svc.id + ": port " + std::to_string(port.port) + " lands on container port " +
                           std::to_string(*target) + " of " + w.id + ", which a NetworkPolicy isolates; the EKS VPC "
                           "CNI agent needs the Service port to equal the container port"});
        break;  // one warning per Service port
      }
    }
  }

  for (const auto& w : set.workloads) {
    if (w.kind == k8s::WorkloadKind::Pod && !w.synthesized) {
      out.push_back({PolicyWarningCode::StandalonePod, w.where,
                     "Pod " + w.namespace_name + "/" + w.name + " has no ownerReferences; the EKS VPC CNI agent "
                     "does not support network policies for standalone pods"});
    }
    const auto os = w.pod.node_selector.find("kubernetes.io/os");
    const auto compute = w.pod.node_selector.find("eks.amazonaws.com/compute-type");
    const bool windows = os != w.pod.node_selector.end() && os->second == "windows";
    const bool fargate = compute != w.pod.node_selector.end() && compute->second == "fargate";
    const bool selected = selected_by_some_policy(set, w);
    if ((windows || fargate) && selected) {
      out.push_back({PolicyWarningCode::UnsupportedNode, w.where,
                     w.id + " runs on " + (windows ? "Windows" : "Fargate") +
                         " nodes, where the EKS VPC CNI agent enforces no network policy"});
    }
    if (w.pod.host_network && selected) {
      out.push_back({PolicyWarningCode::HostNetworkSelected, w.where,
                     w.id + " uses the host network; policies selecting it are not enforced on it"});
    }
  }
  return out;
}

}  // namespace eksim::reach
