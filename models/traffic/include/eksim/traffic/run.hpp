// A simulation run: request flows between pods, request by request.
//
// Each request is a kernel process: DNS lookup when it needs a new
// connection and its target is a name, TCP connect (a round trip on the
// path, plus kube-proxy's first-packet cost and an mTLS handshake between
// sidecars), request transfer, FIFO queueing for one of the server pod's
// workers and its service time, response transfer. Paths are built from the
// pods' nodes and AZs and from the reachability verdict (peering, Transit
// Gateway, NAT gateway, load balancer); transfers share node NICs and
// Transit Gateway attachments max-min fairly. A connection the reachability
// engine denies fails the way the real one would: dropped packets end in a
// connect timeout, a Service without endpoints refuses at once. The model
// and its defaults are documented in docs/model.md.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eksim/scenario/scenario.hpp"
#include "eksim/sim/histogram.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::dns {
struct DnsWorld;
}
namespace eksim::reach {
struct Layout;
enum class Reason : std::uint8_t;
}  // namespace eksim::reach

namespace eksim::traffic {

class RunObserver;

struct RunOptions {
  std::optional<std::uint64_t> seed;      // default: the scenario's
  std::optional<sim::Time> duration;      // default: the scenario's
  std::uint64_t replication = 0;
  sim::Time window = sim::Time::s(1);     // time-series window
  bool keep_samples = false;              // keep every latency sample (for Python)
  // Called now and then with the fraction of simulated time done; for
  // progress bars. Never called per event.
  std::function<void(double)> progress;
  // Told about every request when it ends (flow logs, metrics, traces);
  // nullptr: nobody listens and the run keeps no per-request detail.
  RunObserver* observer = nullptr;
};

// Where a request's time goes, summed per flow and reported as a mean per
// completed request.
enum class Stage : std::uint8_t {
  dns,               // name lookups for new connections
  connect,           // TCP handshake round trips (and SYN timeouts)
  kube_proxy,        // first-packet rule matching on a new connection
  mtls,              // TLS handshake between sidecars on a new connection
  sidecar,           // Envoy sidecar traversals
  network,           // pod veths and the VPC between nodes and AZs
  transit_gateway,   // the Transit Gateway hop
  load_balancer,     // the NLB or ALB hop
  api_gateway,       // Amazon API Gateway
  nat_gateway,       // the NAT gateway hop
  internet,          // beyond the VPC edge
  transfer,          // bytes over shared bandwidth
  queue,             // waiting for a server worker
  service,           // the server's work
  backoff,           // waiting between retries
  count_
};
inline constexpr std::size_t kStages = static_cast<std::size_t>(Stage::count_);
std::string_view to_string(Stage stage);

struct ErrorCount {
  std::string cause;  // "connect timeout: NETPOL_INGRESS_DENY", "timeout", "503 queue full", ...
  std::uint64_t count = 0;
};

struct Window {
  sim::Time start{};
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  sim::Histogram latency;  // of requests completed in the window
};

struct FlowResult {
  std::string name;
  std::string from;
  std::string to;
  double offered_rate = 0;  // requests per second asked for (0 for closed loop)
  std::uint64_t requests = 0;   // started
  std::uint64_t completed = 0;  // with a response
  std::uint64_t completed_in_time = 0;  // of them, answered within the run's duration
  std::uint64_t failed = 0;     // ended in an error (after retries)
  std::uint64_t retries = 0;    // extra attempts made
  std::uint64_t waited = 0;     // attempts that found every worker of their server busy
  sim::Histogram latency;       // ns, request start to response, completed requests
  std::vector<std::int64_t> samples;  // the same, in completion order, with RunOptions::keep_samples
  std::vector<ErrorCount> errors;     // by cause, sorted by cause
  std::array<double, kStages> stage_mean_ns{};  // per completed request
  std::uint64_t new_connections = 0;
  std::uint64_t bytes = 0;           // request and response payloads moved
  std::uint64_t cross_az_bytes = 0;  // bytes that crossed an AZ boundary (each crossing)
  std::uint64_t transit_gateway_bytes = 0;
  std::uint64_t nat_gateway_bytes = 0;
  double data_cost_usd = 0;  // cross-AZ, TGW and NAT data charges (aws-eks-facts.md 2.8)
  std::vector<Window> windows;
  std::uint32_t source_pods = 0;       // running pods the requests come from
  std::uint32_t destination_pods = 0;  // running pods that can serve them
  // Responses per second of the run (those after its end do not count, so
  // above saturation this is the capacity, not the offered load).
  [[nodiscard]] double throughput(sim::Time duration) const;
  [[nodiscard]] double error_rate() const;                    // failed / (completed + failed)
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;
  sim::Time duration{};
  sim::Time window{};
  sim::Time finished_at{};
  std::uint64_t events = 0;
  std::vector<FlowResult> flows;
};

// One stretch of a request's time in one stage: a hop, a wait, the work.
struct Span {
  Stage stage = Stage::network;
  sim::Time start{};
  sim::Time duration{};
};

// A request as observers see it when it ends. Pods index the run's layout
// (RunContext::layout). The spans of all its attempts, and the backoffs
// between them, cover its whole latency.
struct RequestRecord {
  std::uint32_t flow = 0;
  std::uint64_t id = 0;  // in order of start, from 0, across the run
  std::uint32_t client_pod = 0;
  std::uint32_t server_pod = UINT32_MAX;  // the endpoint asked for; UINT32_MAX: none (external, no endpoints, DNS failed)
  std::uint16_t port = 0;                 // the server's port (a Service's target port)
  sim::Time start{};
  sim::Time end{};
  bool ok = false;
  std::string cause;  // the error, as in FlowResult::errors; "" when ok
  // Dropped on the way by a security group or network ACL (VPC Flow Logs
  // show REJECT) rather than by a policy inside the node.
  bool rejected_by_vpc = false;
  std::uint32_t attempts = 1;
  std::uint64_t request_bytes = 0;
  std::uint64_t response_bytes = 0;
  bool new_connection = false;  // the last attempt opened one
  bool client_sidecar = false;
  bool server_sidecar = false;
  std::vector<Span> spans;
};

// What an observer needs to name things: the scenario and the laid-out cluster.
struct RunContext {
  const scenario::Scenario& scenario;
  const reach::Layout& layout;
  const dns::DnsWorld& dns_world;  // pods' ENIs
  const RunResult& result;         // flows' names (filled as the run goes)
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void begin(const RunContext& context) = 0;
  virtual void request_done(const RequestRecord& request) = 0;
  virtual void end() = 0;
};

// Throws std::invalid_argument for what only the run can find wrong (a flow
// with no running pod to send from is not that: it reports zero requests).
RunResult run_scenario(const scenario::Scenario& s, const RunOptions& options = {});

// One expectation's outcome, for `eksim run`/`check` exit codes.
struct ExpectationOutcome {
  const scenario::Expectation* expectation;
  bool passed;
  std::string detail;  // "p99 1.8ms < 5ms"
};
std::vector<ExpectationOutcome> evaluate(const scenario::Scenario& s, const RunResult& r);

}  // namespace eksim::traffic
