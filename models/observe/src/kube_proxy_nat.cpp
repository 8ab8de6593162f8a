#include "eksim/observe/kube_proxy_nat.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "eksim/util/digest.hpp"

namespace eksim::observe {
namespace {

std::string lower_protocol(k8s::Protocol p) {
  std::string text(k8s::to_string(p));
  for (char& c : text) c = static_cast<char>(c - 'A' + 'a');
  return text;
}

std::string endpoint_text(const NatEndpoint& e) { return e.address.to_string() + ":" + std::to_string(e.port); }

// iptables-save quotes every comment.
std::string comment(const std::string& text) { return "-m comment --comment \"" + text + "\""; }

// The rules of each chain in order; std::map keeps user chains sorted, as
// iptables-save lists them.
class NatTable {
 public:
  void add(const std::string& chain, const std::string& rule) { rules_[chain].push_back("-A " + chain + " " + rule); }
  void declare(const std::string& chain) { rules_[chain]; }

  [[nodiscard]] std::string save(const std::vector<std::string>& notes) const {
    static const std::vector<std::string> kBuiltin{"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"};
    std::string out = "# iptables-save -t nat, as kube-proxy (iptables mode) and the VPC CNI program it (eksim)\n";
    for (const auto& n : notes) out += "# " + n + "\n";
    out += "*nat\n";
    for (const auto& b : kBuiltin) out += ":" + b + " ACCEPT [0:0]\n";
    for (const auto& [chain, rules] : rules_) {
      if (!builtin(chain)) out += ":" + chain + " - [0:0]\n";
    }
    for (const auto& b : kBuiltin) {
      if (const auto it = rules_.find(b); it != rules_.end()) {
        for (const auto& r : it->second) out += r + "\n";
      }
    }
    for (const auto& [chain, rules] : rules_) {
      if (builtin(chain)) continue;
      for (const auto& r : rules) out += r + "\n";
    }
    out += "COMMIT\n";
    return out;
  }

 private:
  static bool builtin(const std::string& c) {
    return c == "PREROUTING" || c == "INPUT" || c == "OUTPUT" || c == "POSTROUTING";
  }
  std::map<std::string, std::vector<std::string>> rules_;
};

void write_service_to_endpoints(NatTable& t, const std::string& chain, const std::string& name,
                                const std::string& proto, const NatServicePort& sp,
                                const std::vector<const NatEndpoint*>& endpoints) {
  t.declare(chain);
  if (sp.client_ip_affinity) {
    for (const NatEndpoint* e : endpoints) {
      const std::string sep = endpoint_chain(name, proto, endpoint_text(*e));
      t.add(chain, comment(name + " -> " + endpoint_text(*e)) + " -m recent --rcheck --seconds " +
                       std::to_string(sp.affinity_seconds) + " --reap --name " + sep +
                       " --mask 255.255.255.255 --rsource -j " + sep);
    }
  }
  const int n = static_cast<int>(endpoints.size());
  for (int i = 0; i < n; ++i) {
    const NatEndpoint& e = *endpoints[static_cast<std::size_t>(i)];
    std::string rule = comment(name + " -> " + endpoint_text(e));
    if (i < n - 1) rule += " -m statistic --mode random --probability " + statistic_probability(n - i);
    t.add(chain, rule + " -j " + endpoint_chain(name, proto, endpoint_text(e)));
  }
}

}  // namespace

std::string service_port_name(const NatServicePort& port) {
  return port.service + (port.port_name.empty() ? "" : ":" + port.port_name);
}

std::string port_proto_hash(std::string_view service_port_name, std::string_view protocol) {
  std::string text(service_port_name);
  text += protocol;
  return util::base32(util::sha256(text)).substr(0, 16);
}

std::string service_chain(std::string_view n, std::string_view p) { return "KUBE-SVC-" + port_proto_hash(n, p); }
std::string local_service_chain(std::string_view n, std::string_view p) { return "KUBE-SVL-" + port_proto_hash(n, p); }
std::string external_chain(std::string_view n, std::string_view p) { return "KUBE-EXT-" + port_proto_hash(n, p); }

std::string endpoint_chain(std::string_view n, std::string_view p, std::string_view endpoint) {
  std::string text(n);
  text += p;
  text += endpoint;
  return "KUBE-SEP-" + util::base32(util::sha256(text)).substr(0, 16);
}

std::string statistic_probability(int remaining) {
  char written[32];
  std::snprintf(written, sizeof written, "%0.10f", 1.0 / remaining);
  // libxt_statistic: probability = lround(0x80000000 * p), printed as value / 0x80000000 with %.11f.
  const long fixed = std::lround(2147483648.0 * std::strtod(written, nullptr));
  char saved[32];
  std::snprintf(saved, sizeof saved, "%.11f", static_cast<double>(fixed) / 2147483648.0);
  return saved;
}

std::string iptables_save_nat(const std::vector<NatServicePort>& ports, const CniSnat& snat) {
  NatTable t;
  std::vector<std::string> notes;
  // Jumps kube-proxy ensures from the built-in chains (iptablesJumpChains).
  t.add("PREROUTING", comment("kubernetes service portals") + " -j KUBE-SERVICES");
  t.add("OUTPUT", comment("kubernetes service portals") + " -j KUBE-SERVICES");
  t.add("POSTROUTING", comment("kubernetes postrouting rules") + " -j KUBE-POSTROUTING");
  t.add("KUBE-POSTROUTING", "-m mark ! --mark 0x4000/0x4000 -j RETURN");
  t.add("KUBE-POSTROUTING", "-j MARK --set-xmark 0x4000/0x0");
  t.add("KUBE-POSTROUTING", comment("kubernetes service traffic requiring SNAT") + " -j MASQUERADE --random-fully");
  t.add("KUBE-MARK-MASQ", "-j MARK --set-xmark 0x4000/0x4000");
  t.declare("KUBE-NODEPORTS");
  t.declare("KUBE-SERVICES");

  for (const NatServicePort& sp : ports) {
    const std::string name = service_port_name(sp);
    const std::string proto = lower_protocol(sp.protocol);
    std::vector<const NatEndpoint*> all;
    for (const auto& e : sp.endpoints) all.push_back(&e);
    std::sort(all.begin(), all.end(),
              [](const NatEndpoint* a, const NatEndpoint* b) { return endpoint_text(*a) < endpoint_text(*b); });
    std::vector<const NatEndpoint*> local;
    for (const NatEndpoint* e : all) {
      if (e->on_this_node) local.push_back(e);
    }
    if (all.empty()) {
      notes.push_back(name + " has no endpoints: kube-proxy rejects its traffic in the filter table");
      continue;
    }
    const std::string svc = service_chain(name, proto);
    const std::string svl = local_service_chain(name, proto);
    const std::string ext = external_chain(name, proto);
    const bool uses_local = (sp.internal_policy_local || (sp.node_port != 0 && sp.external_policy_local)) && !local.empty();
    // KUBE-SVC- serves ClusterIP traffic under the Cluster policy and every
    // NodePort (the Local policy still routes the node's own traffic there).
    const bool uses_cluster = !sp.internal_policy_local || sp.node_port != 0;
    const std::string match = "-p " + proto + " " + comment(name + " cluster IP") + " -m " + proto + " --dport " +
                              std::to_string(sp.port);
    if (!sp.internal_policy_local || !local.empty()) {
      t.add("KUBE-SERVICES", "-d " + sp.cluster_ip.to_string() + "/32 " + match + " -j " +
                                 (sp.internal_policy_local ? svl : svc));
    } else {
      notes.push_back(name + " has no local endpoints: kube-proxy drops its ClusterIP traffic in the filter table");
    }
    if (sp.node_port != 0) {
      t.add("KUBE-NODEPORTS", "-p " + proto + " " + comment(name) + " -m " + proto + " --dport " +
                                  std::to_string(sp.node_port) + " -j " + ext);
      if (!sp.external_policy_local) {
        t.add(ext, comment("masquerade traffic for " + name + " external destinations") + " -j KUBE-MARK-MASQ");
        t.add(ext, "-j " + svc);
      } else {
        t.add(ext, comment("masquerade LOCAL traffic for " + name + " external destinations") +
                       " -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ");
        t.add(ext, comment("route LOCAL traffic for " + name + " external destinations") +
                       " -m addrtype --src-type LOCAL -j " + svc);
        if (!local.empty()) t.add(ext, "-j " + svl);
      }
    }
    if (uses_cluster) write_service_to_endpoints(t, svc, name, proto, sp, all);
    if (uses_local) write_service_to_endpoints(t, svl, name, proto, sp, local);
    // Endpoint chains: every endpoint this node can send to.
    const auto& reachable = uses_cluster ? all : local;
    for (const NatEndpoint* e : reachable) {
      const std::string sep = endpoint_chain(name, proto, endpoint_text(*e));
      t.add(sep, "-s " + e->address.to_string() + "/32 " + comment(name) + " -j KUBE-MARK-MASQ");
      t.add(sep, "-p " + proto + " " + comment(name) +
                     (sp.client_ip_affinity ? " -m recent --set --name " + sep + " --mask 255.255.255.255 --rsource"
                                            : std::string()) +
                     " -m " + proto + " -j DNAT --to-destination " + endpoint_text(*e));
    }
  }
  t.add("KUBE-SERVICES", comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain") +
                             " -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS");

  if (snat.enabled && !snat.vpc_cidrs.empty()) {
    // The VPC CNI's chains: one link per VPC block, each skipping traffic to
    // that block, then SNAT to the node's primary address.
    t.add("POSTROUTING", comment("AWS SNAT CHAIN") + " -j AWS-SNAT-CHAIN-0");
    t.add("PREROUTING", "-i eni+ " + comment("AWS, outbound connections") + " -m state --state NEW -j AWS-CONNMARK-CHAIN-0");
    t.add("PREROUTING", comment("AWS, CONNMARK") + " -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80");
    const std::size_t n = snat.vpc_cidrs.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::string next = std::to_string(i + 1);
      t.add("AWS-SNAT-CHAIN-" + std::to_string(i), "! -d " + snat.vpc_cidrs[i].to_string() + " " +
                                                       comment("AWS SNAT CHAIN") + " -j AWS-SNAT-CHAIN-" + next);
      t.add("AWS-CONNMARK-CHAIN-" + std::to_string(i), "! -d " + snat.vpc_cidrs[i].to_string() + " " +
                                                           comment("AWS CONNMARK CHAIN, VPC CIDR") +
                                                           " -j AWS-CONNMARK-CHAIN-" + next);
    }
    t.add("AWS-SNAT-CHAIN-" + std::to_string(n), "! -o vlan+ " + comment("AWS, SNAT") +
                                                     " -m addrtype ! --dst-type LOCAL -j SNAT --to-source " +
                                                     snat.node_address.to_string() + " --random-fully");
    t.add("AWS-CONNMARK-CHAIN-" + std::to_string(n), comment("AWS, CONNMARK") + " -j CONNMARK --set-xmark 0x80/0x80");
  }
  return t.save(notes);
}

}  // namespace eksim::observe
