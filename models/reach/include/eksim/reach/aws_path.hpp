// The AWS layers of reachability: security groups, network ACLs and routing
// (route tables, VPC peering, Transit Gateway, internet and NAT gateways)
// between two ENI addresses, or an ENI and an address outside every VPC.
//
// The engine is built once from a validated aws::NetworkModel and keeps only
// indices and precomputed tables: per VPC and TGW route table its routes
// sorted for longest-prefix match with prefix lists expanded, prefix lists as
// CIDR vectors, and the boundaries of every CIDR the model mentions, which
// split the address space into classes of addresses the model cannot tell
// apart (see location_key()).
//
// trace() answers one connection hop by hop; allowed() answers the set of
// connections trace() would allow, by interval arithmetic over the rules.
// The order of checks, the ephemeral port range assumed for replies and the
// sources are in docs/reachability.md, section "AWS layers".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "eksim/aws/network_model.hpp"
#include "eksim/k8s/protocol.hpp"
#include "eksim/net/ipv4_address.hpp"
#include "eksim/reach/connection_set.hpp"
#include "eksim/reach/verdict.hpp"

namespace eksim::reach {

// One end of a connection: an ENI address in a subnet, carrying security
// groups of its VPC, or an external address (the internet; on-premises
// networks behind VPN or Direct Connect are not modelled).
struct AwsEndpoint {
  std::optional<aws::EntityIndex> vpc;  // empty: external
  aws::EntityIndex subnet = 0;          // unused when external
  net::Ipv4Address address;
  // The ENI's groups, sorted and unique (see eni()). A rule of any of them
  // allowing the traffic is enough.
  std::vector<aws::EntityIndex> security_groups;
  // A second set that must allow the traffic as well, when not empty: the
  // node's groups for a pod on a branch ENI in standard enforcing mode
  // (aws/pod_security_groups.hpp). Sorted and unique.
  std::vector<aws::EntityIndex> also_security_groups;
  std::string name;  // for hops and messages: "shop/web/cart-0", "node shop/general-1"

  [[nodiscard]] bool is_external() const { return !vpc.has_value(); }

  // An ENI in `subnet` (its VPC taken from the model) with these groups.
  static AwsEndpoint eni(const aws::NetworkModel& model, aws::EntityIndex subnet, net::Ipv4Address address,
                         std::vector<aws::EntityIndex> groups, std::string name);
  static AwsEndpoint external(net::Ipv4Address address, std::string name);
};

// What the answer for a pair depends on, besides the model: per end the
// subnet (hence VPC, AZ, route table and ACL), both security-group sets, and
// the address class: the index of the elementary interval of the address
// space between consecutive boundaries of every CIDR in the model (VPC and
// subnet blocks, routes, prefix lists, TGW routes, ACL entries, SG rules).
// Two addresses of one class fall in exactly the same CIDRs, so every LPM,
// ACL and SG decision treats them alike. External ends have no subnet.
struct LocationKey {
  bool external = false;
  aws::EntityIndex subnet = 0;
  std::uint32_t address_class = 0;
  std::vector<aws::EntityIndex> security_groups;
  std::vector<aws::EntityIndex> also_security_groups;
  bool operator==(const LocationKey&) const = default;
  [[nodiscard]] std::size_t hash() const;
};

struct AwsPathOptions {
  // The client's ephemeral ports, which every reply is addressed to and which
  // both network ACLs must let back in whole. Linux's default
  // net.ipv4.ip_local_port_range (what EKS nodes and pods use).
  std::uint16_t ephemeral_first = 32768;
  std::uint16_t ephemeral_last = 60999;
};

class AwsPathEngine {
 public:
  // `model` must outlive the engine.
  explicit AwsPathEngine(const aws::NetworkModel& model, AwsPathOptions options = {});

  // The path of one connection (protocol, destination port) in the order a
  // packet meets the components, then the reply's route and ACLs. Stops at
  // the first component that drops it.
  [[nodiscard]] Verdict trace(const AwsEndpoint& src, const AwsEndpoint& dst, k8s::Protocol protocol,
                              std::uint16_t port) const;

  // Exactly the connections trace() allows from `src` to `dst`.
  [[nodiscard]] ConnectionSet allowed(const AwsEndpoint& src, const AwsEndpoint& dst) const;

  // allowed(), memoised on (location_key(src), location_key(dst)). Not
  // thread-safe: one engine per thread, or share the const allowed().
  const ConnectionSet& allowed_cached(const AwsEndpoint& src, const AwsEndpoint& dst);

  [[nodiscard]] LocationKey location_key(const AwsEndpoint& endpoint) const;
  [[nodiscard]] std::uint32_t address_class(net::Ipv4Address address) const;
  // Where each address class starts, ascending (the first is 0.0.0.0).
  [[nodiscard]] const std::vector<std::uint32_t>& address_class_starts() const { return boundaries_; }
  [[nodiscard]] const AwsPathOptions& options() const { return options_; }

  // Implementation types, public only so the source file's helpers can name them.
  struct LpmEntry {
    net::Cidr cidr;
    std::uint32_t route = 0;  // into RouteTable::routes
  };
  struct TgwEntry {
    net::Cidr cidr;
    bool is_static = false;  // a declared route (else propagated from `attachment`)
    bool blackhole = false;
    aws::EntityIndex attachment = 0;
    std::uint32_t route = 0;  // into TransitGatewayRouteTable::routes when static
  };
  struct Routing;

 private:
  [[nodiscard]] Routing route(const AwsEndpoint& src, const AwsEndpoint& dst) const;

  const aws::NetworkModel& model_;
  AwsPathOptions options_;
  std::vector<std::vector<LpmEntry>> route_lpm_;             // [route table], longest prefix first
  std::vector<std::vector<std::vector<TgwEntry>>> tgw_lpm_;  // [tgw][tgw route table], longest prefix first
  std::vector<std::uint32_t> boundaries_;                    // sorted starts of address classes

  struct PairKeyHash {
    std::size_t operator()(const std::pair<LocationKey, LocationKey>& k) const {
      return k.first.hash() * 0x9e3779b97f4a7c15ULL ^ k.second.hash();
    }
  };
  std::unordered_map<std::pair<LocationKey, LocationKey>, ConnectionSet, PairKeyHash> cache_;
};

}  // namespace eksim::reach
