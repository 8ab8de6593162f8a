// The walking-skeleton run model against queueing theory: one flow into a
// pod with c workers is an M/M/c queue plus fixed network delays, so its
// mean latency and waiting probability follow Erlang's C formula.
#include <catch2/catch.hpp>

#include <cmath>

#include "eksim/report/run_report.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/traffic/run.hpp"

using eksim::traffic::run_scenario;

namespace {

// Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda/mu.
double erlang_c(int c, double a) {
  double sum = 0;
  double term = 1;  // a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double rho = a / c;
  const double top = term / (1 - rho);  // a^c / c! / (1 - rho)
  return top / (sum + top);
}

// Two nodes of m5.large in one AZ; the scheduler puts the client and the
// server on different nodes (CoreDNS takes one slot on each first).
std::string mmc_path() { return std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/mmc.yaml"; }

}  // namespace

TEST_CASE("an M/M/4 server matches Erlang C", "[run]") {
  // lambda = 600/s, mu = 200/s, c = 4: a = 3, rho = 0.75.
  const double lambda = 600;
  const double mu = 200;
  const int c = 4;
  const double pw = erlang_c(c, lambda / mu);
  CHECK(pw == Approx(0.5094).epsilon(0.001));  // tabulated Erlang C(4, 3)
  const double wq = pw / (c * mu - lambda);      // mean wait, seconds
  // One way: 120us between nodes plus a 20us veth at each end.
  const double network = 2 * (120e-6 + 2 * 20e-6);
  const double expected_mean = network + wq + 1 / mu;

  const auto s = eksim::scenario::load_scenario(mmc_path());
  const auto r = run_scenario(s);
  const auto& f = r.flows.at(0);
  REQUIRE(f.requests > 300'000);
  CHECK(f.source_pods == 1);
  CHECK(f.destination_pods == 1);
  CHECK(f.latency.mean() * 1e-9 == Approx(expected_mean).epsilon(0.02));
  CHECK(static_cast<double>(f.waited) / static_cast<double>(f.requests) == Approx(pw).epsilon(0.03));
  CHECK(f.mean_queue_wait.seconds() == Approx(wq).epsilon(0.08));
  // Nothing is faster than the network plus no wait.
  CHECK(f.latency.min() >= 320'000);
  // Offered 600/s over 600 s: 360,000 arrivals expected, Poisson sd 600.
  CHECK(std::abs(static_cast<double>(f.requests) - 360'000.0) < 4 * 600.0);
}

TEST_CASE("a run is reproducible from its seed and changes with it", "[run][determinism]") {
  const auto s = eksim::scenario::load_scenario(mmc_path());
  eksim::traffic::RunOptions o;
  o.duration = eksim::sim::Time::s(20);
  const auto a = eksim::report::run_json(run_scenario(s, o), {});
  const auto b = eksim::report::run_json(run_scenario(s, o), {});
  CHECK(a == b);
  o.seed = 43;
  const auto c = eksim::report::run_json(run_scenario(s, o), {});
  CHECK(a != c);
}
