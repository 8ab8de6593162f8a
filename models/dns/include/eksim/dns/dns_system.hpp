// DNS lookups simulated on the sim kernel, query by query:
// - the client (glibc): the pod's resolv.conf, the names of the search list
//   in order, A and AAAA together (or one after the other, or one of them),
//   a timeout per nameserver and try ((timeout << ns) / nscount for ns > 0,
//   as glibc's send_dg), `attempts` tries; a try that got one of its two
//   answers is repeated with the queries one after the other, as glibc
//   does; a timeout ends the lookup;
// - NodeLocal DNSCache on the client's node, when on: its own caches, misses
//   for the cluster domain to CoreDNS over TCP, other misses to the VPC
//   resolver from the node's primary ENI;
// - CoreDNS replicas behind kube-dns (a random replica per query, as
//   kube-proxy's iptables rules pick): a FIFO server of the replica's query
//   capacity, then `cache 30`, the kubernetes plugin, `forward` to the VPC
//   resolver from the replica's ENI;
// - the VPC resolver's 1,024 packets/s per ENI: a packet without a token is
//   dropped and its query never answered; the client waits out its timeout.
// Defaults and sources: docs/dns.md.
#pragma once

#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eksim/dns/cluster_zone.hpp"
#include "eksim/dns/dns_answer.hpp"
#include "eksim/dns/dns_cache.hpp"
#include "eksim/dns/dns_world.hpp"
#include "eksim/dns/resolv_conf.hpp"
#include "eksim/dns/token_bucket.hpp"
#include "eksim/sim/process.hpp"
#include "eksim/sim/resource.hpp"
#include "eksim/sim/simulator.hpp"

namespace eksim::dns {

struct DnsTuning {
  // getaddrinfo(AF_UNSPEC) asks A and AAAA together; false: A only.
  bool parallel_aaaa = true;
  // Queries a CoreDNS replica answers per second: 33,669 measured for one
  // instance on 2 vCPUs (coredns/deployment kubernetes/Scaling_CoreDNS.md).
  double coredns_qps = 33'669;
  // Round trip from an ENI through the Route 53 Resolver and back, its own
  // work included. Not published; an assumption (docs/dns.md).
  sim::Time resolver_round_trip = sim::Time::ms(1);
  std::int64_t resolver_pps = 1'024;    // per ENI, cannot be raised (aws-eks-facts.md 2.5)
  std::int64_t resolver_burst = 1'024;  // not published: one second's worth (token_bucket.hpp)
  // One-way latencies between pods, as scenario hopLatency.
  sim::Time same_node = sim::Time::us(20);
  sim::Time same_az = sim::Time::us(120);
  sim::Time cross_az = sim::Time::us(500);
  CacheSettings coredns_cache{};  // `cache 30`
  // NodeLocal DNSCache's Corefile: cluster zone `success 9984 30`, `denial 9984 5`; other zones `cache 30`.
  CacheSettings node_local_cluster_cache{9'984, 9'984, 30, 5, 5};
  CacheSettings node_local_other_cache{};
};

enum class LookupFamily : std::uint8_t { A, AAAA, Both };

// One query packet as `eksim dns` lists it.
struct QueryRecord {
  std::string name;
  RecordType type = RecordType::A;
  int attempt = 1;
  std::string server;   // "10.100.0.10 (kube-dns) -> kube-system/coredns-1"
  std::string path;     // caches passed and their outcome: "coredns cache miss, kubernetes plugin"
  std::string outcome;  // "10.100.0.42", "NXDOMAIN", "NODATA", "dropped at ... (1,024 packets/s)", "no answer"
  std::string note;
  sim::Time sent{};
  std::optional<sim::Time> answered;  // when the reply reached the client; none if lost
  bool too_late = false;              // arrived after the client gave up on it
};

enum class LookupStatus : std::uint8_t { Resolved, NxDomain, NoData, Timeout };
std::string_view to_string(LookupStatus status);

struct LookupResult {
  LookupStatus status = LookupStatus::NxDomain;
  std::string answered_name;  // the candidate name that resolved
  std::vector<net::Ipv4Address> addresses;
  std::vector<std::string> cnames;
  std::vector<std::string> notes;  // explanations from denials (e.g. a zone not associated)
  sim::Time started{};
  sim::Time finished{};
  int queries = 0;  // query packets the client sent
};

struct EniCounters {
  std::string eni;
  std::uint64_t passed = 0;
  std::uint64_t dropped = 0;
};

struct ServerCounters {
  std::string name;  // "kube-system/coredns-0" or "node-local-dns on c/ng-0"
  std::uint64_t queries = 0;
  CacheStats cache;
  std::uint64_t waited = 0;  // queries that found the replica busy
};

class DnsSystem {
 public:
  DnsSystem(sim::Simulator& sim, const DnsWorld& world, DnsTuning tuning, std::uint64_t seed);
  DnsSystem(const DnsSystem&) = delete;
  DnsSystem& operator=(const DnsSystem&) = delete;
  ~DnsSystem();

  // The resolv.conf of a pod (throws std::invalid_argument for a bad dnsConfig).
  [[nodiscard]] ResolvConf resolv_conf(std::uint32_t pod) const;
  // One getaddrinfo-style lookup from `pod`; `family` Both asks A and AAAA.
  sim::Task<LookupResult> lookup(std::uint32_t pod, std::string name, LookupFamily family);
  // Records every query packet into `trace` (nullptr: off, the default).
  void set_trace(std::vector<QueryRecord>* trace) { trace_ = trace; }

  [[nodiscard]] std::vector<EniCounters> resolver_counters() const;
  [[nodiscard]] std::vector<ServerCounters> coredns_counters() const;
  [[nodiscard]] std::vector<ServerCounters> node_local_counters() const;
  [[nodiscard]] const DnsTuning& tuning() const { return tuning_; }
  [[nodiscard]] const DnsWorld& world() const { return world_; }

 private:
  struct Replica;
  struct NodeCache;
  struct Slot;
  struct SlotWait;
  struct Candidate;
  struct Exchange;

  sim::Task<Exchange> exchange(std::uint32_t pod, net::Ipv4Address server, std::string name,
                               std::vector<RecordType> types, int attempt, sim::Time deadline);
  sim::Task<Candidate> ask(std::uint32_t pod, const ResolvConf& conf, const std::string& name,
                           const std::vector<RecordType>& types);
  sim::Task<> serve(std::uint32_t slot, std::uint32_t generation, int index, std::uint32_t pod, net::Ipv4Address server,
                    std::string name, RecordType type, int attempt);
  sim::Task<std::optional<Answer>> via_node_local(std::uint32_t pod, const std::string& name, RecordType type,
                                                  std::size_t rec);
  sim::Task<std::optional<Answer>> via_coredns(std::uint32_t cluster, std::uint32_t from_node, const std::string& name,
                                               RecordType type, std::size_t rec);
  sim::Task<std::optional<Answer>> coredns_resolve(std::uint32_t replica, std::string name, RecordType type,
                                                   std::size_t rec, int depth);
  sim::Task<std::optional<Answer>> via_resolver(std::uint32_t bucket, std::uint32_t vpc, const std::string& name,
                                                RecordType type, std::size_t rec);

  std::uint32_t open_slot(int needed);
  void close_slot(std::uint32_t slot);
  void deliver(std::uint32_t slot, std::uint32_t generation, int index, std::optional<Answer> answer);
  [[nodiscard]] sim::Time one_way(std::uint32_t from_node, std::uint32_t to_node) const;
  QueryRecord* record(std::size_t index) {
    return trace_ != nullptr && index < trace_->size() ? &(*trace_)[index] : nullptr;
  }

  sim::Simulator& sim_;
  const DnsWorld& world_;
  DnsTuning tuning_;
  sim::Time coredns_service_;
  std::vector<ClusterZone> zones_;                       // per cluster
  std::vector<std::vector<std::uint32_t>> replicas_of_;  // per cluster: into replicas_
  std::deque<Replica> replicas_;
  std::vector<std::unique_ptr<NodeCache>> node_caches_;  // per node; null without NodeLocal DNSCache
  std::vector<TokenBucket> buckets_;
  std::vector<std::string> bucket_names_;
  std::vector<std::uint32_t> pod_bucket_;   // per pod
  std::vector<std::uint32_t> node_bucket_;  // per node: its primary ENI
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  sim::RandomStream pick_;
  std::vector<QueryRecord>* trace_ = nullptr;
};

}  // namespace eksim::dns
