// A small hand-built DNS world for the DNS tests: one VPC (10.0.0.0/16) in a
// region, one cluster with kube-dns at 172.20.0.10, nodes in two AZs, a
// client pod in namespace `app`, CoreDNS replicas, and Services `app/svc`
// and `ns/svc`. Helpers run lookups on a fresh simulator.
#pragma once

#include <string>
#include <vector>

#include "eksim/dns/dns_system.hpp"
#include "eksim/sim/process.hpp"

namespace dns_test {

using eksim::net::Ipv4Address;

inline Ipv4Address ip(int a, int b, int c, int d) {
  return Ipv4Address::from_octets(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b),
                                  static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(d));
}

// `coredns_nodes`: the node of each CoreDNS replica.
inline eksim::dns::DnsWorld world(const std::string& region = "us-west-2",
                                  std::vector<std::uint32_t> coredns_nodes = {1}) {
  using namespace eksim::dns;
  DnsWorld w;
  w.vpcs.push_back({"east", region, *eksim::net::Cidr::make(ip(10, 0, 0, 0), 16)});
  WorldCluster c;
  c.name = "c";
  c.vpc = 0;
  c.dns_service_ip = ip(172, 20, 0, 10);
  w.clusters.push_back(c);
  for (int n = 0; n < 4; ++n) {
    w.nodes.push_back({0, "c/ng-" + std::to_string(n), n % 2 == 0 ? "az1" : "az2", ip(10, 0, 1, 10 + n),
                       "c/ng-" + std::to_string(n) + "/eni-0"});
  }
  WorldPod client;
  client.namespace_name = "app";
  client.name = "client-0";
  client.workload = "app/client";
  client.node = 0;
  client.ip = ip(10, 0, 2, 5);
  client.eni = "c/ng-0/eni-0";
  w.pods.push_back(client);
  for (std::size_t i = 0; i < coredns_nodes.size(); ++i) {
    WorldPod p;
    p.namespace_name = "kube-system";
    p.name = "coredns-" + std::to_string(i);
    p.workload = "kube-system/coredns";
    p.node = coredns_nodes[i];
    p.ip = ip(10, 0, 3, static_cast<int>(10 + i));
    p.eni = "c/ng-" + std::to_string(p.node) + "/eni-0";
    p.dns_policy = eksim::k8s::DnsPolicy::Default;
    w.clusters[0].coredns_pods.push_back(static_cast<std::uint32_t>(w.pods.size()));
    w.pods.push_back(p);
  }
  WorldService a;
  a.namespace_name = "app";
  a.name = "svc";
  a.cluster_ip = ip(172, 20, 0, 20);
  w.services.push_back(a);
  WorldService b;
  b.namespace_name = "ns";
  b.name = "svc";
  b.cluster_ip = ip(172, 20, 0, 21);
  w.services.push_back(b);
  return w;
}

struct Run {
  std::vector<eksim::dns::QueryRecord> queries;
  eksim::dns::LookupResult result;
  std::uint64_t forwarded = 0;  // query packets that reached the VPC resolver's limit (passed or dropped)
  // Distinct names asked, in order.
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& q : queries) {
      if (out.empty() || out.back() != q.name) out.push_back(q.name);
    }
    return out;
  }
};

inline eksim::sim::Task<> into(eksim::dns::DnsSystem& sys, std::uint32_t pod, std::string name,
                               eksim::dns::LookupFamily family, eksim::dns::LookupResult& out) {
  out = co_await sys.lookup(pod, std::move(name), family);
}

inline Run lookup(const eksim::dns::DnsWorld& w, const std::string& name, eksim::dns::LookupFamily family,
                  std::uint32_t pod = 0, eksim::dns::DnsTuning tuning = {}) {
  Run run;
  eksim::sim::Simulator sim;
  eksim::dns::DnsSystem sys(sim, w, tuning, 1);
  sys.set_trace(&run.queries);
  eksim::sim::spawn(sim, into(sys, pod, name, family, run.result));
  sim.run();
  for (const auto& e : sys.resolver_counters()) run.forwarded += e.passed + e.dropped;
  return run;
}

}  // namespace dns_test
