// Running the DNS model: one lookup traced query by query (`eksim dns
// --from --name`), and the scenario's dnsTraffic as Poisson streams of
// lookups with latency, outcome and drop counts (`eksim dns --load`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eksim/dns/dns_system.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/sim/histogram.hpp"

namespace eksim::dns {

struct TracedLookup {
  std::string from;  // pod name
  std::string name;
  LookupFamily family = LookupFamily::Both;
  ResolvConf conf;
  std::vector<QueryRecord> queries;  // in the order sent
  LookupResult result;
};

// Looks `name` up from `pod` on a quiet system (empty caches, full buckets).
TracedLookup trace_lookup(const DnsWorld& world, const DnsTuning& tuning, std::uint32_t pod, const std::string& name,
                          LookupFamily family, std::uint64_t seed);

struct DnsFlowResult {
  std::string from;  // "cluster/namespace/workload"
  std::string name;
  double rate_per_second = 0;
  std::uint32_t source_pods = 0;
  std::uint64_t lookups = 0;
  std::uint64_t resolved = 0;
  std::uint64_t nxdomain = 0;
  std::uint64_t nodata = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t queries = 0;         // query packets the clients sent
  std::uint64_t slower_than_1s = 0;  // lookups that waited out at least one timeout
  sim::Histogram latency;
  std::string where;
};

struct DnsLoadResult {
  std::string scenario;
  std::uint64_t seed = 0;
  sim::Time duration{};
  std::uint64_t events = 0;
  std::vector<DnsFlowResult> flows;
  std::vector<EniCounters> resolver;  // ENIs that sent to the VPC resolver
  std::vector<ServerCounters> coredns;
  std::vector<ServerCounters> node_local;
};

struct DnsLoadOptions {
  std::optional<std::uint64_t> seed;  // default: the scenario's
  std::optional<sim::Time> duration;  // of arrivals; default: the scenario's
};

// Lookups arrive for `duration`; the run goes on until every one has ended.
DnsLoadResult run_dns_load(const scenario::Scenario& s, const DnsWorld& world, const DnsLoadOptions& options = {});

}  // namespace eksim::dns
