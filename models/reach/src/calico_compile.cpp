#include "eksim/reach/calico_compile.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <utility>

namespace eksim::reach {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Calico's fixed orders of the ANP and BANP tiers (docs.tigera.io, "Get
// started with policy tiers").
constexpr double kCalicoAdminTierOrder = 1000;
constexpr double kCalicoBaselineTierOrder = 10000000;

// What the matchers read besides the engine's EndpointFacts, shared by every
// matcher of one compilation.
struct Context {
  std::vector<std::string> namespace_names;
  std::vector<k8s::Labels> namespace_labels;                    // as imported, for pcns.* and namespace selectors
  std::unordered_map<std::string, k8s::Labels> account_labels;  // "ns/name" -> labels

  const k8s::Labels& account(std::uint32_t ns, std::string_view name) const {
    static const k8s::Labels kNone;
    auto it = account_labels.find(namespace_names[ns] + '/' + std::string(name));
    return it == account_labels.end() ? kNone : it->second;
  }
  k8s::Labels endpoint(const EndpointFacts& f) const {
    const std::string account_name(f.service_account);
    return calico_endpoint_labels(*f.pod_labels, namespace_names[f.namespace_index],
                                  namespace_labels[f.namespace_index], account_name,
                                  account(f.namespace_index, f.service_account));
  }
  // A namespaceSelector sees the namespace's labels and its name as projectcalico.org/name.
  k8s::Labels namespace_view(std::uint32_t ns) const {
    k8s::Labels l = namespace_labels[ns];
    l["projectcalico.org/name"] = namespace_names[ns];
    return l;
  }
  // A serviceAccounts selector sees the account's labels and its name as projectcalico.org/name.
  k8s::Labels account_view(std::uint32_t ns, std::string_view name) const {
    k8s::Labels l = account(ns, name);
    l["projectcalico.org/name"] = std::string(name);
    return l;
  }
};
using ContextPtr = std::shared_ptr<const Context>;
using Test = std::function<bool(const EndpointFacts&)>;

// One conjunct of a predicate: its cache key and its test.
struct Term {
  std::string key;
  Test test;
};

Term endpoint_term(const ContextPtr& ctx, const k8s::CalicoSelector& sel) {
  return {"ep{" + sel.to_string() + '}', [ctx, sel](const EndpointFacts& f) { return sel.matches(ctx->endpoint(f)); }};
}

Term namespace_term(const ContextPtr& ctx, const k8s::CalicoSelector& sel) {
  return {"ns{" + sel.to_string() + '}',
          [ctx, sel](const EndpointFacts& f) { return sel.matches(ctx->namespace_view(f.namespace_index)); }};
}

Term account_term(const ContextPtr& ctx, const k8s::CalicoServiceAccountMatch& m) {
  std::vector<std::string> names = m.names;
  std::sort(names.begin(), names.end());
  std::string key = "sa{";
  for (const auto& n : names) key += n + ',';
  if (m.selector) key += '|' + m.selector->to_string();
  key += '}';
  return {key, [ctx, names, sel = m.selector](const EndpointFacts& f) {
            if (!names.empty() && !std::binary_search(names.begin(), names.end(), std::string(f.service_account))) {
              return false;
            }
            return !sel || sel->matches(ctx->account_view(f.namespace_index, f.service_account));
          }};
}

Term negated(Term t) {
  return {"!" + t.key, [test = std::move(t.test)](const EndpointFacts& f) { return !test(f); }};
}

// The conjunction of `terms` as one custom matcher (none: no custom part).
std::optional<CustomMatcher> conjunction(std::vector<Term> terms) {
  if (terms.empty()) return std::nullopt;
  if (terms.size() == 1) return CustomMatcher{"calico:" + terms[0].key, std::move(terms[0].test)};
  std::string key = "calico:";
  std::vector<Test> tests;
  for (Term& t : terms) {
    key += t.key + '&';
    tests.push_back(std::move(t.test));
  }
  return CustomMatcher{key, [tests = std::move(tests)](const EndpointFacts& f) {
                         return std::all_of(tests.begin(), tests.end(), [&](const Test& t) { return t(f); });
                       }};
}

RuleAction action_of(k8s::CalicoAction a) {
  switch (a) {
    case k8s::CalicoAction::Allow:
      return RuleAction::Allow;
    case k8s::CalicoAction::Deny:
      return RuleAction::Deny;
    case k8s::CalicoAction::Pass:
      return RuleAction::Pass;
    case k8s::CalicoAction::Log:
      return RuleAction::Log;
  }
  return RuleAction::Deny;
}

Peer nothing(std::string note) {
  Peer p;
  p.nothing = true;
  p.note = std::move(note);
  return p;
}

std::optional<std::vector<AddressBlock>> ipv4_blocks(const std::vector<k8s::IpCidr>& cidrs) {
  std::vector<AddressBlock> out;
  for (const auto& c : cidrs) {
    if (!c.ipv6) out.push_back(AddressBlock{c.ipv4, {}});
  }
  if (out.empty()) return std::nullopt;
  return out;
}

class Compiler {
 public:
  Compiler(const k8s::ManifestSet& set, PolicyProgram& program) : set_(set), program_(program) {
    auto ctx = std::make_shared<Context>();
    for (const auto& ns : set.namespaces) {
      ctx->namespace_names.push_back(ns.name);
      ctx->namespace_labels.push_back(ns.labels);
    }
    for (const auto& sa : set.service_accounts) ctx->account_labels[sa.namespace_name + '/' + sa.name] = sa.labels;
    ctx_ = std::move(ctx);
  }

  std::vector<PolicyWarning> run() {
    map_tiers();
    for (std::uint32_t t : set_.calico_tier_order()) {
      for (std::uint32_t p : set_.calico_policies_in_tier(t)) compile(set_.calico_policies[p], tier_of_[t]);
    }
    return std::move(warnings_);
  }

 private:
  void warn(const scenario::SourceLocation& where, std::string message) {
    warnings_.push_back({PolicyWarningCode::CalicoNotModelled, where, std::move(message)});
  }

  void map_tiers() {
    for (const k8s::CalicoTier& t : set_.calico_tiers) {
      const RuleAction end = t.default_action == k8s::CalicoAction::Pass ? RuleAction::Pass : RuleAction::Deny;
      const double order = t.order.value_or(kInfinity);
      std::uint32_t index = 0;
      if (t.name == k8s::kCalicoDefaultTier) {
        index = program_.default_tier();
        program_.configure_tier(index, t.order.value_or(k8s::kCalicoDefaultTierOrder), end);
      } else if (t.name == PolicyProgram::kAdminTier || t.name == "kube-admin") {
        index = program_.admin_tier();  // Calico policies may live in the ANP tier too
      } else if (t.name == PolicyProgram::kBaselineTier || t.name == "kube-baseline") {
        index = program_.baseline_tier();
      } else {
        index = program_.add_tier(Tier{t.name, TierKind::Calico, order, end});
        // Only where it changes an outcome: an ANP or BANP is there to be overtaken.
        const bool before_admin = order < kCalicoAdminTierOrder && !set_.admin_network_policies.empty();
        const bool after_baseline = order > kCalicoBaselineTierOrder && set_.baseline_admin_network_policy;
        if (before_admin || after_baseline) {
          std::ostringstream text;
          text << "Tier " << t.name << " (order ";
          if (t.order) {
            text << *t.order;
          } else {
            text << "unset";
          }
          text << "): Calico evaluates it "
               << (before_admin ? "before the AdminNetworkPolicy tier (order 1000)"
                                : "after the BaselineAdminNetworkPolicy tier (order 10000000)")
               << "; evaluated here after the first and before the second";
          warn(t.where, text.str());
        }
      }
      tier_of_.push_back(index);
    }
  }

  // The pods the policy itself selects (without per-rule subject constraints).
  PodPredicate policy_subject(const k8s::CalicoPolicy& p) {
    PodPredicate s;
    std::vector<Term> terms;
    if (!p.global) {
      s.namespace_index = p.namespace_index;
    } else if (p.namespace_selector && !p.namespace_selector->selects_all()) {
      terms.push_back(namespace_term(ctx_, *p.namespace_selector));
    }
    if (!p.selector.selects_all()) terms.push_back(endpoint_term(ctx_, p.selector));
    if (p.service_account_selector && !p.service_account_selector->selects_all()) {
      terms.push_back(account_term(ctx_, k8s::CalicoServiceAccountMatch{{}, p.service_account_selector}));
    }
    s.custom = conjunction(std::move(terms));
    return s;
  }

  // The peer entity of a rule: the source of an ingress rule, the
  // destination of an egress one. nullopt: every pod and address.
  std::optional<Peer> peer_of(const k8s::CalicoPolicy& p, const k8s::CalicoEntityRule& e, const std::string& label) {
    if (e.services) return service_peer(p, *e.services, label);
    const bool endpoints = e.restricts_endpoints();
    if (!endpoints && e.nets.empty() && e.not_nets.empty()) return std::nullopt;
    Peer peer;
    if (endpoints) {
      if (e.namespace_selector && e.namespace_selector->uses_global()) {
        // global() selects non-namespaced endpoints only: no pod.
        return nothing("namespaceSelector global(): host endpoints and global network sets are not modelled");
      }
      // Calico's namespace scope: the namespaceSelector, else the policy's
      // namespace (a namespaced policy), else none (a global one).
      const bool scoped = e.namespace_selector || !p.global;
      if (e.selector || e.service_accounts || scoped) {
        PodPredicate pods;
        std::vector<Term> terms;
        if (e.namespace_selector) {
          if (!e.namespace_selector->selects_all()) terms.push_back(namespace_term(ctx_, *e.namespace_selector));
        } else if (!p.global) {
          pods.namespace_index = p.namespace_index;
        }
        if (e.selector && !e.selector->selects_all()) terms.push_back(endpoint_term(ctx_, *e.selector));
        if (e.service_accounts) terms.push_back(account_term(ctx_, *e.service_accounts));
        pods.custom = conjunction(std::move(terms));
        peer.pods = std::move(pods);
      }
      if (e.not_selector) {
        PodPredicate not_pods;
        not_pods.custom = conjunction({endpoint_term(ctx_, *e.not_selector)});
        peer.not_pods = std::move(not_pods);
      }
    }
    if (!e.nets.empty()) {
      peer.blocks = ipv4_blocks(e.nets);
      if (!peer.blocks) {
        warn(e.where, label + ": nets are all IPv6; this cluster's addresses are IPv4, so the rule matches nothing");
        return nothing("IPv6 nets in an IPv4 cluster");
      }
    }
    if (!e.not_nets.empty()) peer.not_blocks = ipv4_blocks(e.not_nets);
    if (peer.not_blocks && peer.not_blocks->empty()) peer.not_blocks.reset();
    return peer;
  }

  // `services`: the Service's endpoints, i.e. the pods its selector picks in its namespace.
  Peer service_peer(const k8s::CalicoPolicy& p, const k8s::CalicoServiceMatch& m, const std::string& label) {
    const std::string ns = m.namespace_name.empty() ? p.namespace_name : m.namespace_name;
    const k8s::Service* svc = find_service(ns, m.name);
    if (svc == nullptr || !svc->has_selector()) {
      warn(p.where, label + ": Service " + ns + '/' + m.name +
                        (svc == nullptr ? " is not in the manifests" : " has no selector (endpoints by hand)") +
                        "; the rule matches nothing");
      return nothing("Service without modelled endpoints");
    }
    PodPredicate pods;
    pods.namespace_index = svc->namespace_index;
    const k8s::Labels selector = svc->selector;
    pods.custom = CustomMatcher{"calico:svc{" + svc->id + '}', [selector](const EndpointFacts& f) {
                                  return std::all_of(selector.begin(), selector.end(), [&](const auto& kv) {
                                    auto it = f.pod_labels->find(kv.first);
                                    return it != f.pod_labels->end() && it->second == kv.second;
                                  });
                                }};
    return Peer::of_pods(std::move(pods));
  }

  const k8s::Service* find_service(const std::string& ns, const std::string& name) const {
    for (const auto& s : set_.services) {
      if (s.namespace_name == ns && s.name == name) return &s;
    }
    return nullptr;
  }

  // The constraint a rule puts on the policed pod; nullopt: none. Sets
  // `unsupported` when the constraint cannot be expressed over pod facts.
  std::optional<Term> subject_of(const k8s::CalicoEntityRule& e, std::string& unsupported) {
    if (!e.nets.empty() || !e.not_nets.empty()) unsupported = "nets on the policed pod's side";
    if (e.services) unsupported = "services on the policed pod's side";
    if (!e.restricts_endpoints()) return std::nullopt;
    if (e.namespace_selector && e.namespace_selector->uses_global()) {
      unsupported = "namespaceSelector global() on the policed pod's side";
      return std::nullopt;
    }
    // The policed pod is in the policy's scope already; a namespaced policy's
    // implicit namespace limit adds nothing.
    std::vector<Term> terms;
    if (e.namespace_selector && !e.namespace_selector->selects_all())
      terms.push_back(namespace_term(ctx_, *e.namespace_selector));
    if (e.selector && !e.selector->selects_all()) terms.push_back(endpoint_term(ctx_, *e.selector));
    if (e.service_accounts) terms.push_back(account_term(ctx_, *e.service_accounts));
    if (e.not_selector) terms.push_back(negated(endpoint_term(ctx_, *e.not_selector)));
    auto m = conjunction(std::move(terms));
    if (!m) return std::nullopt;
    return Term{m->key, std::move(m->matches)};
  }

  // Destination ports and protocols. Returns false when the rule can match no
  // TCP, UDP or SCTP connection (ICMP, another protocol, IPv6 only).
  static bool ports_of(const k8s::CalicoRule& r, CompiledRule& c, std::string& why) {
    std::vector<std::pair<std::uint8_t, k8s::Protocol>> protocols = {
        {6, k8s::Protocol::Tcp}, {17, k8s::Protocol::Udp}, {132, k8s::Protocol::Sctp}};
    if (r.protocol) {
      std::erase_if(protocols, [&](const auto& p) { return p.first != r.protocol->number; });
      why = "protocol " + r.protocol->text;
    }
    if (r.not_protocol) std::erase_if(protocols, [&](const auto& p) { return p.first == r.not_protocol->number; });
    if (r.icmp) {
      protocols.clear();
      why = "an icmp match";
    }
    if (r.ip_version && *r.ip_version == 6) {
      protocols.clear();
      why = "ipVersion 6";
    }
    if (protocols.empty()) {
      if (why.empty()) why = "notProtocol " + r.not_protocol->text;
      return false;
    }
    const auto& d = r.destination;
    auto add = [&](std::vector<PortMatch>& out, const k8s::CalicoPort& port) {
      for (const auto& [number, protocol] : protocols) {
        PortMatch m;
        m.protocol = protocol;
        if (port.is_named()) {
          m.kind = PortMatch::Kind::Named;
          m.name = port.name;
        } else {
          m.first = port.first;
          m.last = port.last;
        }
        out.push_back(m);
      }
    };
    c.all_ports = protocols.size() == 3 && d.ports.empty();
    if (!c.all_ports && d.ports.empty()) {
      for (const auto& [number, protocol] : protocols)
        c.ports.push_back(PortMatch{PortMatch::Kind::Range, protocol, false, 1, 65535, ""});
    }
    for (const auto& p : d.ports) add(c.ports, p);
    for (const auto& p : d.not_ports) add(c.not_ports, p);
    return true;
  }

  struct PendingRule {
    CompiledRule rule;
    std::optional<std::size_t> constraint;  // index into the policy's subject constraints
  };

  void compile(const k8s::CalicoPolicy& p, std::uint32_t tier) {
    const std::string kind(p.kind());
    const std::string name = p.global ? p.name : p.id;
    const std::string label = kind + ' ' + name;
    if (p.do_not_track || p.pre_dnat) {
      warn(p.where, label + ": " + (p.do_not_track ? "doNotTrack" : "preDNAT") +
                        " policies apply to host endpoints only, which are not modelled; left out");
      return;
    }
    if (p.apply_on_forward) {
      warn(p.where, label +
                        ": applyOnForward concerns traffic forwarded through host endpoints, not modelled; "
                        "evaluated for pods only");
    }
    CompiledPolicy c;
    c.kind = p.global ? PolicyKind::CalicoGlobalNetworkPolicy : PolicyKind::CalicoNetworkPolicy;
    c.name = name;
    c.tier = tier;
    c.order = p.order.value_or(kInfinity);
    c.sort_name = p.name + '\x01' + p.namespace_name;
    if (!p.global) c.namespace_index = p.namespace_index;
    c.subject = policy_subject(p);
    c.selects_ingress = p.applies_to_ingress;
    c.selects_egress = p.applies_to_egress;
    c.where = p.where;

    std::vector<Term> constraints;
    std::vector<PendingRule> rules[2];
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      if (!c.selects(d)) continue;  // Calico ignores rules of a direction the policy does not apply to
      const auto& written = d == Direction::Ingress ? p.ingress : p.egress;
      for (const k8s::CalicoRule& r : written) {
        RuleOrigin origin{c.kind,       name,    program_.tiers()[tier].name,
                          std::nullopt, d,       static_cast<std::uint32_t>(r.index),
                          "",           r.where, p.order};
        const std::string rule_label = label + ", " + origin.rule_label();
        PendingRule pending;
        CompiledRule& cr = pending.rule;
        cr.action = action_of(r.action);
        cr.origin = origin;
        if (r.http)
          warn(r.where, rule_label +
                            ": HTTP match needs Calico's application layer policy; evaluated on "
                            "its layer-4 fields only");
        const k8s::CalicoEntityRule& peer_side = d == Direction::Ingress ? r.source : r.destination;
        const k8s::CalicoEntityRule& subject_side = d == Direction::Ingress ? r.destination : r.source;
        std::string never;  // why the rule can match no connection
        std::string protocol_why;
        if (!ports_of(r, cr, protocol_why)) never = protocol_why + ": no TCP, UDP or SCTP connection";
        if (!r.source.ports.empty()) {
          warn(r.where, rule_label +
                            ": source ports (the client's ephemeral port) are not modelled; the rule "
                            "matches nothing");
          never = "source ports";
        } else if (!r.source.not_ports.empty()) {
          warn(r.where, rule_label + ": source notPorts (the client's ephemeral port) are not modelled; ignored");
        }
        std::string unsupported;
        auto subject = subject_of(subject_side, unsupported);
        if (!unsupported.empty()) {
          warn(r.where, rule_label + ": " + unsupported + " is not modelled; the rule matches nothing");
          never = unsupported;
        }
        if (subject && never.empty()) {
          auto it = std::find_if(constraints.begin(), constraints.end(),
                                 [&](const Term& t) { return t.key == subject->key; });
          if (it == constraints.end() && constraints.size() == kMaxSubjectConstraints) {
            warn(r.where, rule_label + ": more than " + std::to_string(kMaxSubjectConstraints) +
                              " distinct selectors on the policed pod's side in one policy; the rule matches nothing");
            never = "too many subject constraints";
          } else {
            pending.constraint = static_cast<std::size_t>(std::distance(constraints.begin(), it));
            if (it == constraints.end()) constraints.push_back(std::move(*subject));
          }
        }
        if (never.empty()) {
          auto peer = peer_of(p, peer_side, rule_label);
          cr.all_peers = !peer;
          if (peer) cr.peers.push_back(std::move(*peer));
          // A destination Service also restricts ports to its own, unless the rule names ports.
          if (d == Direction::Egress && r.destination.services && r.destination.ports.empty() && cr.all_ports) {
            service_ports(p, *r.destination.services, cr);
          }
        } else {
          cr.all_peers = false;
          cr.peers.push_back(nothing(never));
        }
        rules[static_cast<int>(d)].push_back(std::move(pending));
      }
    }

    // One variant per combination of the subject constraints (a single
    // variant, the policy as written, when there are none).
    const std::size_t variants = std::size_t{1} << constraints.size();
    for (std::size_t mask = 0; mask < variants; ++mask) {
      CompiledPolicy v = c;
      if (!constraints.empty()) {
        std::vector<Term> terms;
        if (v.subject.custom) terms.push_back(Term{v.subject.custom->key, v.subject.custom->matches});
        for (std::size_t j = 0; j < constraints.size(); ++j) {
          terms.push_back((mask >> j) & 1U ? constraints[j] : negated(constraints[j]));
        }
        v.subject.custom = conjunction(std::move(terms));
      }
      for (Direction d : {Direction::Ingress, Direction::Egress}) {
        auto& out = d == Direction::Ingress ? v.ingress : v.egress;
        for (const PendingRule& pr : rules[static_cast<int>(d)]) {
          if (pr.constraint && ((mask >> *pr.constraint) & 1U) == 0) continue;
          out.push_back(pr.rule);
        }
      }
      program_.add_policy(std::move(v));
    }
  }

  void service_ports(const k8s::CalicoPolicy& p, const k8s::CalicoServiceMatch& m, CompiledRule& cr) const {
    const k8s::Service* svc = find_service(m.namespace_name.empty() ? p.namespace_name : m.namespace_name, m.name);
    if (svc == nullptr || !svc->has_selector()) return;
    cr.all_ports = false;
    for (const auto& sp : svc->ports) {
      PortMatch pm;
      pm.protocol = sp.protocol;
      if (sp.target_port.is_named()) {
        pm.kind = PortMatch::Kind::Named;
        pm.name = sp.target_port.name;
      } else {
        pm.first = pm.last = sp.target_port.number != 0 ? sp.target_port.number : sp.port;
      }
      cr.ports.push_back(pm);
    }
  }

  const k8s::ManifestSet& set_;
  PolicyProgram& program_;
  ContextPtr ctx_;
  std::vector<std::uint32_t> tier_of_;  // per ManifestSet tier: the program's tier
  std::vector<PolicyWarning> warnings_;
};

}  // namespace

k8s::Labels calico_endpoint_labels(const k8s::Labels& pod_labels, const std::string& namespace_name,
                                   const k8s::Labels& namespace_labels, const std::string& service_account,
                                   const k8s::Labels& service_account_labels) {
  k8s::Labels l = pod_labels;
  for (const auto& [k, v] : namespace_labels) l["pcns." + k] = v;
  for (const auto& [k, v] : service_account_labels) l["pcsa." + k] = v;
  // Calico's own labels win over anything a pod writes under the same key.
  l["projectcalico.org/namespace"] = namespace_name;
  l["projectcalico.org/orchestrator"] = "k8s";
  l["projectcalico.org/serviceaccount"] = service_account;
  return l;
}

std::vector<PolicyWarning> add_calico_policies(const k8s::ManifestSet& set, PolicyProgram& program) {
  return Compiler(set, program).run();
}

}  // namespace eksim::reach
