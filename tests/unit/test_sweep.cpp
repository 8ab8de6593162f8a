// eksim sweep: grid points and replications against single runs built by
// hand, override paths and their errors, the Student t interval, and the
// knee search against the analytic M/M/c sojourn-time distribution.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "eksim/report/sweep_report.hpp"
#include "eksim/scenario/load_error.hpp"
#include "eksim/sim/random.hpp"
#include "eksim/sweep/confidence.hpp"
#include "eksim/sweep/sweep.hpp"
#include "eksim/traffic/run.hpp"

namespace {

using eksim::scenario::LoadError;
namespace sweep = eksim::sweep;

const std::string kDir = std::string(EKSIM_SOURCE_DIR) + "/tests/sweep/";

// A sweep file in the temporary folder for one test (named by process, so
// the release and sanitizer test runs never share it).
struct TempSweep {
  std::string path;
  explicit TempSweep(const std::string& text)
      : path((std::filesystem::temp_directory_path() / ("eksim-test-sweep-" + std::to_string(::getpid()) + ".yaml"))
                 .string()) {
    std::ofstream(path) << text;
  }
  ~TempSweep() { std::filesystem::remove(path); }
  TempSweep(const TempSweep&) = delete;
  TempSweep& operator=(const TempSweep&) = delete;
};

const sweep::Metric& metric(const sweep::RunMetrics& m, const std::string& name) {
  for (const auto& x : m.metrics) {
    if (x.name == name) return x;
  }
  FAIL("no metric " << name);
  return m.metrics.front();
}

}  // namespace

TEST_CASE("sweep rows are the single runs of the same points with the same seeds", "[sweep]") {
  const auto spec = sweep::load_sweep(kDir + "mmc-grid.yaml");
  REQUIRE(sweep::point_count(spec) == 4);
  sweep::SerialRunner runner;
  const auto result = sweep::run_sweep(spec, runner);
  REQUIRE(result.runs.size() == 12);

  // The grid by hand: rates 300/s and 600/s (first axis, slowest), workers 4
  // and 8, applied to the loaded scenario's structs, not through YAML.
  const auto base = eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/mmc.yaml");
  REQUIRE(base.seed == 42);
  for (const auto& run : result.runs) {
    auto s = base;
    s.flows[0].arrivals.rate_per_second = run.point < 2 ? 300 : 600;
    s.servers[0].workers = run.point % 2 == 0 ? 4 : 8;
    CHECK(run.replication == (&run - result.runs.data()) % 3);
    CHECK(run.seed == eksim::sim::stream_key(42, run.replication, "sweep", "replication"));
    eksim::traffic::RunOptions o;
    o.seed = run.seed;
    o.duration = eksim::sim::Time::s(5);
    const auto single = eksim::traffic::run_scenario(s, o);
    const auto& f = single.flows[0];
    CHECK(metric(run.metrics, "requests").value == static_cast<double>(f.requests));
    CHECK(metric(run.metrics, "completed").value == static_cast<double>(f.latency.count()));
    // Answers within the 5 s run, per second.
    CHECK(metric(run.metrics, "throughput").value == Approx(static_cast<double>(f.completed_in_time) / 5.0));
    CHECK(metric(run.metrics, "p99").value == Approx(static_cast<double>(f.latency.quantile(0.99)) / 1e6));
    CHECK(metric(run.metrics, "max").value == Approx(static_cast<double>(f.latency.max()) / 1e6));
    CHECK(metric(run.metrics, "mean").value == Approx(f.latency.mean() / 1e6));
    CHECK(run.metrics.flows[0].from == "c/web/client");
  }
  // Replications differ (independent seeds); the same replication at two
  // points shares its seed (common random numbers).
  CHECK(result.runs[0].seed != result.runs[1].seed);
  CHECK(result.runs[0].seed == result.runs[3].seed);

  const std::string csv = eksim::report::sweep_csv(spec, result);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 12 * 12);  // 12 runs x 12 metrics
  CHECK(csv.rfind("point,replication,seed,traffic.0.rate,servers.0.workers,flow,from,to,metric,unit,value\n", 0) == 0);
  const std::string text = eksim::report::sweep_text(spec, result);
  CHECK(text.find("4 points x 3 replications") != std::string::npos);
}

TEST_CASE("sweep summary: mean and Student t 95% interval", "[sweep]") {
  // t(0.975) from the published table (NIST/SEMATECH e-Handbook 1.3.6.7.2,
  // three decimals): 12.706 (1 df), 4.303 (2 df), 2.228 (10 df), 1.984 (100 df).
  CHECK(sweep::student_t_quantile(0.975, 1) == Approx(12.706).margin(5e-4));
  CHECK(sweep::student_t_quantile(0.975, 2) == Approx(4.303).margin(5e-4));
  CHECK(sweep::student_t_quantile(0.975, 10) == Approx(2.228).margin(5e-4));
  CHECK(sweep::student_t_quantile(0.975, 100) == Approx(1.984).margin(5e-4));
  // 1, 2, 3: mean 2, s = 1, half width 4.303 / sqrt(3) = 2.484.
  const auto i = sweep::confidence_interval({1, 2, 3});
  CHECK(i.has_interval);
  CHECK(i.mean == 2);
  CHECK(i.low == Approx(2 - 2.484).margin(1e-3));
  CHECK(i.high == Approx(2 + 2.484).margin(1e-3));
  CHECK_FALSE(sweep::confidence_interval({5}).has_interval);
}

TEST_CASE("sweep overrides reach cluster DNS settings and node groups by name", "[sweep]") {
  const auto spec = sweep::load_sweep(kDir + "dns-grid.yaml");
  REQUIRE(sweep::point_count(spec) == 12);
  for (std::size_t p = 0; p < 12; ++p) {
    const auto s = sweep::point_scenario(spec, p);
    const auto& c = s.clusters.at(0);
    CHECK(c.dns.coredns_replicas == std::array{2, 4, 8}[p / 4]);
    CHECK(c.dns.node_local_cache == ((p / 2) % 2 == 1));
    CHECK(c.node_groups.at(0).instance_type.name == (p % 2 == 0 ? "m5.large" : "m5.xlarge"));
  }
}

TEST_CASE("sweep: a path the scenario lacks is an error at the sweep file with the closest key", "[sweep]") {
  const std::string head =
      "sweep: {scenario: " + std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/mmc-zero-hop.yaml}\ngrid:\n";
  {
    TempSweep t(head + "  clusters.c.dns.corednsReplica: [2, 4]\n");
    try {
      sweep::load_sweep(t.path);
      FAIL("no error");
    } catch (const LoadError& e) {
      CHECK(e.where().file == t.path);
      CHECK(e.where().line == 3);
      CHECK(e.where().column == 3);
      CHECK_THAT(e.message(), Catch::Contains("no key 'corednsReplica'") &&
                                  Catch::Contains("did you mean 'corednsReplicas'?"));
    }
  }
  {
    TempSweep t(head + "  clusters.shop.dns.nodeLocalCache: [true]\n");
    CHECK_THROWS_WITH(sweep::load_sweep(t.path), Catch::Contains("no item named 'shop'"));
  }
  {
    TempSweep t(head + "  traffic.1.rate: [1/s]\n");
    CHECK_THROWS_WITH(sweep::load_sweep(t.path), Catch::Contains("has 1 items, so no item 1"));
  }
  {
    // A bad value is caught by the scenario loader, at the value's place in
    // the sweep file, before any run.
    TempSweep t(head + "  clusters.c.nodeGroups.ng.instanceType: [m5.large, m5.lagre]\n");
    const auto spec = sweep::load_sweep(t.path);
    try {
      sweep::load_points(spec);
      FAIL("no error");
    } catch (const LoadError& e) {
      CHECK(e.where().file == t.path);
      CHECK(e.where().line == 3);
      CHECK(e.where().column == 53);  // the 'm5.lagre'
      CHECK_THAT(e.message(), Catch::Contains("m5.large"));
    }
  }
}

namespace {

// P(T > t) for the sojourn time T of M/M/c FIFO: the Erlang C wait W
// (P(W > t) = C e^{-(c mu - lambda) t}) plus an independent exponential
// service S: P(T > t) = e^{-mu t} [1 + C / (c - 1 - a) (1 - e^{-mu (c - 1 - a) t})].
double sojourn_tail(double t, double lambda, int c, double mu) {
  const double a = lambda / mu;
  double b = 1;  // Erlang B by its recursion
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  const double erlang_c = c * b / (c - a * (1 - b));
  const double d = c - 1 - a;
  if (std::abs(d) < 1e-9) return std::exp(-mu * t) * (1 + erlang_c * mu * t);
  return std::exp(-mu * t) * (1 + erlang_c / d * (1 - std::exp(-mu * d * t)));
}

double sojourn_p99(double lambda, int c, double mu) {
  double lo = 0, hi = 10;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (sojourn_tail(mid, lambda, c, mu) > 0.01 ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

TEST_CASE("sweep --find-knee finds the M/M/4 rate whose p99 reaches the bound", "[sweep]") {
  // Independent answer: the rate where the analytic p99 of M/M/4 with 5 ms
  // service equals 40 ms (about 669/s), by bisection on the formula above.
  const int c = 4;
  const double mu = 200;
  const double bound = 0.040;
  double lo = 1, hi = c * mu - 1e-6;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (sojourn_p99(mid, c, mu) < bound ? lo : hi) = mid;
  }
  const double analytic = lo;
  CHECK(analytic == Approx(669.4).margin(0.5));

  auto spec = sweep::load_sweep(kDir + "knee.yaml");
  sweep::KneeOptions o;
  o.where = {"--rate", 0, 0};
  o.rate_path = sweep::parse_yaml_path("traffic.0.rate", o.where);
  sweep::parse_bound("p99<40ms", o);
  CHECK(o.bound == 40);
  const auto grid = sweep::knee_grid(spec, o);
  CHECK(o.low == 300);
  CHECK(o.high == 790);
  CHECK(grid.axes.empty());
  sweep::SerialRunner runner;
  const auto k = sweep::find_knee(grid, o, runner);
  REQUIRE(k.rows.size() == 1);
  CHECK(k.rows[0].status == "found");
  CHECK(k.rows[0].knee == Approx(analytic).epsilon(0.05));
  // Bisection: the last probes bracket the knee within the 1% tolerance.
  CHECK(k.rows[0].probes.size() >= 3);
}

TEST_CASE("sweep --bound parses metric and unit", "[sweep]") {
  sweep::KneeOptions o;
  sweep::parse_bound("p999 < 1.5s", o);
  CHECK(o.metric == "p999");
  CHECK(o.bound == 1500);
  sweep::parse_bound("error_rate<0.01", o);
  CHECK(o.bound == 0.01);
  CHECK_THROWS_WITH(sweep::parse_bound("pp99<20ms", o), Catch::Contains("did you mean 'p99'?"));
  CHECK_THROWS_WITH(sweep::parse_bound("p99<20", o), Catch::Contains("duration"));
}

TEST_CASE("sweep: issue 8's DNS grid (CoreDNS replicas x rate x NodeLocal) lands on the DNS load scenario",
          "[sweep]") {
  const auto spec = sweep::load_sweep(kDir + "dns-load.yaml");
  REQUIRE(sweep::point_count(spec) == 12);
  const auto points = sweep::load_points(spec);
  for (std::size_t p = 0; p < points.size(); ++p) {
    const auto& s = points[p];
    CHECK(s.clusters.at(0).dns.coredns_replicas == std::array{1, 2, 4}[p / 4]);
    CHECK(s.dns.traffic.at(0).rate_per_second == ((p / 2) % 2 == 0 ? 500 : 1500));
    CHECK(s.clusters.at(0).dns.node_local_cache == (p % 2 == 1));
    // NodeLocal DNSCache on brings its DaemonSet into the cluster.
    CHECK(s.clusters.at(0).objects.find_workload("kube-system", "node-local-dns", "DaemonSet").has_value() ==
          (p % 2 == 1));
  }
}
