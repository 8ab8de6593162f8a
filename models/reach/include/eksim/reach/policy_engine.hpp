// The Kubernetes policy engine of one cluster: single decisions with their
// explanation, and the all-pairs matrix on equivalence classes.
//
// Classes. Pods that every policy treats alike share a class: same
// namespace, labels, container ports, service account, host networking and,
// when ipBlock matches pods, the same position relative to every ipBlock
// boundary. The IPv4 space outside is cut at every ipBlock boundary into
// external range classes. Pod classes come first, in order of their first
// pod; external ranges follow in address order.
//
// Behaviour groups. What a class may send (egress) depends only on the
// policies selecting it for egress; what it may receive (ingress) on the
// policies selecting it for ingress and, when their rules name ports, on its
// container ports. Classes with the same such key share a behaviour group,
// computed once: the classes on the other side are split into "atoms" that
// every peer of the group's rules treats alike, and each atom gets one
// interned ConnectionSet. A matrix cell is then
//   allowed(a, b) = egress_group(a)[atom of b] ∩ ingress_group(b)[atom of a],
// a few bit tests and a memoized intersection of two interned sets.
//
// Incremental updates. Invariant: a group's atoms depend only on its key
// (immutable policy versions), the class partition and the peer sets, none of
// which an update changes; a NetworkPolicy selects pods of its own namespace
// only, and its rules are read only through the groups of the classes it
// selects. So adding, changing or removing one NetworkPolicy re-keys the
// classes of its namespace (their rows through egress, their columns through
// ingress) and leaves every other cell as it was. A policy whose ipBlocks are
// not already known first splits the classes its new boundaries cut
// (policy_split.cpp): every part of a class is in exactly the old peer sets
// and groups its class was, so each bitset is carried over to the new
// numbering with a part reading its class's bit, and only the new policy's
// peers are computed on the finer partition.
//
// Not thread-safe: queries memoize intersections.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eksim/k8s/manifest_set.hpp"
#include "eksim/net/ipv4_address.hpp"
#include "eksim/reach/connection_pool.hpp"
#include "eksim/reach/connection_set.hpp"
#include "eksim/reach/policy_bitset.hpp"
#include "eksim/reach/policy_input.hpp"
#include "eksim/reach/policy_ir.hpp"
#include "eksim/reach/verdict.hpp"

namespace eksim::reach {

// A source or destination: a pod of the cluster, or an IPv4 address (an
// address that is a pod's is read as that pod; another cluster's pods are
// addresses to this one).
struct Endpoint {
  enum class Kind : std::uint8_t { Pod, Address };
  Kind kind = Kind::Address;
  std::uint32_t pod = 0;
  net::Ipv4Address address;
  static Endpoint of_pod(std::uint32_t pod) { return Endpoint{Kind::Pod, pod, {}}; }
  static Endpoint of_address(net::Ipv4Address a) { return Endpoint{Kind::Address, 0, a}; }
};

struct EndpointClass {
  bool external = false;
  std::uint32_t namespace_index = 0;
  std::uint32_t labels = 0;           // interned label set
  std::uint32_t ports = 0;            // interned container-port list (0: none)
  std::uint32_t service_account = 0;  // interned name
  bool host_network = false;
  std::uint32_t address_signature = 0;  // which ipBlocks hold its addresses
  net::Ipv4Address first;               // external ranges
  net::Ipv4Address last;
  std::uint32_t pod_count = 0;
  std::uint32_t first_pod = 0;
};

struct UpdateStats {
  std::size_t classes_split = 0;    // classes added by cutting at new ipBlock boundaries
  std::size_t classes_rekeyed = 0;  // (class, direction) pairs whose behaviour group changed
  std::size_t groups_built = 0;     // behaviour groups computed by this update
};

class PolicyEngine {
 public:
  // Compiles every NetworkPolicy, ANP and the BANP of `set`.
  PolicyEngine(const k8s::ManifestSet& set, ClusterPods pods, PolicySettings settings = {});
  // With a program built by the caller (Calico tiers added to compile_policies(set)).
  PolicyEngine(const k8s::ManifestSet& set, ClusterPods pods, PolicyProgram program, PolicySettings settings);

  // One connection: egress at the source, then ingress at the destination.
  // Without check_egress, only the destination's ingress: for a connection
  // whose source side was judged before a NAT changed its destination (a
  // NodePort forwarded by kube-proxy).
  [[nodiscard]] Verdict decide(Endpoint source, Endpoint destination, k8s::Protocol protocol,
                               std::uint16_t port,
                               bool check_egress = true) const;

  // --- classes
  [[nodiscard]] std::size_t class_count() const { return classes_.size(); }
  [[nodiscard]] std::size_t pod_class_count() const { return pod_class_count_; }
  [[nodiscard]] const EndpointClass& endpoint_class(std::uint32_t c) const { return classes_[c]; }
  [[nodiscard]] std::uint32_t class_of_pod(std::uint32_t pod) const { return pod_class_[pod]; }
  [[nodiscard]] std::uint32_t class_of_address(net::Ipv4Address address) const;
  // "x/a-0 (+2)" for a pod class, "0.0.0.0-9.255.255.255[External]" for a range.
  [[nodiscard]] std::string class_name(std::uint32_t c) const;
  [[nodiscard]] const ClusterPods& pods() const { return pods_; }
  [[nodiscard]] const PolicyProgram& program() const { return program_; }

  // --- the matrix
  // What class `src` may open to class `dst`: egress at src ∩ ingress at dst.
  [[nodiscard]] ConnectionSet allowed(std::uint32_t src, std::uint32_t dst) const;
  [[nodiscard]] ConnectionPool::Id allowed_id(std::uint32_t src, std::uint32_t dst) const;
  // Between two pods; nullopt for a pod and itself (item 14: undefined). A
  // hostNetwork source on the destination's node is always allowed (item 13).
  [[nodiscard]] std::optional<ConnectionSet> allowed_pods(std::uint32_t src_pod, std::uint32_t dst_pod) const;
  // Every ordered pair of classes with something allowed, by (src, dst)
  // index. Left out: external to external, and a class to itself when it
  // holds one pod (its only pair would be a pod and itself).
  void for_each_allowed(const std::function<void(std::uint32_t src, std::uint32_t dst, ConnectionPool::Id)>& visit)
      const;
  [[nodiscard]] const ConnectionSet& connections(ConnectionPool::Id id) const { return pool_.get(id); }
  // Bytes held by classes, peer sets, groups and the connection pool.
  [[nodiscard]] std::size_t matrix_bytes() const;
  [[nodiscard]] std::size_t group_count() const { return groups_.size(); }

  // --- incremental updates of one NetworkPolicy
  UpdateStats set_network_policy(const k8s::NetworkPolicy& policy);  // add or replace
  UpdateStats remove_network_policy(std::string_view namespace_name, std::string_view name);

 private:
  struct Atom {
    ClassBitset members;
    ConnectionPool::Id connections = ConnectionPool::kNone;
  };
  struct Group {
    Direction direction = Direction::Ingress;
    std::vector<std::uint32_t> policies;  // selecting policies, in precedence order
    std::uint32_t subject_ports = 0;      // ingress groups whose rules name ports
    bool unpoliced = false;               // no policy: everything allowed
    std::vector<Atom> atoms;              // non-empty connections only
    ClassBitset reachable;                // union of the atoms
  };
  struct RulePeers {
    std::vector<std::uint32_t> peers;  // peer ids; empty with all_peers
    bool named_ports = false;
    ConnectionSet numeric_ports;  // the rule's ports when none is named
  };
  struct PolicyExtra {
    std::vector<RulePeers> ingress;
    std::vector<RulePeers> egress;
  };
  // How one direction of one single connection was decided.
  struct Decision {
    bool allowed = true;
    enum class How : std::uint8_t { NotSelected, Rule, EndOfTier, AfterLastTier } how = How::NotSelected;
    const RuleOrigin* origin = nullptr;
    std::uint32_t tier = 0;
    std::vector<std::uint32_t> selecting;  // policies selecting the endpoint in the deciding tier
    std::vector<const RuleOrigin*> passes;  // Pass rules that handed over to a later tier, in order
  };

  void build();
  void build_classes();
  void append_external_ranges(std::vector<EndpointClass>& out) const;
  void register_policy(std::uint32_t policy);
  std::uint32_t peer_id(const Peer& peer);
  [[nodiscard]] ClassBitset peer_members(const Peer& peer);
  [[nodiscard]] ClassBitset pod_members(const PodPredicate& pods);
  [[nodiscard]] ClassBitset address_members(const std::vector<AddressBlock>& blocks) const;
  [[nodiscard]] std::vector<std::uint32_t> subject_classes(const CompiledPolicy& policy) const;
  [[nodiscard]] EndpointFacts facts(const EndpointClass& c) const;
  void add_selecting(std::uint32_t policy);
  void rekey(std::uint32_t cls, UpdateStats* stats);
  std::uint32_t group_for(Direction d, const std::vector<std::uint32_t>& policies, std::uint32_t subject_ports);
  void build_atoms(Group& group);
  [[nodiscard]] ConnectionSet evaluate_set(const Group& group, std::uint32_t other, std::uint32_t dst_ports) const;
  [[nodiscard]] ConnectionSet rule_ports(const CompiledRule& rule, const RulePeers& extra,
                                         std::uint32_t dst_ports) const;
  [[nodiscard]] bool rule_matches_peer(const CompiledRule& rule, const RulePeers& extra, std::uint32_t other) const;
  [[nodiscard]] Decision evaluate_one(Direction d, std::uint32_t subject, std::uint32_t other,
                                      std::uint32_t dst_ports, k8s::Protocol protocol, std::uint16_t port) const;
  [[nodiscard]] ConnectionPool::Id group_value(std::uint32_t group, std::uint32_t other) const;
  void intern_blocks(const CompiledPolicy& policy);
  std::size_t split_classes(const CompiledPolicy& policy);
  void renumber_classes(std::vector<EndpointClass> next, const std::vector<std::uint32_t>& parent);
  [[nodiscard]] std::uint32_t address_cell(net::Ipv4Address a) const;
  UpdateStats replace_network_policy(std::string id, std::optional<CompiledPolicy> compiled);

  PolicySettings settings_;
  std::vector<k8s::Labels> namespace_labels_;
  std::vector<std::string> namespace_names_;
  ClusterPods pods_;
  PolicyProgram program_;
  std::unordered_map<std::string, std::uint32_t> network_policy_index_;  // "ns/name" -> live policy

  // interning
  std::vector<k8s::Labels> label_sets_;
  std::vector<std::vector<k8s::ContainerPort>> port_lists_;  // 0: no ports
  std::vector<std::string> service_accounts_;

  // address blocks and the cells their boundaries cut the IPv4 space into
  std::vector<AddressBlock> blocks_;
  std::unordered_map<std::string, std::uint32_t> block_index_;
  std::vector<std::uint64_t> cell_starts_;          // sorted; cell i is [start_i, start_{i+1})
  std::vector<std::uint32_t> cell_signature_;       // per cell
  std::vector<std::vector<bool>> signatures_;       // per signature: inside block j?

  std::vector<EndpointClass> classes_;
  std::size_t pod_class_count_ = 0;
  std::vector<std::uint32_t> pod_class_;
  std::vector<std::vector<std::uint32_t>> classes_by_namespace_;
  std::unordered_map<std::uint32_t, std::uint32_t> pod_by_address_;

  std::unordered_map<std::string, std::uint32_t> peer_index_;
  std::vector<ClassBitset> peers_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> namespace_selector_cache_;
  std::vector<PolicyExtra> policy_extra_;

  std::vector<std::vector<std::uint32_t>> selecting_[2];  // per direction, per class
  std::vector<Group> groups_;
  std::unordered_map<std::string, std::uint32_t> group_index_;
  std::vector<std::uint32_t> class_group_[2];  // per direction, per class
  mutable ConnectionPool pool_;
};

}  // namespace eksim::reach
