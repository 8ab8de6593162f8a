// What the DNS model needs to know of a design, and nothing more: the VPCs
// (region, primary CIDR: the resolver sits at its base + 2), the clusters
// (kube-dns ClusterIP, CoreDNS pods, NodeLocal DNSCache), nodes and pods
// with their addresses and ENIs, Services with their ClusterIPs and endpoint
// pods, load balancers, and the private hosted zones of the scenario.
//
// The DNS model reads only this struct, so whatever lays out the running
// cluster (the capacity planner today, models/reach's layout later) feeds it
// through one small adapter; see scenario_world.hpp for today's stand-in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eksim/k8s/pod_template.hpp"
#include "eksim/k8s/service.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/net/ipv4_address.hpp"

namespace eksim::dns {

struct WorldVpc {
  std::string name;
  std::string region;  // "us-east-1"
  net::Cidr primary_cidr;
  // The Route 53 Resolver: the primary CIDR's base + 2 (aws-eks-facts.md 2.5).
  [[nodiscard]] net::Ipv4Address resolver() const { return net::Ipv4Address(primary_cidr.network().value() + 2); }
};

struct WorldNode {
  std::uint32_t cluster = 0;
  std::string name;  // "cluster/nodegroup-i"
  std::string az;
  net::Ipv4Address ip;
  std::string primary_eni;  // host-network pods (NodeLocal DNSCache) send from here
};

struct WorldPod {
  std::uint32_t cluster = 0;
  std::string namespace_name;
  std::string name;      // "frontend-0"
  std::string workload;  // "namespace/name" of its workload
  std::uint32_t node = 0;
  net::Ipv4Address ip;
  std::string eni;  // the ENI its address lives on: where the VPC resolver counts its packets
  bool host_network = false;
  k8s::DnsPolicy dns_policy = k8s::DnsPolicy::ClusterFirst;
  std::optional<k8s::DnsConfig> dns_config;
  // hostname and subdomain: a StatefulSet pod under its headless Service gets
  // <hostname>.<subdomain>.<ns>.svc.<domain>.
  std::string hostname;
  std::string subdomain;
};

struct WorldService {
  std::uint32_t cluster = 0;
  std::string namespace_name;
  std::string name;
  k8s::ServiceType type = k8s::ServiceType::ClusterIP;
  bool headless = false;
  std::optional<net::Ipv4Address> cluster_ip;  // none for headless and ExternalName
  std::string external_name;
  std::vector<std::uint32_t> endpoints;  // running pods (into DnsWorld::pods)
  // Addresses of the AWS load balancer of a LoadBalancer Service (one per AZ).
  std::vector<net::Ipv4Address> load_balancer_ips;
};

struct WorldCluster {
  std::string name;
  std::uint32_t vpc = 0;
  std::string domain = "cluster.local";
  net::Ipv4Address dns_service_ip;          // kube-dns ClusterIP
  std::vector<std::uint32_t> coredns_pods;  // running CoreDNS pods (into DnsWorld::pods)
  bool node_local_cache = false;
};

enum class RecordType : std::uint8_t { A, AAAA, CNAME };
std::string_view to_string(RecordType type);

struct ZoneRecord {
  std::string name;  // absolute, lower case, no trailing dot
  RecordType type = RecordType::A;
  std::vector<net::Ipv4Address> addresses;  // A
  std::string target;                       // CNAME
  std::int64_t ttl_seconds = 300;
};

// A Route 53 private hosted zone: answers only for queries that reach the
// Resolver of an associated VPC. Cloud Map private DNS namespaces are such
// zones too (Cloud Map creates one), with `origin` saying where it came from.
struct PrivateZone {
  std::string name;                 // "corp.internal"
  std::string origin;               // "private hosted zone corp.internal" or "Cloud Map namespace ..."
  std::vector<std::uint32_t> vpcs;  // associated VPCs
  std::vector<ZoneRecord> records;
};

struct DnsWorld {
  std::vector<WorldVpc> vpcs;
  std::vector<WorldCluster> clusters;
  std::vector<WorldNode> nodes;
  std::vector<WorldPod> pods;
  std::vector<WorldService> services;
  std::vector<PrivateZone> zones;

  // "ns/pod", or "cluster/ns/pod" when there are several clusters.
  [[nodiscard]] std::optional<std::uint32_t> find_pod(std::string_view ref, std::string* error = nullptr) const;
  [[nodiscard]] std::string pod_name(std::uint32_t pod) const;
};

}  // namespace eksim::dns
