// eksim sweep: grid points and replications against single runs built by
// hand, override paths and their errors, the Student t interval, and the
// knee search against the analytic M/M/c sojourn-time distribution.
#include <catch2/catch.hpp>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "eksim/dns/dns_load.hpp"
#include "eksim/dns/scenario_world.hpp"
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

double value(const sweep::RunMetrics& m, sweep::FlowKind kind, const std::string& name) {
  const sweep::Metric* x = sweep::find_metric(m, kind, 0, name);
  if (x == nullptr) FAIL("no metric " << name);
  return x->value;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `text` with its one `from` replaced by `to` (each edit must hit).
std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  return text.replace(at, from.size(), to);
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
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 12 * 13);  // 12 runs x 13 metrics
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

TEST_CASE("sweep: DNS rows are single dns_load runs of the same points with the same seeds", "[sweep]") {
  // Issue 8's grid: CoreDNS replicas 1, 2, 4 x lookup rate 500/s, 1500/s x
  // NodeLocal DNSCache off, on; 2 replications of 5 s of arrivals.
  const auto spec = sweep::load_sweep(kDir + "dns-load.yaml");
  REQUIRE(sweep::point_count(spec) == 12);
  sweep::SerialRunner runner;
  const auto result = sweep::run_sweep(spec, runner);
  REQUIRE(result.runs.size() == 24);

  // Each point written by hand into the base file's text (not through the
  // sweep's YAML paths) and loaded as a plain scenario.
  const std::string base_path = std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/dns/resolver-limit.yaml";
  const std::string base = read_text(base_path);
  for (const auto& run : result.runs) {
    const int replicas = std::array{1, 2, 4}[run.point / 4];
    const int rate = (run.point / 2) % 2 == 0 ? 500 : 1500;
    const bool node_local = run.point % 2 == 1;
    std::string text = replace_once(base, "dns: {corednsReplicas: 1, nodeLocalCache: false}",
                                    "dns: {corednsReplicas: " + std::to_string(replicas) +
                                        ", nodeLocalCache: " + (node_local ? "true" : "false") + "}");
    text = replace_once(text, "rate: 1500/s}", "rate: " + std::to_string(rate) + "/s}");
    const auto s = eksim::scenario::load_scenario_text(text, base_path);
    CHECK(run.seed == eksim::sim::stream_key(7, run.replication, "sweep", "replication"));
    eksim::dns::DnsLoadOptions o;
    o.seed = run.seed;
    o.duration = eksim::sim::Time::s(5);
    const auto single = eksim::dns::run_dns_load(s, eksim::dns::dns_world(s), o);
    REQUIRE(single.flows.size() == 1);
    const auto& f = single.flows[0];
    INFO("point " << run.point << " replication " << run.replication);

    // The scenario has no traffic: flows, so one lookup stream and the servers.
    REQUIRE(run.metrics.flows.size() == 2);
    CHECK(run.metrics.flows[0].kind == sweep::FlowKind::dns);
    CHECK(run.metrics.flows[0].from == "c/app/client");
    CHECK(run.metrics.flows[0].to == "host-{i}.example.com.");
    CHECK(run.metrics.flows[1].kind == sweep::FlowKind::dns_servers);
    using K = sweep::FlowKind;
    const auto& m = run.metrics;
    CHECK(value(m, K::dns, "lookups") == static_cast<double>(f.lookups));
    CHECK(value(m, K::dns, "resolved") == static_cast<double>(f.resolved));
    CHECK(value(m, K::dns, "timeout_rate") ==
          Approx(static_cast<double>(f.timeouts) / static_cast<double>(f.lookups)));
    CHECK(value(m, K::dns, "nxdomain_rate") == 0);  // every name is public
    CHECK(value(m, K::dns, "queries") == static_cast<double>(f.queries));
    CHECK(value(m, K::dns, "lookup_p99") == Approx(static_cast<double>(f.latency.quantile(0.99)) / 1e6));
    CHECK(value(m, K::dns, "lookup_max") == Approx(static_cast<double>(f.latency.max()) / 1e6));
    CHECK(value(m, K::dns, "lookup_mean") == Approx(f.latency.mean() / 1e6));
    std::uint64_t dropped = 0, coredns = 0, node_local_queries = 0;
    for (const auto& e : single.resolver) dropped += e.dropped;
    for (const auto& c : single.coredns) coredns += c.queries;
    for (const auto& c : single.node_local) node_local_queries += c.queries;
    CHECK(value(m, K::dns_servers, "resolver_dropped") == static_cast<double>(dropped));
    CHECK(value(m, K::dns_servers, "coredns_queries") == static_cast<double>(coredns));
    CHECK(value(m, K::dns_servers, "node_local_queries") == static_cast<double>(node_local_queries));
    CHECK((node_local_queries > 0) == node_local);

    // What a user sees (the scenario's header): 5 s at the rate is about
    // rate x 5 lookups (Poisson, 4 sigma); with one replica, no NodeLocal and
    // 1,500/s the replica's ENI passes the resolver's 1,024 burst plus
    // 1,024/s x 5 s = 6,144 of ~7,500 packets and each drop is a timed-out
    // lookup (attempts:1); two replicas on two ENIs, or NodeLocal's cache,
    // or 500/s, drop nothing.
    const double offered = rate * 5.0;
    CHECK(std::abs(value(m, K::dns, "lookups") - offered) < 4 * std::sqrt(offered));
    if (replicas == 1 && rate == 1500 && !node_local) {
      CHECK(std::abs(static_cast<double>(dropped) - (value(m, K::dns, "lookups") - 6144)) < 60);
      CHECK(value(m, K::dns, "timeout_rate") == Approx(static_cast<double>(dropped) / value(m, K::dns, "lookups")));
      CHECK(value(m, K::dns, "lookup_p99") == Approx(5000).epsilon(0.01));
    } else {
      CHECK(dropped == 0);
      CHECK(value(m, K::dns, "timeout_rate") == 0);
      CHECK(value(m, K::dns, "lookup_p99") < 50);
    }
  }
  const std::string csv = eksim::report::sweep_csv(spec, result);
  const std::size_t per_run = sweep::metric_catalog(sweep::FlowKind::dns).size() +
                              sweep::metric_catalog(sweep::FlowKind::dns_servers).size();
  CHECK(std::count(csv.begin(), csv.end(), '\n') == static_cast<std::ptrdiff_t>(1 + 24 * per_run));
}

TEST_CASE("sweep: request flows report their mean time in DNS lookups", "[sweep]") {
  // A flow addressed by name looks the name up on each new connection; one
  // addressed by workload never does.
  const auto s = eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/run/two-az.yaml");
  eksim::traffic::RunOptions o;
  o.duration = eksim::sim::Time::s(2);
  const auto r = eksim::traffic::run_scenario(s, o);
  const auto m = sweep::run_metrics(r);
  bool named = false, direct = false;
  for (std::uint32_t i = 0; i < r.flows.size(); ++i) {
    const double stage_ms = r.flows[i].stage_mean_ns[static_cast<std::size_t>(eksim::traffic::Stage::dns)] / 1e6;
    const auto* x = sweep::find_metric(m, sweep::FlowKind::traffic, i, "dns_mean");
    REQUIRE(x != nullptr);
    CHECK(x->value == Approx(stage_ms));
    if (r.flows[i].name == "by-name") {
      named = true;
      CHECK(x->value > 0);
    }
    if (r.flows[i].name == "direct") {
      direct = true;
      CHECK(x->value == 0);
    }
  }
  CHECK(named);
  CHECK(direct);
}

TEST_CASE("sweep --find-knee bounds a DNS metric on dnsTraffic's rate", "[sweep]") {
  // One CoreDNS replica, no NodeLocal: the replica's ENI passes the
  // resolver's 1,024-packet burst plus 1,024/s x 5 s = 6,144 packets, so at
  // rate r (5 r lookups, one packet each) 5 r - 6,144 time out, and the
  // timeout rate stays under 1% while 0.99 x 5 r < 6,144: r < 1,241/s.
  auto spec = sweep::load_sweep(kDir + "dns-load.yaml");
  spec.replications = 1;
  sweep::KneeOptions o;
  o.where = {"--rate", 0, 0};
  o.rate_path = sweep::parse_yaml_path("dnsTraffic.0.rate", o.where);
  o.flow = 0;
  sweep::parse_bound("timeout_rate<0.01", o);
  CHECK(o.kind == sweep::FlowKind::dns);
  o.tolerance = 0.01;
  auto grid = sweep::knee_grid(spec, o);
  CHECK(o.low == 500);
  CHECK(o.high == 1500);
  REQUIRE(grid.axes.size() == 2);  // replicas and NodeLocal; keep 1 and false
  for (auto& axis : grid.axes) {
    axis.values.resize(1);
    axis.labels.resize(1);
  }
  sweep::SerialRunner runner;
  const auto k = sweep::find_knee(grid, o, runner);
  REQUIRE(k.rows.size() == 1);
  CHECK(k.rows[0].status == "found");
  // Poisson arrivals move the count at the knee by sqrt(6,200) = 79 lookups,
  // 1.3% of the rate.
  CHECK(k.rows[0].knee == Approx(6144.0 / (0.99 * 5)).epsilon(0.04));

  // A bound on a traffic: flow's metric where the scenario has none is an
  // error before any run.
  sweep::KneeOptions bad = o;
  sweep::parse_bound("p99<20ms", bad);
  CHECK_THROWS_WITH(sweep::check_knee(grid, bad), Catch::Contains("has 0 traffic entries"));
}
