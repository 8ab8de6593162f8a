// The request-level run model against queueing theory, hand-added paths,
// the published Istio sidecar figure, and what users see when a connection
// is denied, refused or a name does not resolve.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "eksim/report/run_report.hpp"
#include "eksim/scenario/scenario.hpp"
#include "eksim/traffic/run.hpp"

using eksim::scenario::Distribution;
using eksim::sim::Time;
using eksim::traffic::RunOptions;
using eksim::traffic::run_scenario;
using eksim::traffic::Stage;

namespace {

std::string scenario_path(const std::string& name) {
  return std::string(EKSIM_SOURCE_DIR) + "/tests/scenarios/" + name;
}

// Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda/mu.
double erlang_c(int c, double a) {
  double sum = 0;
  double term = 1;  // a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term / (1 - a / c);  // a^c / c! / (1 - rho)
  return top / (sum + top);
}

// tests/scenarios/run/two-az.yaml keeping only the named flows, in that order.
eksim::scenario::Scenario two_az(std::initializer_list<std::string> flows) {
  auto s = eksim::scenario::load_scenario(scenario_path("run/two-az.yaml"));
  std::vector<eksim::scenario::Flow> kept;
  for (const auto& name : flows) {
    const auto it = std::find_if(s.flows.begin(), s.flows.end(), [&](const auto& f) { return f.name == name; });
    REQUIRE(it != s.flows.end());
    kept.push_back(*it);
  }
  s.flows = kept;
  return s;
}

double stage(const eksim::traffic::FlowResult& f, Stage st) { return f.stage_mean_ns[static_cast<std::size_t>(st)]; }

// The web/server pod: c workers, exponential service with mean 1/mu; the
// network costs nothing, so latency is the queue plus the service.
eksim::scenario::Scenario queue_only(int c, double mu, double lambda) {
  auto s = two_az({"direct"});
  s.hops.same_node = s.hops.same_az = s.hops.cross_az = Distribution::constant_of(0);
  s.servers[0].workers = static_cast<std::uint32_t>(c);
  s.servers[0].service_time = Distribution::exponential_of(1e9 / mu);
  s.flows[0].arrivals.rate_per_second = lambda;
  s.flows[0].timeout = Time::s(100'000);
  return s;
}

}  // namespace

TEST_CASE("M/M/1: the mean wait matches rho / (mu - lambda) over 1e6 requests", "[run][analytic]") {
  const double lambda = 500;
  const double mu = 1000;
  const double wq = (lambda / mu) / (mu - lambda);  // 1 ms
  RunOptions o;
  o.duration = Time::s(2000);  // 1e6 arrivals expected
  const auto r = run_scenario(queue_only(1, mu, lambda), o);
  const auto& f = r.flows.at(0);
  REQUIRE(f.completed > 990'000);
  CHECK(f.failed == 0);
  CHECK(stage(f, Stage::queue) * 1e-9 == Approx(wq).epsilon(0.02));
  CHECK(stage(f, Stage::service) * 1e-9 == Approx(1 / mu).epsilon(0.02));
  CHECK(f.latency.mean() * 1e-9 == Approx(wq + 1 / mu).epsilon(0.02));
}

TEST_CASE("M/M/c: the mean wait matches Erlang C over 1e6 requests", "[run][analytic]") {
  // lambda = 600/s, mu = 200/s, c = 4: a = 3, rho = 0.75.
  const double lambda = 600;
  const double mu = 200;
  const int c = 4;
  const double pw = erlang_c(c, lambda / mu);
  CHECK(pw == Approx(0.5094).epsilon(0.001));  // tabulated Erlang C(4, 3)
  const double wq = pw / (c * mu - lambda);      // mean wait, seconds
  RunOptions o;
  o.duration = Time::s(1700);  // 1.02e6 arrivals expected
  const auto r = run_scenario(queue_only(c, mu, lambda), o);
  const auto& f = r.flows.at(0);
  REQUIRE(f.completed > 1'000'000);
  CHECK(stage(f, Stage::queue) * 1e-9 == Approx(wq).epsilon(0.02));
  CHECK(f.latency.mean() * 1e-9 == Approx(wq + 1 / mu).epsilon(0.02));
}

TEST_CASE("throughput is the offered load below saturation and the capacity above it", "[run][analytic]") {
  // Two workers of exp(1 ms): capacity 2,000 requests/s.
  RunOptions o;
  o.duration = Time::s(200);
  const auto below = run_scenario(queue_only(2, 1000, 1000), o);
  CHECK(below.flows[0].throughput(o.duration.value()) == Approx(1000).epsilon(0.01));
  const auto above = run_scenario(queue_only(2, 1000, 4000), o);
  CHECK(above.flows[0].throughput(o.duration.value()) == Approx(2000).epsilon(0.01));
  // Every arrival is still answered after the run (the timeout is long).
  CHECK(above.flows[0].completed == above.flows[0].requests);
}

// One client, one request at a time, constant 5 ms service; the client's
// node is in use1-az1, the server's in use1-az2.
eksim::scenario::Scenario one_client(double bytes) {
  auto s = two_az({"direct"});
  s.servers[0].service_time = Distribution::constant_of(5e6);
  auto& f = s.flows[0];
  f.arrivals.kind = eksim::scenario::Arrivals::Kind::closed;
  f.arrivals.clients = 1;
  f.arrivals.think_time = Distribution::constant_of(1e6);
  f.request_size = f.response_size = Distribution::constant_of(bytes);
  return s;
}

TEST_CASE("a path of fixed hop latencies sums exactly", "[run]") {
  RunOptions o;
  o.duration = Time::s(1);
  // One way: veth 20us + cross-AZ 500us + veth 20us.
  const std::int64_t one_way = 20'000 + 500'000 + 20'000;
  const auto r = run_scenario(one_client(0), o);
  const auto& out = r.flows[0];
  REQUIRE(out.completed > 100);
  // Kept alive: every request but the first costs two one-way trips and the
  // service; the first also pays the TCP handshake's round trip.
  CHECK(out.latency.min() == 2 * one_way + 5'000'000);
  CHECK(out.latency.max() == 4 * one_way + 5'000'000);
  CHECK(out.new_connections == 1);
  CHECK(stage(out, Stage::service) == 5e6);
}

TEST_CASE("bytes take the node NIC's baseline bandwidth and cross-AZ bytes are charged", "[run]") {
  RunOptions o;
  o.duration = Time::s(1);
  const std::int64_t one_way = 20'000 + 500'000 + 20'000;
  const auto r = run_scenario(one_client(1024), o);
  const auto& out = r.flows[0];
  REQUIRE(out.completed > 100);
  // m5.large: 0.75 Gbps baseline (aws-eks-facts.md 2.4) = 93.75e6 bytes/s;
  // 1,024 bytes take 10,922.67 ns, rounded up to 10,923.
  CHECK(out.latency.min() == 2 * one_way + 5'000'000 + 2 * 10'923);
  CHECK(out.bytes == out.completed * 2 * 1024);
  // Both ways cross the AZ boundary: $0.01/GB on each side.
  CHECK(out.cross_az_bytes == out.bytes);
  CHECK(out.data_cost_usd == Approx(static_cast<double>(out.bytes) * 0.02 / 1e9));
}

TEST_CASE("concurrent transfers share a NIC max-min fairly", "[run]") {
  // 10 MiB responses from one server node: alone, 10,485,760 / 93.75e6 s =
  // 111.85 ms; two clients at once on the same NIC each get half.
  auto s = one_client(0);
  s.flows[0].response_size = Distribution::constant_of(10 * 1024 * 1024);
  s.flows[0].arrivals.think_time = Distribution::constant_of(0);
  s.servers[0].service_time = Distribution::constant_of(0);
  RunOptions o;
  o.duration = Time::s(3);
  const auto alone = run_scenario(s, o).flows[0];
  CHECK(stage(alone, Stage::transfer) == Approx(111.848e6).epsilon(0.001));
  s.flows[0].arrivals.clients = 2;
  const auto shared = run_scenario(s, o).flows[0];
  CHECK(stage(shared, Stage::transfer) == Approx(2 * 111.848e6).epsilon(0.01));
}

TEST_CASE("through a Service: kube-proxy's first-packet cost and the named targetPort", "[run]") {
  auto s = two_az({"via-service"});
  s.servers[0].service_time = Distribution::constant_of(5e6);
  s.flows[0].keep_alive = false;
  RunOptions o;
  o.duration = Time::s(5);
  const auto r = run_scenario(s, o);
  const auto& out = r.flows[0];
  REQUIRE(out.completed > 300);
  CHECK(out.failed == 0);
  // A new connection per request: a handshake round trip, the request, the
  // response; the targetPort `http` resolves to the pod's 8080.
  CHECK(out.new_connections == out.requests);
  CHECK(out.latency.min() >= 4 * 540'000 + 5'000'000);
  // iptables mode: 5 us plus 0.1 us per KUBE-SERVICES rule up to this
  // Service's (kube-dns's three ports come first).
  CHECK(stage(out, Stage::kube_proxy) > 5'000);
  CHECK(stage(out, Stage::kube_proxy) < 6'000);
}

TEST_CASE("a NetworkPolicy drop ends in a connect timeout counted by reason", "[run][errors]") {
  auto s = two_az({"blocked"});
  RunOptions o;
  o.duration = Time::s(20);
  const auto r = run_scenario(s, o);
  const auto& out = r.flows[0];
  REQUIRE(out.requests > 100);
  CHECK(out.completed == 0);
  CHECK(out.failed == out.requests);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].cause == "connect timeout: NETPOL_INGRESS_DENY");
  CHECK(out.errors[0].count == out.requests);
  CHECK(out.error_rate() == 1.0);
}

TEST_CASE("a Service without endpoints refuses at once", "[run][errors]") {
  const auto r = run_scenario(two_az({"no-endpoints"}));
  const auto& out = r.flows[0];
  REQUIRE(out.requests > 50);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].cause == "connection refused: NO_ENDPOINTS");
  CHECK(out.failed == out.requests);
}

TEST_CASE("flows addressed by DNS name look the name up on each new connection", "[run][dns]") {
  const auto r = run_scenario(two_az({"by-name", "no-such-name"}));
  const auto& named = r.flows[0];
  REQUIRE(named.completed > 500);
  CHECK(named.failed == 0);
  CHECK(stage(named, Stage::dns) > 0);
  const auto& missing = r.flows[1];
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].cause == "DNS_NXDOMAIN");
  CHECK(missing.failed == missing.requests);
}

TEST_CASE("client and server sidecars add Istio's 2.76 ms at p90", "[run][mesh]") {
  // aws-eks-facts.md 2.7: client plus server sidecar add 2.76 ms at p90,
  // http/1.1, 1 kB payloads, 1,000 requests/s. The same pair of pods with
  // and without injection; the servers are alike.
  auto s = two_az({"mesh", "plain"});
  for (auto& sv : s.servers) {
    sv.workers = 64;
    sv.service_time = Distribution::constant_of(1e6);
  }
  RunOptions o;
  o.duration = Time::s(60);
  const auto r = run_scenario(s, o);
  const auto& mesh = r.flows[0];
  const auto& plain = r.flows[1];
  REQUIRE(mesh.completed > 50'000);
  REQUIRE(plain.completed > 50'000);
  const double added = static_cast<double>(mesh.latency.quantile(0.9) - plain.latency.quantile(0.9));
  CHECK(added == Approx(2.76e6).epsilon(0.10));
}

TEST_CASE("same seed, same bytes; another seed, other samples", "[run][determinism]") {
  const auto s = two_az({"direct", "by-name", "mesh"});
  RunOptions o;
  o.duration = Time::s(5);
  const auto a = eksim::report::run_json(run_scenario(s, o), {});
  const auto b = eksim::report::run_json(run_scenario(s, o), {});
  CHECK(a == b);
  o.seed = 8;
  const auto c = eksim::report::run_json(run_scenario(s, o), {});
  CHECK(a != c);
}

TEST_CASE("across a Transit Gateway: the extra hop, its bytes and their charge", "[run][tgw]") {
  // Three clusters reuse one Service range, so each cluster's api.app has
  // the same ClusterIP: a name must still resolve to the caller's own.
  const auto s = eksim::scenario::load_scenario(std::string(EKSIM_SOURCE_DIR) + "/bench/scenarios/three-clusters.yaml");
  RunOptions o;
  o.duration = Time::s(2);
  const auto r = run_scenario(s, o);
  for (const auto& f : r.flows) {
    INFO(f.name);
    REQUIRE(f.completed > 500);
    const bool across = f.name == "a-to-b" || f.name == "b-to-c";
    if (across) {
      CHECK(f.transit_gateway_bytes == f.bytes);
      CHECK(stage(f, Stage::transit_gateway) > 0);
      CHECK(f.data_cost_usd == Approx(static_cast<double>(f.bytes) * 0.02 / 1e9 +
                                      static_cast<double>(f.cross_az_bytes) * 0.02 / 1e9));
    } else {
      CHECK(f.transit_gateway_bytes == 0);
      CHECK(stage(f, Stage::transit_gateway) == 0);
    }
  }
}

TEST_CASE("through an NLB with ip targets: the NLB's AZ is its target's, the hop sums exactly", "[run][lb]") {
  auto s = two_az({"via-nlb"});
  s.hops.nlb = Distribution::constant_of(200e3);
  s.servers[2].service_time = Distribution::constant_of(5e6);  // open/api
  auto& f = s.flows[0];
  f.arrivals.kind = eksim::scenario::Arrivals::Kind::closed;
  f.arrivals.clients = 1;
  RunOptions o;
  o.duration = Time::s(1);
  const auto out = run_scenario(s, o).flows[0];
  REQUIRE(out.completed > 100);
  // Without cross-zone load balancing the client reaches the NLB node in
  // the target's AZ (use1-az2): veth 20 + cross-AZ 500 + NLB 200 + same
  // AZ 120 + veth 20 = 860 us one way; the handshake is one round trip.
  CHECK(out.latency.min() == 2 * 860'000 + 5'000'000);
  CHECK(out.latency.max() == 4 * 860'000 + 5'000'000);
  CHECK(stage(out, Stage::load_balancer) == Approx(400e3));
}

TEST_CASE("through an ALB: a proxy the client connects to, routing by path", "[run][lb]") {
  auto s = two_az({"via-alb", "alb-blocked"});
  s.hops.alb = Distribution::constant_of(300e3);
  s.servers[2].service_time = Distribution::constant_of(5e6);
  auto& f = s.flows[0];
  f.arrivals.kind = eksim::scenario::Arrivals::Kind::closed;
  f.arrivals.clients = 1;
  RunOptions o;
  o.duration = Time::s(20);
  const auto r = run_scenario(s, o);
  const auto& out = r.flows[0];
  REQUIRE(out.completed > 100);
  // The client's connection ends at the ALB node in its own AZ: the
  // handshake is veth 20 + same AZ 120, twice. Each request: veth 20 +
  // same AZ 120 + ALB 300 + cross AZ 500 + veth 20 = 960 us each way.
  CHECK(out.latency.min() == 2 * 960'000 + 5'000'000);
  CHECK(out.latency.max() == 2 * 960'000 + 2 * 140'000 + 5'000'000);
  CHECK(out.new_connections == 1);
  // web/shop sends everything to web/server, whose NetworkPolicy admits
  // only the client pods: the ALB tries for 10 s, then answers 504.
  const auto& blocked = r.flows[1];
  REQUIRE(blocked.requests > 50);
  REQUIRE(blocked.errors.size() == 1);
  CHECK(blocked.errors[0].cause == "504 from the ALB: NETPOL_INGRESS_DENY");
  CHECK(blocked.failed == blocked.requests);
}

TEST_CASE("an ALB's default backend keeps its own Service's target type", "[run][lb]") {
  // web/shop sends everything through its default backend to web/server, a
  // ClusterIP Service (no NodePort). Set up as if the Ingress said nothing of
  // target types (instance) while the Service asked for ip targets: the ALB
  // registers pod IPs, so requests reach web/server and its NetworkPolicy,
  // which refuses the client.
  auto s = two_az({"alb-blocked"});
  eksim::k8s::Ingress* shop = nullptr;
  for (auto& cluster : s.clusters) {
    for (auto& ing : cluster.objects.ingresses) {
      if (ing.id == "web/shop") shop = &ing;
    }
  }
  REQUIRE(shop != nullptr);
  REQUIRE(shop->default_backend);
  shop->alb.target_type = eksim::k8s::NlbTargetType::Instance;
  shop->default_backend->target_type = eksim::k8s::NlbTargetType::Ip;
  RunOptions o;
  o.duration = Time::s(20);
  const auto ip = run_scenario(s, o).flows[0];
  REQUIRE(ip.errors.size() == 1);
  CHECK(ip.errors[0].cause == "504 from the ALB: NETPOL_INGRESS_DENY");
  // Instance targets for this backend too: there is no NodePort to send to.
  shop->default_backend->target_type = eksim::k8s::NlbTargetType::Instance;
  const auto instance = run_scenario(s, o).flows[0];
  REQUIRE(instance.errors.size() == 1);
  CHECK(instance.errors[0].cause == "504 from the ALB: SERVICE_PORT_NOT_FOUND");
}

TEST_CASE("through API Gateway and its VPC link to an NLB", "[run][lb]") {
  auto s = two_az({"via-api"});
  s.hops.api_gateway = Distribution::constant_of(2e6);
  s.hops.nlb = Distribution::constant_of(200e3);
  s.servers[2].service_time = Distribution::constant_of(5e6);
  auto& f = s.flows[0];
  f.arrivals.kind = eksim::scenario::Arrivals::Kind::closed;
  f.arrivals.clients = 1;
  RunOptions o;
  o.duration = Time::s(2);
  const auto out = run_scenario(s, o).flows[0];
  REQUIRE(out.completed > 100);
  // veth 20 + to the API's endpoint in the client's AZ 120 + API Gateway
  // 2,000 + to the NLB node in the target's AZ (cross AZ) 500 + NLB 200 +
  // same AZ 120 + veth 20 = 2,980 us each way; the client's connection ends
  // at the API (handshake 2 x 140 us).
  CHECK(out.latency.min() == 2 * 2'980'000 + 5'000'000);
  CHECK(out.latency.max() == 2 * 2'980'000 + 2 * 140'000 + 5'000'000);
  CHECK(stage(out, Stage::api_gateway) == Approx(4e6));
}

TEST_CASE("a multi-cluster mesh reaches another cluster's endpoints through its east-west gateway", "[run][mesh]") {
  // tests/scenarios/run/multi-cluster.yaml: east has no echo pods, west has
  // two; constant 100 us sidecars. Each way a request crosses the client's
  // sidecar, the TGW, west's gateway NLB and its Envoy, and the server's
  // sidecar: 6 Envoy traversals of 100 us and 2 TGW hops of 150 us per call.
  auto s = eksim::scenario::load_scenario(scenario_path("run/multi-cluster.yaml"));
  s.flows[0].request_size = s.flows[0].response_size = Distribution::constant_of(1024);
  const auto out = run_scenario(s).flows[0];
  REQUIRE(out.completed > 900);
  CHECK(out.failed == 0);
  CHECK(stage(out, Stage::sidecar) == Approx(600e3));
  CHECK(stage(out, Stage::transit_gateway) == Approx(300e3));
  CHECK(stage(out, Stage::load_balancer) == Approx(100e3));
  CHECK(out.transit_gateway_bytes == out.bytes);
  CHECK(out.bytes == 2 * 1024 * out.completed);

  // Without west's east-west gateway, east's mesh knows no endpoint.
  auto& west = s.clusters[1].objects;
  const auto gw = west.find_service("istio-system", "istio-eastwestgateway");
  REQUIRE(gw);
  west.services[*gw].name = "not-a-gateway";
  west.services[*gw].id = "istio-system/not-a-gateway";
  const auto cut = run_scenario(s).flows[0];
  REQUIRE(cut.errors.size() == 1);
  CHECK(cut.errors[0].cause == "connection refused: NO_ENDPOINTS");
}
