// The scenario's DNS parts: how lookups behave (`dns`), Route 53 private
// hosted zones (`privateHostedZones`), Cloud Map namespaces (`cloudMap`) and
// streams of lookups for load runs (`dnsTraffic`). Reference: docs/scenario.md
// and docs/dns.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eksim/net/ipv4_address.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::scenario {

struct DnsBehaviour {
  bool parallel_aaaa = true;                         // getaddrinfo(AF_UNSPEC): A and AAAA together
  double coredns_qps = 33'669;                       // one CoreDNS replica (coredns/deployment Scaling_CoreDNS.md)
  sim::Time resolver_round_trip = sim::Time::ms(1);  // assumption, docs/dns.md
  std::int64_t resolver_burst = 1'024;               // assumption, docs/dns.md
};

struct DnsRecordSpec {
  std::string name;  // absolute, lower case, no trailing dot
  bool cname = false;
  std::vector<net::Ipv4Address> addresses;  // A
  std::string target;                       // CNAME
  std::int64_t ttl_seconds = 300;
  std::string where;
};

struct PrivateHostedZoneSpec {
  std::string name;
  std::vector<std::uint32_t> vpcs;  // network VPC indices
  std::vector<DnsRecordSpec> records;
  std::string where;
};

// A Cloud Map service registers the running pods of a workload, or the
// addresses of a LoadBalancer Service's load balancer.
struct CloudMapServiceSpec {
  std::string name;
  std::uint32_t cluster = 0;
  std::optional<std::uint32_t> workload;       // into Cluster::objects.workloads
  std::optional<std::uint32_t> load_balancer;  // into Cluster::objects.services
  std::int64_t ttl_seconds = 60;
  std::string where;
};

struct CloudMapNamespaceSpec {
  std::string name;  // a private DNS namespace: Cloud Map makes it a private hosted zone
  std::vector<std::uint32_t> vpcs;
  std::vector<CloudMapServiceSpec> services;
  std::string where;
};

// A Poisson stream of lookups from the pods of a workload, for `eksim dns --load`.
struct DnsTrafficSpec {
  std::uint32_t cluster = 0;
  std::uint32_t workload = 0;
  std::string name;  // may hold "{i}", replaced by the lookup's number
  double rate_per_second = 0;
  std::uint64_t names = 0;  // with "{i}": distinct names cycled; 0: a new name every lookup
  std::string where;
};

struct DnsScenario {
  DnsBehaviour behaviour;
  std::vector<PrivateHostedZoneSpec> private_zones;
  std::vector<CloudMapNamespaceSpec> cloud_map;
  std::vector<DnsTrafficSpec> traffic;
};

}  // namespace eksim::scenario
