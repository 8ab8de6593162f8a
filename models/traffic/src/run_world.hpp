// The static side of a run: where every pod and node is, which paths join
// them, what each Service and load balancer sends to, and the reachability
// verdict of each pod pair that traffic uses (asked once, then cached).
#pragma once

#include <cstdint>
#include <string>
#include <array>
#include <deque>
#include <stdexcept>
#include <map>
#include <unordered_map>
#include <vector>

#include "eksim/reach/connectivity.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/traffic/run.hpp"

namespace eksim::traffic {

inline constexpr std::uint32_t kNone = UINT32_MAX;

// One hop of a one-way path: what it is and how long it takes.
struct PathHop {
  Stage stage = Stage::network;
  const scenario::Distribution* latency = nullptr;
};

// A one-way path between two pods (or a pod and an external address).
struct Route {
  // Enough for the longest path built: to another cluster's east-west
  // gateway across a Transit Gateway, its Envoy, then on to the endpoint.
  PathHop hops[24];
  std::uint8_t hop_count = 0;
  std::uint32_t links[10];  // shared-bandwidth links crossed (node NICs, TGW attachments)
  std::uint8_t link_count = 0;
  std::uint8_t az_crossings = 0;  // inter-AZ segments charged for data transfer
  bool transit_gateway = false;
  bool nat_gateway = false;

  void add(Stage stage, const scenario::Distribution* d) {
    if (hop_count == std::size(hops)) throw std::logic_error("eksim: a path of more hops than Route holds");
    hops[hop_count++] = {stage, d};
  }
  void add_link(std::uint32_t l) {
    if (l == kNone) return;
    if (link_count == std::size(links)) throw std::logic_error("eksim: a path over more links than Route holds");
    links[link_count++] = l;
  }
};

struct PodSite {
  std::uint32_t cluster = 0;
  std::uint32_t workload = 0;
  std::uint32_t node = 0;
  std::uint32_t az = 0;  // into NetworkModel::availability_zones
  bool sidecar = false;  // an Envoy sidecar is injected
  std::string name;      // "cluster/namespace/pod-name"
};

struct NodeSite {
  std::uint32_t az = 0;
  std::uint32_t vpc = 0;
  std::uint32_t nic_out = kNone;  // links
  std::uint32_t nic_in = kNone;
};

// The answer for one (client pod, server pod, port) a flow uses.
struct PairPlan {
  bool allowed = true;
  reach::Reason reason = reach::Reason::NO_ROUTE;
  Route forward;
  Route back;
  // Through a proxy (an ALB): the client's connection ends there, so its
  // handshake crosses only these.
  bool proxied = false;
  Route to_proxy;
  Route from_proxy;
};

class RunWorld {
 public:
  RunWorld(const scenario::Scenario& s, std::vector<double>& link_capacity);

  [[nodiscard]] const reach::Layout& layout() const { return conn_.layout(); }
  [[nodiscard]] const reach::Connectivity& connectivity() const { return conn_; }
  [[nodiscard]] const PodSite& pod(std::uint32_t p) const { return pods_[p]; }
  [[nodiscard]] const NodeSite& node(std::uint32_t n) const { return nodes_[n]; }
  // A cluster's nodes in layout order: an instance-target balancer's targets.
  [[nodiscard]] const std::vector<std::uint32_t>& nodes_of(std::uint32_t cluster) const {
    return cluster_nodes_[cluster];
  }
  [[nodiscard]] const std::vector<std::uint32_t>& pods_of(const scenario::WorkloadRef& w) const;
  // Running endpoint pods of a Service.
  [[nodiscard]] const std::vector<std::uint32_t>& endpoints(std::uint32_t cluster, std::uint32_t service) const;
  [[nodiscard]] std::size_t az_count() const { return az_names_.size(); }
  [[nodiscard]] const scenario::Distribution* between(std::uint32_t az_a, std::uint32_t az_b) const {
    return az_latency_[az_a * az_names_.size() + az_b];
  }
  // Which pod, Service or load balancer an address is (for DNS answers).
  struct AddressOwner {
    enum class Kind : std::uint8_t { pod, service, load_balancer, node, external } kind = Kind::external;
    std::uint32_t index = 0;    // pod, node, or service
    std::uint32_t cluster = 0;  // service, load_balancer
    std::uint32_t az = 0;       // load_balancer: the AZ of that address
  };
  // ClusterIPs are the caller's cluster's: clusters reuse the same Service range.
  [[nodiscard]] AddressOwner owner_of(std::uint32_t caller_cluster, net::Ipv4Address a) const;
  // Registers an address of a Service's load balancer (its AZ is its subnet's).
  void add_load_balancer_address(net::Ipv4Address a, std::uint32_t cluster, std::uint32_t service);

  // The plan between two pods on `port`, computed on first use.
  const PairPlan& pod_pair(std::uint32_t from, std::uint32_t to, std::uint16_t port);
  // The plan from a pod to an address outside every cluster.
  const PairPlan& external(std::uint32_t from, net::Ipv4Address to, std::uint16_t port);
  // The plan from a pod through a Service's NLB (entering in `lb_az`) to an
  // endpoint pod; instance targets pass the NodePort of `via_node`.
  const PairPlan& load_balancer(std::uint32_t from, std::uint32_t cluster, std::uint32_t service,
                                std::uint32_t service_port, std::uint32_t lb_az, std::uint32_t via_node,
                                std::uint32_t to, std::uint16_t target_port);
  // The plan from a pod through an API gateway, its VPC link and the NLB
  // (entering in `lb_az`) to an endpoint pod; instance targets pass `via_node`.
  const PairPlan& api_gateway(std::uint32_t from, std::uint32_t cluster, std::uint32_t service,
                              std::uint32_t service_port, std::uint32_t lb_az, std::uint32_t via_node,
                              std::uint32_t to, std::uint16_t target_port);
  // The plan from a meshed pod to an endpoint of another cluster through
  // that cluster's east-west gateway: its NLB (in the gateway pod's AZ), the
  // gateway's Envoy, then the gateway pod to the endpoint.
  const PairPlan& east_west(std::uint32_t from, std::uint32_t cluster, std::uint32_t gateway_service,
                            std::uint32_t gateway_port, std::uint32_t gateway_pod, std::uint16_t gateway_target_port,
                            std::uint32_t to, std::uint16_t target_port);
  // The plan from a pod through an Ingress's ALB (in `alb_az`) to an
  // endpoint of the backend Service; instance targets pass `via_node`.
  const PairPlan& alb(std::uint32_t from, std::uint32_t cluster, std::uint32_t ingress, std::uint32_t service,
                      std::uint32_t service_port, std::uint32_t alb_az, std::uint32_t via_node, std::uint32_t to,
                      std::uint16_t target_port);

 private:
  void add_segment(Route& r, std::uint32_t az_a, std::uint32_t az_b) const;
  // client -> balancer in lb_az (its hop) -> [via_node, kube-proxy] -> the pod, and back.
  // With `v`'s path through a Transit Gateway, its hop and attachments join the client's side.
  void balancer_routes(PairPlan& plan, std::uint32_t from, std::uint32_t lb_az, std::uint32_t via_node,
                       std::uint32_t to, Stage stage, const scenario::Distribution* hop,
                       const reach::Verdict* v = nullptr);
  void build_routes(PairPlan& plan, const reach::Verdict& v, std::uint32_t from_node, std::uint32_t to_node,
                    bool external);
  std::uint32_t tgw_link(const std::string& attachment);

  const scenario::Scenario& s_;
  reach::Connectivity conn_;
  std::vector<double>& link_capacity_;
  std::vector<PodSite> pods_;
  std::vector<NodeSite> nodes_;
  std::vector<std::string> az_names_;
  std::vector<const scenario::Distribution*> az_latency_;  // [a * n + b]
  std::vector<std::vector<std::uint32_t>> cluster_nodes_;               // [cluster]
  std::vector<std::vector<std::vector<std::uint32_t>>> workload_pods_;  // [cluster][workload]
  std::vector<std::vector<std::vector<std::uint32_t>>> service_pods_;   // [cluster][service]
  std::unordered_map<std::uint32_t, AddressOwner> owners_;              // pods, nodes, LBs by address
  std::vector<std::unordered_map<std::uint32_t, std::uint32_t>> cluster_ips_;  // [cluster]: ClusterIP -> Service
  std::unordered_map<std::string, std::uint32_t> tgw_links_;
  std::uint32_t nat_link_ = kNone;
  // Plans by {kind, from, to, port, then each further argument whole} (no
  // packing of fields into fewer bits, which could make two plans one); a
  // deque so references stay valid.
  using PlanKey = std::array<std::uint32_t, 10>;
  std::map<PlanKey, const PairPlan*> plan_index_;
  std::deque<PairPlan> plans_;
  // The plan under `key`, made by `build` (which adds it to plans_) the first time.
  template <class Build>
  const PairPlan& cached(const PlanKey& key, Build build) {
    if (const auto it = plan_index_.find(key); it != plan_index_.end()) return *it->second;
    const PairPlan& plan = build();
    plan_index_.emplace(key, &plan);
    return plan;
  }
};

}  // namespace eksim::traffic
