// What a sweep keeps of one point's runs: named numbers per flow. This is
// the one place that reads a traffic::RunResult or a dns::DnsLoadResult for
// sweeps, so a richer model adds its metrics here and every sweep output,
// summary and --bound picks them up.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/dns/dns_load.hpp"
#include "eksim/traffic/run.hpp"

namespace eksim::sweep {

// What a row of the table measures: a request flow of `traffic:`, a lookup
// stream of `dnsTraffic:`, or the DNS servers over all streams of the point.
enum class FlowKind : std::uint8_t { traffic, dns, dns_servers };
std::string_view to_string(FlowKind kind);

struct FlowLabel {
  FlowKind kind = FlowKind::traffic;
  std::uint32_t index = 0;  // within its kind: traffic.N, dnsTraffic.N
  std::string from;
  std::string to;
};

struct Metric {
  std::uint32_t flow = 0;  // into RunMetrics::flows
  std::string name;        // "p99"
  std::string unit;        // "ms", "1/s", "count", "ratio"
  double value = 0;
};

struct RunMetrics {
  // Request flows first, then lookup streams, then (with dnsTraffic) the
  // DNS servers; numbered in that order.
  std::vector<FlowLabel> flows;
  std::vector<Metric> metrics;  // flow by flow, each kind's in one fixed order
};

// Per request flow: requests, completed, throughput (completed per
// simulated second), error_rate (share of requests that did not complete),
// the response time's mean, p50, p90, p99, p999 and max in milliseconds,
// retries, data_cost, and dns_mean (mean time per completed request spent in
// name lookups, ms).
void add_run_metrics(const traffic::RunResult& r, RunMetrics& out);
RunMetrics run_metrics(const traffic::RunResult& r);

// Per lookup stream: lookups, resolved, nxdomain_rate, nodata_rate,
// timeout_rate (shares of lookups), queries (packets the clients sent),
// slower_than_1s, and the lookup time's mean, p50, p90, p99 and max in ms.
// Then one dns_servers entry: the VPC resolver's packets passed and dropped
// over every ENI and on the ENI that dropped most, CoreDNS's queries, cache
// hit ratio and queries that waited, NodeLocal DNSCache's queries and hit
// ratio.
void add_dns_metrics(const dns::DnsLoadResult& r, RunMetrics& out);

// The metrics of one flow of `kind`, names and units only, in order.
std::vector<Metric> metric_catalog(FlowKind kind = FlowKind::traffic);
// The kind whose catalog has `name`, if any.
bool metric_kind(const std::string& name, FlowKind* kind);

// The value of `name` for the `index`th flow of `kind`; nullptr if the run
// has no such flow or metric.
const Metric* find_metric(const RunMetrics& m, FlowKind kind, std::uint32_t index, const std::string& name);

}  // namespace eksim::sweep
