// A simulation run: request flows between pods, request by request.
//
// Walking-skeleton latency model: the pods are those the capacity planner
// places (so they sit on real nodes in real AZs). Each flow is a Poisson
// source; a request goes from a random running pod of the source workload
// to a random running pod of the destination workload, crosses the network
// one way (a fixed latency by hop kind), queues FIFO for one of that pod's
// workers, is served for an exponential time, and crosses back. Arrivals
// stop at the scenario duration; requests in flight then finish so every
// arrival is counted.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eksim/scenario/scenario.hpp"
#include "eksim/sim/histogram.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::traffic {

struct RunOptions {
  std::optional<std::uint64_t> seed;        // default: the scenario's
  std::optional<sim::Time> duration;        // default: the scenario's
  std::uint64_t replication = 0;
  // Called now and then with the fraction of simulated time done; for
  // progress bars. Never called per event.
  std::function<void(double)> progress;
};

struct FlowResult {
  std::string from;
  std::string to;
  double offered_rate = 0;  // requests per second asked for
  std::uint64_t requests = 0;
  sim::Histogram latency;   // ns, request sent to response received
  std::uint64_t waited = 0;  // requests that found every worker busy
  std::uint32_t source_pods = 0;       // running pods the requests come from
  std::uint32_t destination_pods = 0;  // running pods that serve them
  sim::Time mean_queue_wait{};
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;
  sim::Time duration{};
  sim::Time finished_at{};
  std::uint64_t events = 0;
  std::vector<FlowResult> flows;
};

RunResult run_scenario(const scenario::Scenario& s, const RunOptions& options = {});

// One expectation's outcome, for `eksim run`/`check` exit codes.
struct ExpectationOutcome {
  const scenario::Expectation* expectation;
  bool passed;
  std::string detail;  // "p99 1.8ms < 5ms"
};
std::vector<ExpectationOutcome> evaluate(const scenario::Scenario& s, const RunResult& r);

}  // namespace eksim::traffic
