// A pod's /etc/resolv.conf as the kubelet writes it: from dnsPolicy
// (ClusterFirst, ClusterFirstWithHostNet, Default, None) and spec.dnsConfig,
// on an EKS node whose own resolv.conf names the VPC resolver and the
// region's EC2 domain. Sources: aws-eks-facts.md 2.5; Kubernetes
// dns-pod-service.md; glibc resolv.conf(5) defaults.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/pod_template.hpp"
#include "eksim/net/ipv4_address.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::dns {

struct ResolvConf {
  std::vector<net::Ipv4Address> nameservers;  // at most 3, as glibc reads
  std::vector<std::string> searches;
  int ndots = 1;                        // glibc default; ClusterFirst writes 5
  sim::Time timeout = sim::Time::s(5);  // glibc RES_TIMEOUT
  int attempts = 2;                     // glibc RES_DFLRETRY
  bool rotate = false;
  // options single-request: A and AAAA one after the other, not together.
  bool single_request = false;
  [[nodiscard]] std::string text() const;  // as the file would read
};

// What a node of the cluster contributes.
struct NodeResolver {
  net::Ipv4Address cluster_dns;  // kube-dns ClusterIP (kubelet --cluster-dns)
  std::string cluster_domain = "cluster.local";
  net::Ipv4Address vpc_resolver;  // the node's own nameserver: VPC base + 2
  std::string node_domain;        // "ec2.internal" or "<region>.compute.internal"
};

// EC2's private DNS domain of a region: ec2.internal in us-east-1,
// <region>.compute.internal elsewhere.
std::string ec2_domain(std::string_view region);

// The resolv.conf the kubelet writes for a pod of `namespace_name`. Throws
// std::invalid_argument for a dnsConfig that Kubernetes would reject (a bad
// nameserver address, more than 3 nameservers, or None without nameservers).
ResolvConf pod_resolv_conf(k8s::DnsPolicy policy, bool host_network, const std::optional<k8s::DnsConfig>& config,
                           std::string_view namespace_name, const NodeResolver& node);

}  // namespace eksim::dns
