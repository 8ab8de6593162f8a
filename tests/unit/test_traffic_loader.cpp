// The scenario's traffic language: each written form read into the structs of
// traffic_scenario.hpp (expected values worked out by hand from the text),
// Distribution::mean() against the closed forms, and malformed input failing
// at its file:line:column with what was expected and the closest valid name.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "eksim/scenario/scenario.hpp"
#include "eksim/scenario/traffic_loader.hpp"

using eksim::scenario::Arrivals;
using eksim::scenario::Distribution;
using eksim::scenario::FlowTarget;
using eksim::scenario::KubeProxy;
using eksim::scenario::parse_distribution;
using eksim::scenario::parse_fraction;
using eksim::scenario::parse_size;
using eksim::scenario::Quantity;
using eksim::scenario::Scenario;
using eksim::sim::Time;
using Kind = Distribution::Kind;

namespace {

// Errors name this file; manifests (apps.yaml) are read from its folder.
const std::string kFile = std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/traffic/t.yaml";

// Two clusters running the same manifests; lines 1-12, so an appended
// snippet starts at line 13.
const char* const kTwo = R"(scenario: {name: t}
regions: {us-east-1: {azs: [use1-az1, use1-az2, use1-az3]}}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets: [{name: ea, az: use1-az1, cidr: 10.0.0.0/20}]
  - name: west
    cidrs: [10.1.0.0/16]
    subnets: [{name: wa, az: use1-az2, cidr: 10.1.0.0/20}]
clusters:
  - {name: east, vpc: east, manifests: [apps.yaml], nodeGroups: [{name: ng, instanceType: m5.large, count: 1, subnets: [ea]}]}
  - {name: west, vpc: west, manifests: [apps.yaml], nodeGroups: [{name: ng, instanceType: m5.large, count: 1, subnets: [wa]}]}
)";

// One cluster; lines 1-8, so an appended snippet starts at line 9.
const char* const kOne = R"(scenario: {name: t}
regions: {us-east-1: {azs: [use1-az1, use1-az2]}}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets: [{name: ea, az: use1-az1, cidr: 10.0.0.0/20}]
clusters:
  - {name: east, vpc: east, manifests: [apps.yaml], nodeGroups: [{name: ng, instanceType: m5.large, count: 1, subnets: [ea]}]}
)";

Scenario load(const std::string& text) { return eksim::scenario::load_scenario_text(text, kFile); }

std::string error_of(const std::string& text) {
  try {
    (void)load(text);
  } catch (const eksim::scenario::LoadError& e) {
    return e.what();
  }
  return "no error";
}

// "t.yaml:L:C: message" with the full path.
std::string at(int line, int column, const std::string& message) {
  return kFile + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

Distribution dist(std::string_view text, Quantity q = Quantity::duration) {
  std::string error;
  const auto d = parse_distribution(text, q, &error);
  INFO(error);
  REQUIRE(d);
  return *d;
}

std::string dist_error(std::string_view text, Quantity q = Quantity::duration) {
  std::string error;
  const auto d = parse_distribution(text, q, &error);
  return d ? "no error" : error;
}

void check(const Distribution& d, Kind kind, double shift, double a, double b) {
  CHECK(d.kind == kind);
  CHECK(d.shift == shift);
  CHECK(d.a == a);
  CHECK(d.b == b);
}

std::uint32_t workload(const Scenario& s, std::uint32_t cluster, const char* ns, const char* name) {
  const auto w = s.clusters.at(cluster).objects.find_workload(ns, name, "Deployment");
  REQUIRE(w);
  return *w;
}

std::uint32_t service(const Scenario& s, std::uint32_t cluster, const char* ns, const char* name) {
  const auto i = s.clusters.at(cluster).objects.find_service(ns, name);
  REQUIRE(i);
  return *i;
}

}  // namespace

TEST_CASE("distributions: every written form", "[scenario][traffic]") {
  check(dist("5ms"), Kind::constant, 0, 5e6, 0);
  check(dist("exp(5ms)"), Kind::exponential, 0, 5e6, 0);
  check(dist("exponential(250us)"), Kind::exponential, 0, 250e3, 0);
  check(dist("lognormal(2ms, 0.5)"), Kind::lognormal, 0, 2e6, 0.5);
  check(dist("uniform(1ms, 3ms)"), Kind::uniform, 0, 1e6, 3e6);
  check(dist("uniform(2ms, 2ms)"), Kind::uniform, 0, 2e6, 2e6);
  check(dist("gamma(2ms, 4)"), Kind::gamma, 0, 2e6, 4);
  check(dist("pareto(1KiB, 1.5)", Quantity::size), Kind::pareto, 0, 1024, 1.5);
  check(dist("630us + exp(36us)"), Kind::exponential, 630e3, 36e3, 0);
  // Either order, any spacing; the mesh default's exact decimals.
  check(dist("exp(35.6us)+630.5us"), Kind::exponential, 630.5e3, 35.6e3, 0);
  check(dist("  lognormal( 1.5ms ,2 )  "), Kind::lognormal, 0, 1.5e6, 2);
  // A constant plus a constant is one constant.
  check(dist("1ms + 250us"), Kind::constant, 0, 1.25e6, 0);
  check(dist("0"), Kind::constant, 0, 0, 0);
}

TEST_CASE("sizes: bare bytes, decimal and binary units", "[scenario][traffic]") {
  auto size = [](std::string_view text) {
    std::string error;
    const auto v = parse_size(text, &error);
    INFO(error);
    REQUIRE(v);
    return *v;
  };
  CHECK(size("1024") == 1024);
  CHECK(size("512B") == 512);
  CHECK(size("16kB") == 16000);
  CHECK(size("16KB") == 16000);
  CHECK(size("2KiB") == 2048);
  CHECK(size("1.5MiB") == 1572864);
  CHECK(size("1MB") == 1e6);
  CHECK(size("1GiB") == 1073741824.0);
  CHECK(size("3GB") == 3e9);
  check(dist("exp(16KiB)", Quantity::size), Kind::exponential, 0, 16384, 0);
  check(dist("200B + exp(1kB)", Quantity::size), Kind::exponential, 200, 1000, 0);
  check(dist("2KiB", Quantity::size), Kind::constant, 0, 2048, 0);

  std::string error;
  CHECK_FALSE(parse_size("2kiB", &error));
  CHECK(error == "unknown size unit 'kiB' (did you mean 'KiB'?) in '2kiB' (expected B, kB, KiB, MB, MiB, GB or GiB)");
  CHECK_FALSE(parse_size("-1", &error));
  CHECK(error == "expected a size such as 1024, 512B, 16kB, 2KiB or 1.5MiB, got '-1' (sizes cannot be negative)");
}

TEST_CASE("fractions: percentages and plain fractions", "[scenario][traffic]") {
  std::string error;
  CHECK(*parse_fraction("20%", &error) == Approx(0.2));
  CHECK(*parse_fraction("0.5%", &error) == Approx(0.005));
  CHECK(*parse_fraction("0.01", &error) == 0.01);
  CHECK(*parse_fraction("1", &error) == 1);
  CHECK_FALSE(parse_fraction("150%", &error));
  CHECK(error == "'150%' is outside 0% to 100%");
  CHECK_FALSE(parse_fraction("5", &error));
  CHECK(error == "'5' is outside 0% to 100% (a bare number is a fraction: write 5% for a percentage)");
  CHECK_FALSE(parse_fraction("lots", &error));
  CHECK(error == "expected a percentage such as 20% or a fraction such as 0.2, got 'lots'");
}

TEST_CASE("Distribution::mean follows each family's closed form", "[scenario][traffic]") {
  CHECK(Distribution::constant_of(5e6).mean() == 5e6);
  CHECK(Distribution::exponential_of(2e6).mean() == 2e6);
  // Log-normal: median * e^(sigma^2 / 2); e^0.125 = 1.1331484530668263.
  CHECK(dist("lognormal(2ms, 0.5)").mean() == Approx(2e6 * 1.1331484530668263).epsilon(1e-12));
  // e^(1/2) = 1.6487212707001282.
  CHECK(dist("lognormal(1ms, 1)").mean() == Approx(1e6 * 1.6487212707001282).epsilon(1e-12));
  CHECK(dist("uniform(1ms, 3ms)").mean() == 2e6);
  // Pareto: alpha * xm / (alpha - 1) = 1.5 * 1024 / 0.5.
  CHECK(dist("pareto(1KiB, 1.5)", Quantity::size).mean() == Approx(3072));
  CHECK(dist("pareto(1KiB, 3)", Quantity::size).mean() == Approx(1536));
  CHECK(dist("pareto(1KiB, 1)", Quantity::size).mean() == std::numeric_limits<double>::infinity());
  CHECK(dist("pareto(1KiB, 0.5)", Quantity::size).mean() == std::numeric_limits<double>::infinity());
  CHECK(dist("gamma(2ms, 4)").mean() == 2e6);
  // The shift adds to every sample, so to the mean: 630.5us + 35.6us.
  CHECK(dist("630.5us + exp(35.6us)").mean() == Approx(666.1e3));
  CHECK(dist("1ms + lognormal(2ms, 0.5)").mean() == Approx(1e6 + 2e6 * 1.1331484530668263));
  // The header's defaults: same AZ lognormal(100us, 0.25), e^(0.03125) = 1.0317434074991028.
  CHECK(eksim::scenario::HopLatencies{}.same_az.mean() == Approx(100e3 * 1.0317434074991028));
}

TEST_CASE("distributions: bad parameters and forms say what was expected", "[scenario][traffic]") {
  CHECK(dist_error("lognormal(2ms, 0)") ==
        "'lognormal(2ms, 0)': sigma must be above 0 and at most 10 (lognormal(median, sigma), e.g. lognormal(2ms, 0.5))");
  CHECK(dist_error("lognormal(2ms, -0.5)") ==
        "'lognormal(2ms, -0.5)': sigma must be above 0 and at most 10 (lognormal(median, sigma), e.g. lognormal(2ms, 0.5))");
  CHECK(dist_error("lognormal(0, 0.5)") ==
        "'lognormal(0, 0.5)': the median must be above 0 (lognormal(median, sigma), e.g. lognormal(2ms, 0.5))");
  CHECK(dist_error("uniform(3ms, 1ms)") ==
        "'uniform(3ms, 1ms)': low is above high (uniform(low, high), e.g. uniform(1ms, 3ms))");
  CHECK(dist_error("pareto(1KiB, 0)", Quantity::size) ==
        "'pareto(1KiB, 0)': alpha must be above 0 and at most 1000000 (pareto(minimum, alpha), e.g. pareto(1KiB, 1.5))");
  CHECK(dist_error("gamma(2ms, 0)") ==
        "'gamma(2ms, 0)': the shape must be above 0 and at most 1000000 (gamma(mean, shape), e.g. gamma(2ms, 4))");
  CHECK(dist_error("gamma(2ms, four)") ==
        "'gamma(2ms, four)': the shape must be a plain number (gamma(mean, shape), e.g. gamma(2ms, 4))");
  CHECK(dist_error("exp(0)") == "'exp(0)': the mean must be above 0 (exp(mean), e.g. exp(5ms))");
  CHECK(dist_error("exp(5ms, 2)") == "'exp(5ms, 2)': exp takes one value (exp(mean), e.g. exp(5ms))");
  CHECK(dist_error("exp(-5ms)") ==
        "'exp(-5ms)': expected a duration such as 250us, 1.5ms or 30s, got '-5ms' (durations cannot be negative) "
        "(exp(mean), e.g. exp(5ms))");
  CHECK(dist_error("expo(5ms)") ==
        "unknown distribution 'expo' (did you mean 'exp'?); expected 5ms, exp(5ms), lognormal(2ms, 0.5), "
        "uniform(1ms, 3ms), pareto(1ms, 1.5), gamma(2ms, 4) or 630us + exp(36us)");
  CHECK(dist_error("exp(5ms") ==
        "'exp(5ms': unbalanced parentheses; expected 5ms, exp(5ms), lognormal(2ms, 0.5), uniform(1ms, 3ms), "
        "pareto(1ms, 1.5), gamma(2ms, 4) or 630us + exp(36us)");
  CHECK(dist_error("exp(5ms) + exp(1ms)") ==
        "'exp(5ms) + exp(1ms)': only a constant can be added to a distribution, e.g. 630us + exp(36us)");
  CHECK(dist_error("1ms + 2ms + 3ms") ==
        "'1ms + 2ms + 3ms': at most one '+' (a constant plus a distribution, e.g. 630us + exp(36us))");
  CHECK(dist_error("5") ==
        "duration '5' needs a unit (ns, us, ms, s, m, h); distributions are written 5ms, exp(5ms), "
        "lognormal(2ms, 0.5), uniform(1ms, 3ms), pareto(1ms, 1.5), gamma(2ms, 4) or 630us + exp(36us)");
}

TEST_CASE("flows: every key and every target form", "[scenario][traffic]") {
  const Scenario s = load(std::string(kTwo) + R"(traffic:
  - name: checkout
    from: east/web/frontend
    to: http://cart.web:8080/checkout
    rate: 400/s
    arrivals: {onOff: {on: exp(1s), off: exp(4s)}}
    request: 2KiB
    response: exp(16KiB)
    timeout: 2s
    connectTimeout: 1s
    retries: {attempts: 2, backoff: 50ms, budget: 20%}
    keepAlive: false
  - from: west/web/frontend
    to: web/cart[Service]
    port: metrics
    clients: 16
    thinkTime: exp(10ms)
  - from: east/web/frontend
    to: west/web/cart-public[LoadBalancer]
    port: 443
    rate: 10/s
    arrivals: constant
  - {from: east/web/frontend, to: "203.0.113.9[External]", rate: 5/s}
  - {from: east/web/frontend, to: "west/web/cart[Deployment]", rate: 5/s}
  - {from: east/web/frontend, to: api.example.com, port: 443, rate: 1/m}
  - {from: east/web/frontend, to: "https://10.1.0.7/health", rate: 1/s}
  - {from: east/web/frontend, to: "grpc://cart.web.svc.cluster.local", rate: 1/s}
  - {from: east/web/frontend, to: east/web/cart, rate: 1/s}
)");
  REQUIRE(s.flows.size() == 9);

  const auto& a = s.flows[0];
  CHECK(a.name == "checkout");
  CHECK(a.where == kFile + ":14:5");
  CHECK(a.from.cluster == 0);
  CHECK(a.from.workload == workload(s, 0, "web", "frontend"));
  CHECK(a.to.kind == FlowTarget::Kind::dns_name);
  CHECK(a.to.dns_name == "cart.web");
  CHECK(a.to.port == 8080);
  CHECK(a.to.text == "http://cart.web:8080/checkout");
  CHECK(a.arrivals.kind == Arrivals::Kind::on_off);
  CHECK(a.arrivals.rate_per_second == 400);
  check(a.arrivals.on, Kind::exponential, 0, 1e9, 0);
  check(a.arrivals.off, Kind::exponential, 0, 4e9, 0);
  check(a.request_size, Kind::constant, 0, 2048, 0);
  check(a.response_size, Kind::exponential, 0, 16384, 0);
  CHECK(a.timeout == Time::s(2));
  CHECK(a.connect_timeout == Time::s(1));
  CHECK(a.retries.attempts == 2);
  CHECK(a.retries.backoff == Time::ms(50));
  REQUIRE(a.retries.budget);
  CHECK(*a.retries.budget == Approx(0.2));
  CHECK_FALSE(a.keep_alive);

  // Closed loop; a Service without a cluster is the caller's (west's); the
  // port named "metrics" is 9090; everything else at its default.
  const auto& b = s.flows[1];
  CHECK(b.name == "flow-1");
  CHECK(b.from.cluster == 1);
  CHECK(b.to.kind == FlowTarget::Kind::service);
  CHECK(b.to.cluster == 1);
  CHECK(b.to.service == service(s, 1, "web", "cart"));
  CHECK(b.to.port == 9090);
  CHECK(b.arrivals.kind == Arrivals::Kind::closed);
  CHECK(b.arrivals.clients == 16);
  check(b.arrivals.think_time, Kind::exponential, 0, 10e6, 0);
  check(b.request_size, Kind::constant, 0, 1024, 0);
  check(b.response_size, Kind::constant, 0, 1024, 0);
  CHECK(b.timeout == Time::s(15));
  CHECK(b.connect_timeout == Time::s(3));
  CHECK(b.retries.attempts == 0);
  CHECK(b.retries.backoff == Time::ms(25));
  CHECK_FALSE(b.retries.budget);
  CHECK(b.keep_alive);

  const auto& c = s.flows[2];
  CHECK(c.to.kind == FlowTarget::Kind::load_balancer);
  CHECK(c.to.cluster == 1);
  CHECK(c.to.service == service(s, 1, "web", "cart-public"));
  CHECK(c.to.port == 443);
  CHECK(c.arrivals.kind == Arrivals::Kind::constant);
  CHECK(c.arrivals.rate_per_second == 10);

  CHECK(s.flows[3].to.kind == FlowTarget::Kind::address);
  CHECK(s.flows[3].to.address.to_string() == "203.0.113.9");
  CHECK_FALSE(s.flows[3].to.port);
  CHECK(s.flows[3].arrivals.kind == Arrivals::Kind::poisson);

  CHECK(s.flows[4].to.kind == FlowTarget::Kind::workload);
  CHECK(s.flows[4].to.workload.cluster == 1);
  CHECK(s.flows[4].to.workload.workload == workload(s, 1, "web", "cart"));
  CHECK_FALSE(s.flows[4].to.port);  // the run picks the container's first port

  CHECK(s.flows[5].to.kind == FlowTarget::Kind::dns_name);
  CHECK(s.flows[5].to.dns_name == "api.example.com");
  CHECK(s.flows[5].to.port == 443);
  CHECK(s.flows[5].arrivals.rate_per_second == Approx(1.0 / 60));

  // A URL's host may be an address; https and grpc default to 443.
  CHECK(s.flows[6].to.kind == FlowTarget::Kind::address);
  CHECK(s.flows[6].to.address.to_string() == "10.1.0.7");
  CHECK(s.flows[6].to.port == 443);
  CHECK(s.flows[7].to.dns_name == "cart.web.svc.cluster.local");
  CHECK(s.flows[7].to.port == 443);

  CHECK(s.flows[8].to.workload.cluster == 0);
  CHECK(s.flows[8].to.workload.workload == workload(s, 0, "web", "cart"));
}

TEST_CASE("hop latencies, mesh, servers and latency expectations", "[scenario][traffic]") {
  const Scenario s = load(std::string(kOne) + R"(hopLatency:
  sameNode: 20us
  sameAz: lognormal(100us, 0.25)
  crossAz: 630us + exp(36us)
  azPairs:
    use1-az1/use1-az2: lognormal(300us, 0.4)
  transitGateway: uniform(50us, 150us)
  nlb: gamma(100us, 4)
  natGateway: 120us
  internet: pareto(5ms, 2.5)
mesh: {sidecar: 700us + exp(40us), mtls: false, retries: {attempts: 3}, localityLoadBalancing: false}
servers:
  - {workload: east/web/cart, workers: 4, serviceTime: exp(5ms), queueLimit: 100}
  - {workload: east/web/frontend}
traffic:
  - {name: browse, from: east/web/frontend, to: web/cart, rate: 400/s}
  - {from: east/web/frontend, to: cart.web.svc.cluster.local, port: 8080, rate: 1/s}
expect:
  - {flow: browse, p99Below: 40ms, errorRateBelow: 1%}
  - {flow: 1, p50Below: 5ms, errorRateBelow: 0.001}
)");
  CHECK(s.clusters[0].kube_proxy.mode == KubeProxy::Mode::iptables);  // the default
  const auto& h = s.hops;
  check(h.same_node, Kind::constant, 0, 20e3, 0);
  check(h.same_az, Kind::lognormal, 0, 100e3, 0.25);
  check(h.cross_az, Kind::exponential, 630e3, 36e3, 0);
  REQUIRE(h.az_pairs.size() == 1);
  CHECK(h.az_pairs[0].a == "use1-az1");
  CHECK(h.az_pairs[0].b == "use1-az2");
  check(h.az_pairs[0].latency, Kind::lognormal, 0, 300e3, 0.4);
  check(h.transit_gateway, Kind::uniform, 0, 50e3, 150e3);
  check(h.nlb, Kind::gamma, 0, 100e3, 4);
  check(h.nat_gateway, Kind::constant, 0, 120e3, 0);
  check(h.internet, Kind::pareto, 0, 5e6, 2.5);

  check(s.mesh.sidecar, Kind::exponential, 700e3, 40e3, 0);
  CHECK_FALSE(s.mesh.mtls);
  CHECK_FALSE(s.mesh.locality_load_balancing);
  // Only the attempts are overridden; the backoff and budget keep Istio's defaults.
  CHECK(s.mesh.retries.attempts == 3);
  CHECK(s.mesh.retries.backoff == Time::ms(25));
  CHECK(s.mesh.retries.budget == 0.2);

  REQUIRE(s.servers.size() == 2);
  CHECK(s.servers[0].workload.workload == workload(s, 0, "web", "cart"));
  CHECK(s.servers[0].workers == 4);
  check(s.servers[0].service_time, Kind::exponential, 0, 5e6, 0);
  CHECK(s.servers[0].queue_limit == 100u);
  CHECK(s.servers[0].where == kFile + ":21:5");
  CHECK(s.servers[1].workers == 1);
  check(s.servers[1].service_time, Kind::exponential, 0, 1e6, 0);
  CHECK_FALSE(s.servers[1].queue_limit);

  // "web/cart" names a workload when the scenario has one cluster.
  CHECK(s.flows[0].to.kind == FlowTarget::Kind::workload);
  CHECK(s.flows[0].to.workload.workload == workload(s, 0, "web", "cart"));
  CHECK(s.flows[1].to.kind == FlowTarget::Kind::dns_name);
  CHECK(s.flows[1].to.port == 8080);

  REQUIRE(s.expectations.size() == 2);
  CHECK(s.expectations[0].flow == 0);
  CHECK(s.expectations[0].p99_below == Time::ms(40));
  CHECK_FALSE(s.expectations[0].p50_below);
  CHECK(*s.expectations[0].error_rate_below == Approx(0.01));
  CHECK(s.expectations[0].where == kFile + ":27:5");
  CHECK(s.expectations[1].flow == 1);
  CHECK(s.expectations[1].p50_below == Time::ms(5));
  CHECK(*s.expectations[1].error_rate_below == 0.001);
}

TEST_CASE("plain durations still load as constants, and kubeProxy picks the data path", "[scenario][traffic]") {
  const Scenario s = load(R"(scenario: {name: t}
regions: {us-east-1: {azs: [use1-az1]}}
vpcs:
  - name: east
    cidrs: [10.0.0.0/16]
    subnets: [{name: ea, az: use1-az1, cidr: 10.0.0.0/20}]
clusters:
  - {name: east, vpc: east, manifests: [apps.yaml], kubeProxy: {mode: ipvs}, nodeGroups: [{name: ng, instanceType: m5.large, count: 1, subnets: [ea]}]}
hopLatency: {sameNode: 20us, sameAz: 120us, crossAz: 500us}
servers:
  - {workload: east/web/cart, serviceTime: 5ms}
)");
  CHECK(s.clusters[0].kube_proxy.mode == KubeProxy::Mode::ipvs);
  check(s.hops.same_az, Kind::constant, 0, 120e3, 0);
  check(s.hops.cross_az, Kind::constant, 0, 500e3, 0);
  // A bare serviceTime is constant now; exp(5ms) keeps the old exponential meaning.
  check(s.servers[0].service_time, Kind::constant, 0, 5e6, 0);
}

TEST_CASE("traffic keys: bad input names its place, what was expected and the closest name", "[scenario][traffic]") {
  const std::string two = kTwo;
  // Line 13 is the first appended line.
  CHECK(error_of(two + "traffic:\n  - {from: east/web/frontend, to: east/web/cart, rat: 400/s}\n") ==
        at(14, 50, "flow: unknown key 'rat' (did you mean 'rate'?)"));
  CHECK(error_of(two + "traffic:\n  - {from: east/web/frontend, to: east/web/cart, rate: 1/s, clients: 4}\n") ==
        at(14, 70, "flow: give either rate (an open-loop source) or clients (closed-loop clients), not both"));
  CHECK(error_of(two + "traffic:\n  - {from: east/web/frontend, to: east/web/cart}\n") ==
        at(14, 5, "flow: give rate (an open-loop source, e.g. rate: 400/s) or clients (closed-loop clients, e.g. clients: 16)"));
  CHECK(error_of(two + "traffic:\n  - {from: east/web/frontend, to: east/web/cart, rate: 1/s, thinkTime: 1ms}\n") ==
        at(14, 72, "flow thinkTime: only with clients (closed loop); an open-loop flow has a rate"));
  CHECK(error_of(two + "traffic:\n  - {from: east/web/frontend, to: east/web/cart, rate: 1/s, arrivals: poison}\n") ==
        at(14, 71, "flow arrivals: expected poisson, constant or {onOff: {on: exp(1s), off: exp(4s)}}, got 'poison' "
                   "(did you mean 'poisson'?)"));

  // Distribution parameters, at the value.
  CHECK(error_of(two + "servers:\n  - workload: east/web/cart\n    serviceTime: lognormal(2ms, -0.5)\n") ==
        at(15, 18, "server serviceTime: 'lognormal(2ms, -0.5)': sigma must be above 0 and at most 10 "
                   "(lognormal(median, sigma), e.g. lognormal(2ms, 0.5))"));
  CHECK(error_of(two + "hopLatency:\n  crossAz: uniform(2ms, 1ms)\n") ==
        at(14, 12, "hopLatency.crossAz: 'uniform(2ms, 1ms)': low is above high (uniform(low, high), e.g. uniform(1ms, 3ms))"));
  CHECK(error_of(two + "traffic:\n  - from: east/web/frontend\n    to: east/web/cart\n    rate: 1/s\n    response: pareto(1KiB, 0)\n") ==
        at(17, 15, "flow response: 'pareto(1KiB, 0)': alpha must be above 0 and at most 1000000 "
                   "(pareto(minimum, alpha), e.g. pareto(1KiB, 1.5))"));
  // YAML splits an unquoted two-argument distribution inside {...} at its comma.
  CHECK(error_of(two + "servers:\n  - {workload: east/web/cart, serviceTime: lognormal(2ms, 0.5)}\n") ==
        at(14, 44, "server: 'lognormal(2ms' has an unclosed '(': inside {...} YAML ends a value at a comma, so quote it, "
                   "e.g. \"lognormal(2ms, 0.5)\""));

  // Ports of a Service target.
  const std::string to_cart = two + "traffic:\n  - from: east/web/frontend\n    to: web/cart[Service]\n    rate: 1/s\n";
  CHECK(error_of(to_cart + "    port: 8081\n") ==
        at(17, 11, "flow port: Service web/cart has no port 8081 (its ports: http 8080/TCP, metrics 9090/TCP, dns 53/UDP)"));
  CHECK(error_of(to_cart + "    port: grpc\n") ==
        at(17, 11, "flow port: Service web/cart has no port named 'grpc' (its ports: http 8080/TCP, metrics 9090/TCP, dns 53/UDP)"));
  CHECK(error_of(to_cart + "    port: 53\n") ==
        at(17, 11, "flow port: port 53 of Service web/cart is UDP; flows are requests over TCP"));
  CHECK(error_of(two + "traffic:\n  - from: east/web/frontend\n    to: http://cart.web:8080\n    port: 80\n    rate: 1/s\n") ==
        at(16, 11, "flow port: 80 differs from the port of the URL in `to` (8080)"));

  // Names of the scenario.
  const std::string flow = two + "traffic:\n  - from: east/web/frontend\n    rate: 1/s\n";
  CHECK(error_of(flow + "    to: east/web/carts\n") ==
        at(16, 9, "unknown workload 'east/web/carts' (did you mean 'east/web/cart'?)"));
  CHECK(error_of(flow + "    to: web/cart\n") ==
        at(16, 9, "'web/cart': the scenario has 2 clusters, so name one: cluster/namespace/name"));
  CHECK(error_of(flow + "    to: web/carts[Service]\n") ==
        at(16, 9, "flow to: 'web/carts[Service]': cluster 'east' has no Service 'web/carts' (did you mean 'web/cart'?)"));
  CHECK(error_of(flow + "    to: eats/web/cart[Service]\n") ==
        at(16, 9, "'eats/web/cart[Service]': unknown cluster 'eats' (did you mean 'east'?)"));
  CHECK(error_of(flow + "    to: web/cart[LoadBalancer]\n") ==
        at(16, 9, "flow to: 'web/cart[LoadBalancer]': Service web/cart is not of type LoadBalancer, so it has no load "
                  "balancer"));
  CHECK(error_of(flow + "    to: ftp://cart.web\n") ==
        at(16, 9, "flow to: 'ftp://cart.web': unknown URL scheme 'ftp' (expected http, https or grpc)"));
  CHECK(error_of(flow + "    to: cart\n") ==
        at(16, 9, "flow to: 'cart': expected a workload (cluster/namespace/name, or namespace/name with one cluster), a "
                  "Service (namespace/name[Service] or cluster/namespace/name[Service]), a load balancer "
                  "(namespace/name[LoadBalancer]), an Ingress's ALB (namespace/name[Ingress]), an API gateway "
                   "(name[ApiGateway]), an IPv4 address, a DNS name "
                   "(cart.web, cart.web.svc.cluster.local, "
                  "api.example.com) or a URL (http://cart.web:8080/path)"));
  CHECK(error_of(two + "traffic:\n  - {from: east/web/frontnd, to: east/web/cart, rate: 1/s}\n") ==
        at(14, 12, "unknown workload 'east/web/frontnd' (did you mean 'east/web/frontend'?)"));

  // AZ pairs name AZs of the scenario's regions, once each.
  CHECK(error_of(two + "hopLatency:\n  azPairs:\n    use1-az1/use1-az9: 300us\n") ==
        at(15, 5, "hopLatency.azPairs 'use1-az1/use1-az9': unknown AZ 'use1-az9' (did you mean 'use1-az1'?)"));
  CHECK(error_of(two + "hopLatency:\n  azPairs:\n    use1-az1/use1-az1: 300us\n") ==
        at(15, 5, "hopLatency.azPairs 'use1-az1/use1-az1': both AZs are the same; use sameAz"));
  CHECK(error_of(two + "hopLatency:\n  azPairs:\n    use1-az1/use1-az2: 300us\n    use1-az2/use1-az1: 400us\n") ==
        at(16, 5, "hopLatency.azPairs 'use1-az2/use1-az1': the pair is already given at " + kFile +
                      ":15:5 (a pair holds both ways)"));

  // Flow names are unique, the default "flow-<index>" included.
  const std::string f = "from: east/web/frontend, to: east/web/cart, rate: 1/s}\n";
  CHECK(error_of(two + "traffic:\n  - {name: a, " + f + "  - {name: a, " + f) ==
        at(15, 12, "flow name 'a' is already used by the flow at " + kFile + ":14:5"));
  CHECK(error_of(two + "traffic:\n  - {name: flow-1, " + f + "  - {" + f) ==
        at(15, 5, "flow name 'flow-1' is already used by the flow at " + kFile + ":14:5"));

  // Expectations name a flow by index or name.
  const std::string one_flow = two + "traffic:\n  - {name: checkout, " + f + "expect:\n";
  CHECK(error_of(one_flow + "  - {flow: checkot, p99Below: 10ms}\n") ==
        at(16, 12, "expectation flow: no flow named 'checkot' (did you mean 'checkout'?) (give a flow's name or its "
                   "index from 0)"));
  CHECK(error_of(one_flow + "  - {flow: 0, errorRateBelow: 150%}\n") ==
        at(16, 31, "expectation errorRateBelow: '150%' is outside 0% to 100%"));
  CHECK(error_of(one_flow + "  - {flow: 0}\n") == at(16, 5, "expectation: give p50Below, p99Below or errorRateBelow"));

  // kubeProxy.
  CHECK(error_of(R"(scenario: {name: t}
regions: {us-east-1: {azs: [use1-az1]}}
vpcs: [{name: east, cidrs: [10.0.0.0/16], subnets: [{name: ea, az: use1-az1, cidr: 10.0.0.0/20}]}]
clusters:
  - name: east
    vpc: east
    kubeProxy: {mode: ipvss}
    nodeGroups: [{name: ng, instanceType: m5.large, count: 1, subnets: [ea]}]
)") == at(7, 23, "cluster 'east' kubeProxy.mode: expected iptables, ipvs or nftables, got 'ipvss' (did you mean 'ipvs'?)"));
}

TEST_CASE("a flow to an Ingress picks its backend by host and path", "[traffic][ingress]") {
  const auto s = eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/run/two-az.yaml");
  const auto it = std::find_if(s.flows.begin(), s.flows.end(), [](const auto& f) { return f.name == "via-alb"; });
  REQUIRE(it != s.flows.end());
  const auto& t = it->to;
  CHECK(t.kind == eksim::scenario::FlowTarget::Kind::ingress);
  CHECK(t.path == "/api/cart");
  const auto& objects = s.clusters[t.cluster].objects;
  CHECK(objects.ingresses[t.ingress].id == "open/shop");
  // /api/cart matches the Prefix /api, whose backend is open/api's port named http.
  CHECK(objects.services[t.service].id == "open/api");
  CHECK(objects.services[t.service].ports[t.backend_port].name == "http");
}

TEST_CASE("bad flows to an Ingress name their place", "[traffic][ingress]") {
  const std::string file = std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/run/bad.yaml";
  const std::string base =
      "scenario: {name: t}\n"
      "regions: {us-east-1: {azs: [use1-az1]}}\n"
      "vpcs: [{name: v, cidrs: [10.0.0.0/16], subnets: [{name: a, az: use1-az1, cidr: 10.0.0.0/20}]}]\n"
      "clusters: [{name: c, vpc: v, nodeGroups: [{name: left, instanceType: m5.large, count: 1, subnets: [a]}], "
      "manifests: [k8s/]}]\n"
      "traffic:\n";
  auto error = [&](const std::string& flow) {
    try {
      (void)eksim::scenario::load_scenario_text(base + flow, file);
    } catch (const eksim::scenario::LoadError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("  - {from: c/web/client, to: 'open/shop[Ingress]', path: /nothing, rate: 1/s}\n") ==
        file + ":6:58: flow to: no rule of Ingress open/shop sends host '(any)' path '/nothing' to a Service port, "
               "and it has no such default backend");
  CHECK(error("  - {from: c/web/client, to: 'open/shp[Ingress]', rate: 1/s}\n") ==
        file + ":6:30: flow to: 'open/shp[Ingress]': cluster 'c' has no Ingress 'open/shp' (did you mean 'open/shop'?)");
  CHECK(error("  - {from: c/web/client, to: 'web/server[Service]', path: /api, rate: 1/s}\n") ==
        file + ":6:59: flow path: only for a flow to an Ingress (namespace/name[Ingress]), whose rules it picks");
}
