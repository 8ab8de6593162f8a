// Reachability of a whole scenario: every layer of policy-semantics.md in
// order, for one connection (explain) and for all pairs (the matrix).
//
// Peers are workloads (named as `eksim reach` prints them: "web/cart[Deployment]",
// prefixed with the cluster when the scenario has several) and external IPv4
// ranges. A workload's line shows the connections allowed between every
// running pod of the source and every running pod of the destination; what
// only some pod pairs get is kept apart as `partial`, so a design where one
// replica sits behind a stricter network ACL does not pass unnoticed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eksim/reach/connection_set.hpp"
#include "eksim/reach/layout.hpp"
#include "eksim/reach/verdict.hpp"
#include "eksim/scenario/scenario.hpp"

namespace eksim::reach {

struct ReachOptions {
  // Overrides the scenario's policy.ipBlockMatchesPods when set.
  std::optional<bool> ip_block_matches_pods;
  // False for a folder of manifests, whose network is made up: then only the
  // policies decide, and external ranges are not hidden behind a VPC.
  bool aws_layers = true;
};

struct ReachPair {
  std::string from;
  std::string to;
  ConnectionSet allowed;  // for every pod pair
  ConnectionSet partial;  // for some pod pairs only (never overlaps `allowed`)
};

// The answer for one connection between two named endpoints. Endpoints that
// stand for several pods (a workload, a Service) give one case per distinct
// outcome, with how many pod pairs share it.
struct ConnectionAnswer {
  struct Case {
    std::string from_pod;  // a representative pod pair
    std::string to_pod;
    std::size_t pairs = 0;
    Verdict verdict;
  };
  std::string from;
  std::string to;
  std::string port;  // "8080/TCP"
  std::vector<Case> cases;  // allowed cases first, then blocked, each in pod order
  [[nodiscard]] bool all_allowed() const;
  [[nodiscard]] bool none_allowed() const;
};

struct ReachWarning {
  std::string where;  // file:line:column
  std::string message;
};

class Connectivity {
 public:
  Connectivity(const scenario::Scenario& s, const ReachOptions& options = {});
  ~Connectivity();
  Connectivity(Connectivity&&) noexcept;
  Connectivity& operator=(Connectivity&&) noexcept;

  // Ordered pairs with some allowed traffic, sorted by (from, to), no self-pairs.
  [[nodiscard]] std::vector<ReachPair> matrix() const;
  // Throws scenario::LoadError-free std::invalid_argument with a helpful
  // message when an endpoint names nothing (closest names suggested).
  [[nodiscard]] ConnectionAnswer explain(const scenario::EndpointRef& from, const scenario::EndpointRef& to,
                                         const scenario::PortRefText& port) const;
  // Where EKS would not enforce what the manifests say (policy-semantics.md item 15).
  [[nodiscard]] const std::vector<ReachWarning>& warnings() const;

  // Single connections by index into layout().pods, for the run model, which
  // asks once per pod pair it sends between and caches the answer.
  [[nodiscard]] const Layout& layout() const;
  [[nodiscard]] Verdict pod_to_pod(std::uint32_t from, std::uint32_t to, k8s::Protocol protocol,
                                   std::uint16_t port) const;
  [[nodiscard]] Verdict pod_to_address(std::uint32_t from, net::Ipv4Address to, k8s::Protocol protocol,
                                       std::uint16_t port) const;
  // Through the AWS load balancer of a LoadBalancer Service to endpoint pod
  // `to` on its `target_port` (instance targets: via the Service port's NodePort).
  // From an address (an API gateway's VPC link ENI) through a Service's
  // NLB to endpoint pod `to`.
  [[nodiscard]] Verdict address_via_load_balancer(net::Ipv4Address from, std::uint32_t cluster, std::uint32_t service,
                                                  std::uint32_t service_port, std::uint32_t to, k8s::Protocol protocol,
                                                  std::uint16_t target_port) const;
  // Through the ALB of an Ingress to endpoint pod `to` of the backend
  // Service's port `service_port` (instance targets: via its NodePort).
  [[nodiscard]] Verdict pod_via_alb(std::uint32_t from, std::uint32_t cluster, std::uint32_t ingress,
                                    std::uint32_t service, std::uint32_t service_port, std::uint32_t to,
                                    std::uint16_t target_port) const;
  [[nodiscard]] Verdict pod_via_load_balancer(std::uint32_t from, std::uint32_t cluster, std::uint32_t service,
                                              std::uint32_t service_port, std::uint32_t to, k8s::Protocol protocol,
                                              std::uint16_t target_port) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eksim::reach
