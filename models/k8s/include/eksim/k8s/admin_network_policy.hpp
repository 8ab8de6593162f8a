// AdminNetworkPolicy and BaselineAdminNetworkPolicy,
// policy.networking.k8s.io/v1alpha1 (kubernetes-sigs/network-policy-api,
// the v0.1.x CRDs: standard channel plus the experimental namedPort and
// nodes peer). Rules keep their written order: within one policy the first
// matching rule decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/ip_cidr.hpp"
#include "eksim/k8s/label_selector.hpp"
#include "eksim/k8s/protocol.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

// Pass (ANP only) hands the decision to NetworkPolicy, then to the baseline.
enum class AdminAction : std::uint8_t { Allow, Deny, Pass };
std::string_view to_string(AdminAction action);

// spec.subject: exactly one of `namespaces` (every pod of the matching
// namespaces) or `pods` (matching pods of matching namespaces).
struct AdminSubject {
  enum class Kind : std::uint8_t { Namespaces, Pods };
  Kind kind = Kind::Namespaces;
  LabelSelector namespace_selector;
  LabelSelector pod_selector;  // Kind::Pods only
};

// One item of a rule's `from` / `to`: exactly one of its fields is set.
// Nodes and Networks appear in egress rules only.
struct AdminPeer {
  enum class Kind : std::uint8_t { Namespaces, Pods, Nodes, Networks };
  Kind kind = Kind::Namespaces;
  LabelSelector namespace_selector;  // Namespaces, Pods
  LabelSelector pod_selector;        // Pods
  LabelSelector node_selector;       // Nodes
  std::vector<IpCidr> networks;      // Networks: 1 to 25 blocks
};

// One item of a rule's `ports`: exactly one of portNumber, namedPort, portRange.
struct AdminPort {
  enum class Kind : std::uint8_t { Number, Named, Range };
  Kind kind = Kind::Number;
  Protocol protocol = Protocol::Tcp;  // Number, Range
  std::uint16_t port = 0;             // Number; Range: its start
  std::uint16_t end_port = 0;         // Range: inclusive end, > start
  std::string name;                   // Named: a container port name (any protocol)
};

struct AdminRule {
  std::string name;  // optional, for reports
  AdminAction action = AdminAction::Allow;
  std::vector<AdminPeer> peers;  // OR; at least one
  std::vector<AdminPort> ports;  // OR; empty when `ports` is omitted: every port
  scenario::SourceLocation where;

  [[nodiscard]] bool all_ports() const { return ports.empty(); }
};

struct AdminNetworkPolicy {
  std::string name;           // the stable id (the object is cluster-scoped)
  std::int32_t priority = 0;  // 0..1000, lower is evaluated first
  AdminSubject subject;
  std::vector<AdminRule> ingress;  // `from` peers; up to 100
  std::vector<AdminRule> egress;   // `to` peers; up to 100
  scenario::SourceLocation where;
};

// The cluster's single baseline, named `default`, evaluated after NetworkPolicy.
// Actions are Allow and Deny only.
struct BaselineAdminNetworkPolicy {
  std::string name = "default";
  AdminSubject subject;
  std::vector<AdminRule> ingress;
  std::vector<AdminRule> egress;
  scenario::SourceLocation where;
};

}  // namespace eksim::k8s
