// Classes, peer sets, behaviour groups, matrix queries and updates. The
// single-connection walk with its explanation is in policy_decide.cpp.
#include "eksim/reach/policy_engine.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "eksim/reach/policy_compile.hpp"

namespace eksim::reach {
namespace {

constexpr std::uint64_t kAddressSpaceEnd = std::uint64_t{1} << 32;

std::string ports_key(const std::vector<k8s::ContainerPort>& ports) {
  std::string k;
  for (const auto& p : ports) {
    k += p.name + ':' + std::to_string(p.container_port) + '/' + std::string(k8s::to_string(p.protocol)) + ';';
  }
  return k;
}

template <typename T>
std::uint32_t intern(std::vector<T>& values, std::unordered_map<std::string, std::uint32_t>& index,
                     const std::string& key, const T& value) {
  auto [it, inserted] = index.try_emplace(key, static_cast<std::uint32_t>(values.size()));
  if (inserted) values.push_back(value);
  return it->second;
}

// Splits every atom into its part inside `by` and its part outside.
void split(std::vector<ClassBitset>& atoms, const ClassBitset& by) {
  std::vector<ClassBitset> out;
  out.reserve(atoms.size() * 2);
  for (ClassBitset& a : atoms) {
    ClassBitset in = a;
    in &= by;
    if (in.none()) {
      out.push_back(std::move(a));
      continue;
    }
    a.subtract(by);
    out.push_back(std::move(in));
    if (!a.none()) out.push_back(std::move(a));
  }
  atoms = std::move(out);
}

}  // namespace

PolicyEngine::PolicyEngine(const k8s::ManifestSet& set, ClusterPods pods, PolicySettings settings)
    : PolicyEngine(set, std::move(pods), compile_policies(set), settings) {}

PolicyEngine::PolicyEngine(const k8s::ManifestSet& set, ClusterPods pods, PolicyProgram program,
                           PolicySettings settings)
    : settings_(settings), pods_(std::move(pods)), program_(std::move(program)) {
  for (const k8s::Namespace& ns : set.namespaces) {
    namespace_labels_.push_back(ns.labels);
    namespace_names_.push_back(ns.name);
  }
  for (std::uint32_t p = 0; p < program_.policies().size(); ++p) {
    const CompiledPolicy& c = program_.policies()[p];
    if (c.kind == PolicyKind::NetworkPolicy) network_policy_index_[c.name] = p;
  }
  build();
}

// --- classes

void PolicyEngine::intern_blocks(const CompiledPolicy& policy) {
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    for (const CompiledRule& r : policy.rules(d)) {
      for (const Peer& peer : r.peers) {
        for (const auto* list : {&peer.blocks, &peer.not_blocks}) {
          if (!*list) continue;
          for (const AddressBlock& b : **list) intern(blocks_, block_index_, b.key(), b);
        }
      }
    }
  }
}

void PolicyEngine::build_classes() {
  blocks_.clear();
  block_index_.clear();
  for (std::uint32_t p = 0; p < program_.policies().size(); ++p) {
    if (!program_.retired(p)) intern_blocks(program_.policies()[p]);
  }
  // Cut the address space at every block boundary: inside a cell, every
  // address is in the same blocks.
  std::vector<std::uint64_t> cuts{0};
  for (const AddressBlock& b : blocks_) b.add_cut_points(cuts);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  if (cuts.back() == kAddressSpaceEnd) cuts.pop_back();
  cell_starts_ = cuts;
  signatures_.clear();
  std::map<std::vector<bool>, std::uint32_t> signature_index;
  cell_signature_.clear();
  for (std::uint64_t start : cell_starts_) {
    std::vector<bool> sig(blocks_.size());
    const net::Ipv4Address a(static_cast<std::uint32_t>(start));
    for (std::size_t j = 0; j < blocks_.size(); ++j) sig[j] = blocks_[j].contains(a);
    auto [it, inserted] = signature_index.try_emplace(sig, static_cast<std::uint32_t>(signatures_.size()));
    if (inserted) signatures_.push_back(sig);
    cell_signature_.push_back(it->second);
  }

  label_sets_.clear();
  port_lists_.assign(1, {});
  service_accounts_.clear();
  std::unordered_map<std::string, std::uint32_t> label_index;
  std::unordered_map<std::string, std::uint32_t> port_index{{"", 0}};
  std::unordered_map<std::string, std::uint32_t> account_index;
  std::unordered_map<std::string, std::uint32_t> profile_key_index;
  std::vector<std::uint32_t> profile_key(pods_.profiles.size());
  std::vector<EndpointClass> profile_proto;
  for (std::size_t i = 0; i < pods_.profiles.size(); ++i) {
    const PodProfile& p = pods_.profiles[i];
    if (p.namespace_index >= namespace_labels_.size()) {
      throw std::invalid_argument("pod profile in namespace " + std::to_string(p.namespace_index) +
                                  ", which the manifest set does not have");
    }
    EndpointClass c;
    c.namespace_index = p.namespace_index;
    c.labels = intern(label_sets_, label_index, k8s::format_labels(p.labels), p.labels);
    c.ports = intern(port_lists_, port_index, ports_key(p.ports), p.ports);
    c.service_account = intern(service_accounts_, account_index, p.service_account, p.service_account);
    c.host_network = p.host_network;
    const std::string key = std::to_string(c.namespace_index) + '|' + std::to_string(c.labels) + '|' +
                            std::to_string(c.ports) + '|' + std::to_string(c.service_account) + '|' +
                            (c.host_network ? '1' : '0');
    auto [it, inserted] = profile_key_index.try_emplace(key, static_cast<std::uint32_t>(profile_proto.size()));
    if (inserted) profile_proto.push_back(c);
    profile_key[i] = it->second;
  }

  classes_.clear();
  classes_by_namespace_.assign(namespace_labels_.size(), {});
  pod_class_.assign(pods_.pods.size(), 0);
  pod_by_address_.clear();
  std::unordered_map<std::uint64_t, std::uint32_t> class_index;
  for (std::uint32_t i = 0; i < pods_.pods.size(); ++i) {
    const PodInstance& pod = pods_.pods[i];
    const std::uint32_t pk = profile_key.at(pod.profile);
    const EndpointClass& proto = profile_proto[pk];
    // With ipBlockMatchesPods off, blocks never see pod addresses, so the
    // position does not split pods; hostNetwork pods carry their node's
    // address, which is not a pod address, so blocks always see them.
    const bool by_address = settings_.ip_block_matches_pods || proto.host_network;
    const std::uint32_t sig = by_address ? cell_signature_[address_cell(pod.address)] : 0;
    const std::uint64_t key = (std::uint64_t{pk} << 32) | sig;
    auto [it, inserted] = class_index.try_emplace(key, static_cast<std::uint32_t>(classes_.size()));
    if (inserted) {
      EndpointClass c = proto;
      c.address_signature = sig;
      c.first_pod = i;
      classes_.push_back(c);
      classes_by_namespace_[c.namespace_index].push_back(it->second);
    }
    ++classes_[it->second].pod_count;
    pod_class_[i] = it->second;
    if (!proto.host_network) pod_by_address_.emplace(pod.address.value(), i);
  }
  pod_class_count_ = classes_.size();
  append_external_ranges(classes_);
}

// External ranges: consecutive cells with one signature make one range.
void PolicyEngine::append_external_ranges(std::vector<EndpointClass>& out) const {
  const std::size_t pod_classes = out.size();
  for (std::size_t cell = 0; cell < cell_starts_.size(); ++cell) {
    const std::uint64_t end = cell + 1 < cell_starts_.size() ? cell_starts_[cell + 1] : kAddressSpaceEnd;
    const auto last = net::Ipv4Address(static_cast<std::uint32_t>(end - 1));
    if (out.size() > pod_classes && out.back().address_signature == cell_signature_[cell]) {
      out.back().last = last;
      continue;
    }
    EndpointClass c;
    c.external = true;
    c.address_signature = cell_signature_[cell];
    c.first = net::Ipv4Address(static_cast<std::uint32_t>(cell_starts_[cell]));
    c.last = last;
    out.push_back(c);
  }
}

std::uint32_t PolicyEngine::address_cell(net::Ipv4Address a) const {
  auto it = std::upper_bound(cell_starts_.begin(), cell_starts_.end(), std::uint64_t{a.value()});
  return static_cast<std::uint32_t>(std::distance(cell_starts_.begin(), it) - 1);
}

std::uint32_t PolicyEngine::class_of_address(net::Ipv4Address address) const {
  auto pod = pod_by_address_.find(address.value());
  if (pod != pod_by_address_.end()) return pod_class_[pod->second];
  auto first_external = classes_.begin() + static_cast<std::ptrdiff_t>(pod_class_count_);
  auto it = std::upper_bound(first_external, classes_.end(), address,
                             [](net::Ipv4Address a, const EndpointClass& c) { return a < c.first; });
  return static_cast<std::uint32_t>(std::distance(classes_.begin(), it) - 1);
}

std::string PolicyEngine::class_name(std::uint32_t c) const {
  const EndpointClass& k = classes_[c];
  if (k.external) return k.first.to_string() + '-' + k.last.to_string() + "[External]";
  std::string s = pods_.pods[k.first_pod].name;
  if (k.pod_count > 1) s += " (+" + std::to_string(k.pod_count - 1) + ')';
  return s;
}

EndpointFacts PolicyEngine::facts(const EndpointClass& c) const {
  return EndpointFacts{c.namespace_index, &namespace_labels_[c.namespace_index], &label_sets_[c.labels],
                       service_accounts_[c.service_account]};
}

// --- peers and subjects

std::vector<std::uint32_t> PolicyEngine::subject_classes(const CompiledPolicy& policy) const {
  std::vector<std::uint32_t> out;
  auto visit_namespace = [&](std::uint32_t ns) {
    for (std::uint32_t c : classes_by_namespace_[ns]) {
      // hostNetwork pods are not policed by the EKS VPC CNI agent (item 13).
      if (!classes_[c].host_network && policy.subject.matches(facts(classes_[c]))) out.push_back(c);
    }
  };
  if (policy.subject.namespace_index) {
    visit_namespace(*policy.subject.namespace_index);
  } else {
    for (std::uint32_t ns = 0; ns < namespace_labels_.size(); ++ns) {
      if (!policy.subject.namespace_selector || policy.subject.namespace_selector->matches(namespace_labels_[ns])) {
        visit_namespace(ns);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

ClassBitset PolicyEngine::pod_members(const PodPredicate& pred) {
  ClassBitset m(classes_.size());
  auto visit_namespace = [&](std::uint32_t ns) {
    for (std::uint32_t c : classes_by_namespace_[ns]) {
      // A hostNetwork pod's traffic carries its node's address: pod
      // selectors do not see it, ipBlocks do (docs/reachability.md).
      if (!classes_[c].host_network && pred.matches(facts(classes_[c]))) m.set(c);
    }
  };
  if (pred.namespace_index) {
    visit_namespace(*pred.namespace_index);
  } else if (pred.namespace_selector) {
    const std::string key = pred.namespace_selector->to_string();
    auto it = namespace_selector_cache_.find(key);
    if (it == namespace_selector_cache_.end()) {
      std::vector<std::uint32_t> matching;
      for (std::uint32_t ns = 0; ns < namespace_labels_.size(); ++ns) {
        if (pred.namespace_selector->matches(namespace_labels_[ns])) matching.push_back(ns);
      }
      it = namespace_selector_cache_.emplace(key, std::move(matching)).first;
    }
    for (std::uint32_t ns : it->second) visit_namespace(ns);
  } else {
    for (std::uint32_t ns = 0; ns < namespace_labels_.size(); ++ns) visit_namespace(ns);
  }
  return m;
}

ClassBitset PolicyEngine::address_members(const std::vector<AddressBlock>& blocks) const {
  ClassBitset m(classes_.size());
  std::vector<std::uint32_t> ids;
  for (const AddressBlock& b : blocks) ids.push_back(block_index_.at(b.key()));
  for (std::uint32_t c = 0; c < classes_.size(); ++c) {
    const EndpointClass& k = classes_[c];
    // ipBlockMatchesPods off: blocks do not see pod addresses (hostNetwork
    // pods have their node's address, which blocks always see).
    if (!k.external && !k.host_network && !settings_.ip_block_matches_pods) continue;
    const std::vector<bool>& sig = signatures_[k.address_signature];
    if (std::any_of(ids.begin(), ids.end(), [&](std::uint32_t j) { return sig[j]; })) m.set(c);
  }
  return m;
}

ClassBitset PolicyEngine::peer_members(const Peer& peer) {
  ClassBitset m(classes_.size());
  if (peer.nothing) return m;
  m.set_all();
  if (peer.pods) m &= pod_members(*peer.pods);
  if (peer.not_pods) m.subtract(pod_members(*peer.not_pods));
  if (peer.blocks) m &= address_members(*peer.blocks);
  if (peer.not_blocks) m.subtract(address_members(*peer.not_blocks));
  return m;
}

std::uint32_t PolicyEngine::peer_id(const Peer& peer) {
  const std::string key = peer.key();
  auto it = peer_index_.find(key);
  if (it != peer_index_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(peers_.size());
  peers_.push_back(peer_members(peer));
  peer_index_.emplace(key, id);
  return id;
}

void PolicyEngine::register_policy(std::uint32_t policy) {
  if (policy_extra_.size() <= policy) policy_extra_.resize(policy + 1);
  PolicyExtra& extra = policy_extra_[policy];
  const CompiledPolicy& p = program_.policies()[policy];
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    std::vector<RulePeers>& out = d == Direction::Ingress ? extra.ingress : extra.egress;
    out.clear();
    for (const CompiledRule& r : p.rules(d)) {
      RulePeers rp;
      if (!r.all_peers) {
        for (const Peer& peer : r.peers) rp.peers.push_back(peer_id(peer));
      }
      auto numeric = [&](const std::vector<PortMatch>& ports) {
        ConnectionSet set;
        for (const PortMatch& m : ports) {
          if (m.kind == PortMatch::Kind::Named) {
            rp.named_ports = true;
          } else {
            set |= ConnectionSet::of(m.protocol, m.first, m.last);
          }
        }
        return set;
      };
      rp.numeric_ports = r.all_ports ? ConnectionSet::all() : numeric(r.ports);
      // Read only when no port is named; otherwise rule_ports resolves both
      // lists on the destination.
      rp.numeric_ports -= numeric(r.not_ports);
      out.push_back(std::move(rp));
    }
  }
}

void PolicyEngine::add_selecting(std::uint32_t policy) {
  const CompiledPolicy& p = program_.policies()[policy];
  for (std::uint32_t c : subject_classes(p)) {
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      if (!p.selects(d)) continue;
      auto& list = selecting_[static_cast<int>(d)][c];
      list.insert(std::upper_bound(list.begin(), list.end(), policy,
                                   [&](std::uint32_t a, std::uint32_t b) { return program_.precedes(a, b); }),
                  policy);
    }
  }
}

// --- behaviour groups

void PolicyEngine::build() {
  build_classes();
  peers_.clear();
  peer_index_.clear();
  namespace_selector_cache_.clear();
  policy_extra_.assign(program_.policies().size(), {});
  for (auto& s : selecting_) s.assign(classes_.size(), {});
  for (std::uint32_t p = 0; p < program_.policies().size(); ++p) {
    if (program_.retired(p)) continue;
    register_policy(p);
    add_selecting(p);
  }
  groups_.clear();
  group_index_.clear();
  for (auto& g : class_group_) g.assign(classes_.size(), 0);
  pool_ = ConnectionPool();
  for (std::uint32_t c = 0; c < classes_.size(); ++c) rekey(c, nullptr);
}

void PolicyEngine::rekey(std::uint32_t cls, UpdateStats* stats) {
  for (Direction d : {Direction::Ingress, Direction::Egress}) {
    const auto di = static_cast<int>(d);
    const std::vector<std::uint32_t>& policies = selecting_[di][cls];
    std::uint32_t subject_ports = 0;
    if (d == Direction::Ingress) {
      for (std::uint32_t p : policies) {
        for (const RulePeers& r : policy_extra_[p].ingress) {
          if (r.named_ports) subject_ports = classes_[cls].ports;
        }
      }
    }
    const std::size_t before = groups_.size();
    const std::uint32_t g = group_for(d, policies, subject_ports);
    if (stats != nullptr) {
      stats->groups_built += groups_.size() - before;
      if (class_group_[di][cls] != g) ++stats->classes_rekeyed;
    }
    class_group_[di][cls] = g;
  }
}

std::uint32_t PolicyEngine::group_for(Direction d, const std::vector<std::uint32_t>& policies,
                                      std::uint32_t subject_ports) {
  std::string key(1, d == Direction::Ingress ? 'I' : 'E');
  for (std::uint32_t p : policies) key += std::to_string(p) + ',';
  key += '|' + std::to_string(subject_ports);
  auto it = group_index_.find(key);
  if (it != group_index_.end()) return it->second;
  Group g;
  g.direction = d;
  g.policies = policies;
  g.subject_ports = subject_ports;
  build_atoms(g);
  const auto id = static_cast<std::uint32_t>(groups_.size());
  groups_.push_back(std::move(g));
  group_index_.emplace(std::move(key), id);
  return id;
}

void PolicyEngine::build_atoms(Group& group) {
  ClassBitset everyone(classes_.size());
  everyone.set_all();
  if (group.policies.empty()) {
    group.unpoliced = true;
    group.reachable = std::move(everyone);
    return;
  }
  std::vector<std::uint32_t> peer_ids;
  bool named = false;
  for (std::uint32_t p : group.policies) {
    const auto& rules = group.direction == Direction::Ingress ? policy_extra_[p].ingress : policy_extra_[p].egress;
    for (const RulePeers& r : rules) {
      peer_ids.insert(peer_ids.end(), r.peers.begin(), r.peers.end());
      named = named || r.named_ports;
    }
  }
  std::sort(peer_ids.begin(), peer_ids.end());
  peer_ids.erase(std::unique(peer_ids.begin(), peer_ids.end()), peer_ids.end());
  std::vector<ClassBitset> atoms{everyone};
  for (std::uint32_t id : peer_ids) split(atoms, peers_[id]);
  if (group.direction == Direction::Egress && named) {
    // Named ports resolve against each destination: split by container ports.
    std::vector<ClassBitset> by_ports;
    for (const ClassBitset& a : atoms) {
      std::map<std::uint32_t, ClassBitset> parts;
      for (std::size_t c = a.next(0); c < a.size(); c = a.next(c + 1)) {
        auto [it, inserted] = parts.try_emplace(classes_[c].ports, classes_.size());
        it->second.set(c);
      }
      for (auto& [ports, part] : parts) by_ports.push_back(std::move(part));
    }
    atoms = std::move(by_ports);
  }
  // One value per atom, then one atom per distinct value.
  std::map<ConnectionPool::Id, std::size_t> by_value;
  group.reachable = ClassBitset(classes_.size());
  for (ClassBitset& a : atoms) {
    const auto rep = static_cast<std::uint32_t>(a.next(0));
    const std::uint32_t dst_ports = group.direction == Direction::Ingress ? group.subject_ports : classes_[rep].ports;
    const ConnectionPool::Id id = pool_.intern(evaluate_set(group, rep, dst_ports));
    if (id == ConnectionPool::kNone) continue;
    group.reachable |= a;
    auto [it, inserted] = by_value.try_emplace(id, group.atoms.size());
    if (inserted) {
      group.atoms.push_back(Atom{std::move(a), id});
    } else {
      group.atoms[it->second].members |= a;
    }
  }
}

bool PolicyEngine::rule_matches_peer(const CompiledRule& rule, const RulePeers& extra, std::uint32_t other) const {
  if (rule.all_peers) return true;
  return std::any_of(extra.peers.begin(), extra.peers.end(), [&](std::uint32_t id) { return peers_[id].test(other); });
}

ConnectionSet PolicyEngine::rule_ports(const CompiledRule& rule, const RulePeers& extra,
                                       std::uint32_t dst_ports) const {
  if (!extra.named_ports) return extra.numeric_ports;
  const auto& ports = port_lists_[dst_ports];
  // The first container port of that name (and protocol), as the kubelet resolves it.
  auto resolve = [&](const std::vector<PortMatch>& matches) {
    ConnectionSet out;
    for (const PortMatch& m : matches) {
      if (m.kind != PortMatch::Kind::Named) {
        out |= ConnectionSet::of(m.protocol, m.first, m.last);
        continue;
      }
      auto it = std::find_if(ports.begin(), ports.end(), [&](const k8s::ContainerPort& p) {
        return p.name == m.name && (m.any_protocol || p.protocol == m.protocol);
      });
      if (it != ports.end()) out |= ConnectionSet::of(it->protocol, it->container_port);
    }
    return out;
  };
  ConnectionSet in = rule.all_ports ? ConnectionSet::all() : resolve(rule.ports);
  if (rule.not_ports.empty()) return in;  // only Calico writes notPorts
  return in - resolve(rule.not_ports);
}

// The tier walk on sets: `remaining` is what no rule has decided yet.
ConnectionSet PolicyEngine::evaluate_set(const Group& group, std::uint32_t other, std::uint32_t dst_ports) const {
  ConnectionSet remaining = ConnectionSet::all();
  ConnectionSet allowed;
  const auto& policies = group.policies;
  for (std::size_t i = 0; i < policies.size() && !remaining.empty();) {
    const std::uint32_t tier = program_.policies()[policies[i]].tier;
    ConnectionSet passed;
    std::size_t j = i;
    for (; j < policies.size() && program_.policies()[policies[j]].tier == tier; ++j) {
      const CompiledPolicy& p = program_.policies()[policies[j]];
      const auto& rules = p.rules(group.direction);
      const auto& extra = group.direction == Direction::Ingress ? policy_extra_[policies[j]].ingress
                                                                 : policy_extra_[policies[j]].egress;
      for (std::size_t r = 0; r < rules.size(); ++r) {
        if (rules[r].action == RuleAction::Log || !rule_matches_peer(rules[r], extra[r], other)) continue;
        const ConnectionSet hit = rule_ports(rules[r], extra[r], dst_ports) & remaining;
        if (hit.empty()) continue;
        if (rules[r].action == RuleAction::Allow) allowed |= hit;
        if (rules[r].action == RuleAction::Pass) passed |= hit;
        remaining -= hit;
      }
    }
    const Tier& t = program_.tiers()[tier];
    // Every policy in the list selects the endpoint, so a Calico tier ends
    // in its end-of-tier action for what it left undecided.
    if (t.kind == TierKind::Calico && t.end_of_tier == RuleAction::Deny) remaining = ConnectionSet{};
    remaining |= passed;
    i = j;
  }
  return allowed | remaining;
}

// --- matrix queries

ConnectionPool::Id PolicyEngine::group_value(std::uint32_t group, std::uint32_t other) const {
  const Group& g = groups_[group];
  if (g.unpoliced) return ConnectionPool::kAll;
  if (!g.reachable.test(other)) return ConnectionPool::kNone;
  for (const Atom& a : g.atoms) {
    if (a.members.test(other)) return a.connections;
  }
  return ConnectionPool::kNone;
}

ConnectionPool::Id PolicyEngine::allowed_id(std::uint32_t src, std::uint32_t dst) const {
  const ConnectionPool::Id out = group_value(class_group_[static_cast<int>(Direction::Egress)][src], dst);
  if (out == ConnectionPool::kNone) return out;
  return pool_.intersect(out, group_value(class_group_[static_cast<int>(Direction::Ingress)][dst], src));
}

ConnectionSet PolicyEngine::allowed(std::uint32_t src, std::uint32_t dst) const {
  return pool_.get(allowed_id(src, dst));
}

std::optional<ConnectionSet> PolicyEngine::allowed_pods(std::uint32_t src_pod, std::uint32_t dst_pod) const {
  if (src_pod == dst_pod) return std::nullopt;
  const PodInstance& s = pods_.pods[src_pod];
  const PodInstance& d = pods_.pods[dst_pod];
  if (pods_.profiles[s.profile].host_network && s.node == d.node) return ConnectionSet::all();
  return allowed(pod_class_[src_pod], pod_class_[dst_pod]);
}

void PolicyEngine::for_each_allowed(
    const std::function<void(std::uint32_t, std::uint32_t, ConnectionPool::Id)>& visit) const {
  const std::size_t n = classes_.size();
  const auto& egress = class_group_[static_cast<int>(Direction::Egress)];
  const auto& ingress = class_group_[static_cast<int>(Direction::Ingress)];
  // Sources are taken 64 at a time so that "does b's ingress group take
  // anything from a?" is one bit of a word per destination, read from a
  // small array, instead of a cache miss into b's group for every pair.
  std::vector<std::uint64_t> group_word(groups_.size());
  std::vector<std::uint64_t> takes_from(n);
  for (std::size_t block = 0; block < n; block += 64) {
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      group_word[g] = groups_[g].reachable.size() == 0 ? 0 : groups_[g].reachable.word(block / 64);
    }
    for (std::size_t b = 0; b < n; ++b) takes_from[b] = group_word[ingress[b]];
    for (std::size_t a = block; a < std::min(n, block + 64); ++a) {
      const std::uint64_t bit = std::uint64_t{1} << (a - block);
      const Group& out = groups_[egress[a]];
      // External sources reach pod classes only (externals come last).
      const std::size_t end = classes_[a].external ? pod_class_count_ : n;
      for (std::size_t b = 0; b < end; ++b) {
        if ((takes_from[b] & bit) == 0 || !out.reachable.test(b)) continue;
        if (a == b && classes_[a].pod_count < 2) continue;
        const auto src = static_cast<std::uint32_t>(a);
        const auto dst = static_cast<std::uint32_t>(b);
        const ConnectionPool::Id id = pool_.intersect(group_value(egress[a], dst), group_value(ingress[b], src));
        if (id != ConnectionPool::kNone) visit(src, dst, id);
      }
    }
  }
}

std::size_t PolicyEngine::matrix_bytes() const {
  std::size_t n = classes_.capacity() * sizeof(EndpointClass) + pod_class_.capacity() * 4;
  for (const auto& b : peers_) n += b.bytes() + sizeof(b);
  for (const auto& g : groups_) {
    n += sizeof(Group) + g.policies.capacity() * 4 + g.reachable.bytes();
    for (const auto& a : g.atoms) n += sizeof(Atom) + a.members.bytes();
  }
  for (const auto& s : selecting_) {
    for (const auto& l : s) n += sizeof(l) + l.capacity() * 4;
  }
  for (const auto& g : class_group_) n += g.capacity() * 4;
  return n + pool_.bytes();
}

// --- updates

UpdateStats PolicyEngine::set_network_policy(const k8s::NetworkPolicy& policy) {
  auto ns = std::find(namespace_names_.begin(), namespace_names_.end(), policy.namespace_name);
  if (ns == namespace_names_.end()) {
    throw std::invalid_argument("NetworkPolicy " + policy.id + ": namespace '" + policy.namespace_name +
                                "' has no pods in this cluster");
  }
  // The policy may come from another load, with other namespace indices.
  k8s::NetworkPolicy local = policy;
  local.namespace_index = static_cast<std::uint32_t>(std::distance(namespace_names_.begin(), ns));
  return replace_network_policy(local.id, compile_network_policy(local, program_));
}

UpdateStats PolicyEngine::remove_network_policy(std::string_view namespace_name, std::string_view name) {
  return replace_network_policy(std::string(namespace_name) + '/' + std::string(name), std::nullopt);
}

UpdateStats PolicyEngine::replace_network_policy(std::string id, std::optional<CompiledPolicy> compiled) {
  UpdateStats stats;
  auto old = network_policy_index_.find(id);
  if (old == network_policy_index_.end() && !compiled) return stats;
  const std::uint32_t ns = compiled ? *compiled->namespace_index
                                    : *program_.policies()[old->second].namespace_index;
  // New ipBlock boundaries first cut the classes they run through.
  if (compiled) stats.classes_split = split_classes(*compiled);
  if (old != network_policy_index_.end()) {
    const std::uint32_t p = old->second;
    program_.retire(p);
    for (std::uint32_t c : classes_by_namespace_[ns]) {
      for (auto& s : selecting_) std::erase(s[c], p);
    }
    network_policy_index_.erase(old);
  }
  if (compiled) {
    const std::uint32_t p = program_.add_policy(std::move(*compiled));
    register_policy(p);
    add_selecting(p);
    network_policy_index_[id] = p;
  }
  for (std::uint32_t c : classes_by_namespace_[ns]) rekey(c, &stats);
  return stats;
}

}  // namespace eksim::reach
