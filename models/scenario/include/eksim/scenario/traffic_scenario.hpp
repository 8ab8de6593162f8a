// What a scenario says about traffic: request flows, how servers serve, the
// latency of each kind of hop, the service mesh, and latency expectations.
// The run model (models/traffic) reads these; every default is from
// ../shared/reference/aws-eks-facts.md with its source in docs/model.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eksim/net/ipv4_address.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::scenario {

// A workload of a cluster's manifests, named "cluster/namespace/name".
struct WorkloadRef {
  std::uint32_t cluster = 0;
  std::uint32_t workload = 0;  // into Cluster::objects.workloads
};

// A distribution of durations (in ns) or sizes (in bytes), written
//   5ms                  constant
//   exp(5ms)             exponential with that mean
//   lognormal(2ms, 0.5)  log-normal with that median and sigma (of the log)
//   uniform(1ms, 3ms)    uniform between the two
//   pareto(1KiB, 1.5)    Pareto with that minimum (scale) and shape alpha
//   gamma(2ms, 4)        gamma with that mean and shape k
//   630us + exp(36us)    a constant plus any of the above (a shifted one)
struct Distribution {
  enum class Kind : std::uint8_t { constant, exponential, lognormal, uniform, pareto, gamma };
  Kind kind = Kind::constant;
  double shift = 0;  // the constant added to every sample
  double a = 0;      // constant: value; exponential: mean; lognormal: median;
                     // uniform: low; pareto: minimum; gamma: mean
  double b = 0;      // lognormal: sigma; uniform: high; pareto: alpha; gamma: shape

  static Distribution constant_of(double v) { return {Kind::constant, 0, v, 0}; }
  static Distribution exponential_of(double mean) { return {Kind::exponential, 0, mean, 0}; }
  // The distribution's mean (infinite for a Pareto with alpha <= 1).
  [[nodiscard]] double mean() const;
};

// How each pod of a workload serves requests.
struct Server {
  WorkloadRef workload;
  std::uint32_t workers = 1;  // requests served at once; the rest wait FIFO
  Distribution service_time = Distribution::exponential_of(1e6);
  std::optional<std::uint32_t> queue_limit;  // waiting requests beyond it are refused (503)
  std::string where;
};

// How requests of a flow arrive.
struct Arrivals {
  enum class Kind : std::uint8_t { poisson, constant, on_off, closed };
  Kind kind = Kind::poisson;
  double rate_per_second = 0;  // open loop: mean rate while on
  // on_off: the source alternates on and off periods (each a distribution),
  // sending at `rate_per_second` (Poisson) only while on.
  Distribution on = Distribution::constant_of(1e9);
  Distribution off = Distribution::constant_of(0);
  // closed: `clients` clients per flow, each sending its next request a
  // think time after the last response (or error).
  std::uint32_t clients = 0;
  Distribution think_time = Distribution::constant_of(0);
};

// Where a flow's requests go, resolved against the scenario at load time
// (an unknown name is a load error); a DNS name is resolved at run time by
// the caller's DNS, so NXDOMAIN is a run outcome, not a load error.
struct FlowTarget {
  enum class Kind : std::uint8_t { workload, service, load_balancer, ingress, api_gateway, address, dns_name };
  Kind kind = Kind::workload;
  WorkloadRef workload;            // workload: its pods, directly
  std::uint32_t cluster = 0;       // service, load_balancer, ingress: the object's cluster
  std::uint32_t service = 0;       //   and index into Cluster::objects.services (ingress: the backend's)
  std::uint32_t ingress = 0;       // ingress: index into Cluster::objects.ingresses
  std::uint32_t api_gateway = 0;   // api_gateway: index into Scenario::api_gateways (cluster, service: its NLB)
  std::uint32_t backend_port = 0;  // ingress: index into the backend Service's ports
  std::string host;                // ingress: the request's Host ("" matches rules without a host)
  std::string path = "/";          // ingress: the request's path, which picks the rule
  net::Ipv4Address address;        // address: a pod, node, ClusterIP or external address
  std::string dns_name;            // dns_name: as written ("cart.web", "cart.web.svc.cluster.local")
  std::optional<std::uint16_t> port;  // the port asked for; default: the Service's or container's first
  std::string text;                // as written, for reports
};

struct RetryPolicy {
  std::uint32_t attempts = 0;            // retries after the first try
  sim::Time backoff = sim::Time::ms(25);  // base of a jittered exponential backoff (Envoy's default)
  // Retries allowed as a fraction of the requests in flight (Envoy retry
  // budget); nullopt: no budget.
  std::optional<double> budget;
};

struct Flow {
  std::string name;  // "flow-<index>" unless given
  WorkloadRef from;
  FlowTarget to;
  Arrivals arrivals;
  Distribution request_size = Distribution::constant_of(1024);
  Distribution response_size = Distribution::constant_of(1024);
  sim::Time timeout = sim::Time::s(15);         // whole request, from the client's view
  sim::Time connect_timeout = sim::Time::s(3);  // one SYN's wait before giving up on the connection
  RetryPolicy retries;
  bool keep_alive = true;  // reuse connections from a per-client pool
  std::string where;       // file:line:column of the entry
};

// One-way latency of each kind of hop (a distribution each). Names are the
// keys of `hopLatency:` in the scenario.
// Defaults (docs/model.md): same AZ, half of a 0.1-0.3 ms RTT with low
// jitter; cross AZ, half of a 0.5-1.5 ms RTT with a heavy tail; the TGW, NLB
// and NAT gateway hops are not published and are assumptions to calibrate.
struct HopLatencies {
  Distribution same_node = Distribution::constant_of(20e3);  // veth pair and host routing, one way
  Distribution same_az = {Distribution::Kind::lognormal, 0, 100e3, 0.25};  // node to node in one AZ
  Distribution cross_az = {Distribution::Kind::lognormal, 0, 400e3, 0.5};  // node to node across AZs
  struct AzPair {
    std::string a, b;  // AZ names or ids
    Distribution latency;
  };
  std::vector<AzPair> az_pairs;  // overrides cross_az for a pair, both ways
  Distribution transit_gateway = {Distribution::Kind::lognormal, 0, 100e3, 0.3};  // the TGW hop itself
  Distribution nlb = {Distribution::Kind::lognormal, 0, 100e3, 0.3};
  Distribution nat_gateway = {Distribution::Kind::lognormal, 0, 100e3, 0.3};
  Distribution internet = {Distribution::Kind::lognormal, 0, 10e6, 0.3};  // VPC edge to an external address, one way
  Distribution alb = {Distribution::Kind::lognormal, 0, 400e3, 0.4};  // an ALB's proxying of one message
  Distribution api_gateway = {Distribution::Kind::lognormal, 0, 3e6, 0.4};  // Amazon API Gateway, one message
};

// An Amazon API Gateway API whose integration reaches into the VPC through a
// VPC link to an NLB (a LoadBalancer Service's): a managed proxy in front of
// that NLB. Flows address it as `name[ApiGateway]`.
struct ApiGateway {
  std::string name;
  std::uint32_t cluster = 0;  // the NLB's Service
  std::uint32_t service = 0;
  std::string where;
};

// kube-proxy's data path, per cluster.
struct KubeProxy {
  enum class Mode : std::uint8_t { iptables, ipvs, nftables };
  Mode mode = Mode::iptables;
};

// The service mesh (Istio-style sidecars), for namespaces labelled
// istio-injection=enabled or pods labelled sidecar.istio.io/inject=true.
struct Mesh {
  // One traversal of one sidecar, one direction. Four traversals per call
  // (request and response through client and server sidecars) of
  // 630.5us + exp(35.6us) add 2.76 ms at p90 and 2.88 ms at p99, Istio's
  // published pair figures (aws-eks-facts.md 2.7; derivation in docs/model.md).
  Distribution sidecar = {Distribution::Kind::exponential, 630.5e3, 35.6e3, 0};
  bool mtls = true;  // a TLS handshake on every new connection between sidecars
  // The sidecar's own retries: Istio's default, 2 attempts, Envoy's 20% budget.
  RetryPolicy retries = {2, sim::Time::ms(25), 0.2};
  bool locality_load_balancing = true;  // prefer endpoints in the caller's AZ
};

// A latency or error expectation on a flow, checked by `eksim run` and
// `eksim check`.
struct Expectation {
  std::uint32_t flow = 0;
  std::optional<sim::Time> p50_below;
  std::optional<sim::Time> p99_below;
  std::optional<double> error_rate_below;  // a fraction, 0.01 for 1%
  std::string where;
};

}  // namespace eksim::scenario
