#include "eksim/traffic/run.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <stdexcept>

#include "eksim/dns/dns_system.hpp"
#include "eksim/dns/scenario_world.hpp"
#include "eksim/sim/process.hpp"
#include "eksim/sim/random.hpp"
#include "eksim/sim/resource.hpp"
#include "eksim/sim/simulator.hpp"
#include "eksim/traffic/fair_share.hpp"
#include "eksim/traffic/sampler.hpp"
#include "run_world.hpp"

namespace eksim::traffic {
namespace {

using sim::RandomStream;
using sim::Simulator;
using sim::Task;
using sim::Time;
using Kind = scenario::FlowTarget::Kind;

// EC2 caps one flow (5-tuple) at 5 Gbps outside a placement group (2.4).
constexpr double kSingleFlowBytesPerSecond = 5e9 / 8.0;
// kube-proxy first-packet cost: iptables walks KUBE-SERVICES rule by rule
// (O(n) in Services, 2.6); IPVS and nftables look up a hash or verdict map.
// The per-rule figure is an assumption (the published data are charts only).
constexpr double kIptablesBaseNs = 5'000;
constexpr double kIptablesPerRuleNs = 100;
constexpr double kHashedLookupNs = 5'000;
// Data charges (2.8): cross-AZ $0.01/GB each side; TGW $0.02/GB processed;
// NAT gateway $0.045/GB processed.
constexpr double kCrossAzUsdPerByte = 0.02 / 1e9;
constexpr double kTgwUsdPerByte = 0.02 / 1e9;
constexpr double kNatUsdPerByte = 0.045 / 1e9;
// Envoy's retry budget never blocks fewer than 3 concurrent retries.
constexpr std::uint64_t kMinRetryConcurrency = 3;

enum class Failure : std::uint8_t {
  none,
  connect_timeout,
  refused,
  overloaded,
  dns_nxdomain,
  dns_failure,
  timeout,
  gateway_timeout,
  api_gateway_timeout
};
constexpr std::size_t kFailures = 9;
// API Gateway gives an integration 29 s (its default integration timeout)
// before it answers 504.
constexpr Time kApiGatewayIntegrationTimeout = Time::s(29);
// An ALB gives up connecting to a target after 10 s and answers 504 (its
// target connection timeout, not configurable).
constexpr Time kAlbTargetConnectTimeout = Time::s(10);
constexpr std::size_t kReasons = 64;

std::string failure_text(Failure f, reach::Reason reason) {
  switch (f) {
    case Failure::connect_timeout: return "connect timeout: " + std::string(reach::to_string(reason));
    case Failure::refused: return "connection refused: " + std::string(reach::to_string(reason));
    case Failure::overloaded: return "503 queue full";
    case Failure::dns_nxdomain: return "DNS_NXDOMAIN";
    case Failure::dns_failure: return "DNS timeout";
    case Failure::timeout: return "timeout";
    case Failure::gateway_timeout: return "504 from the ALB: " + std::string(reach::to_string(reason));
    case Failure::api_gateway_timeout: return "504 from API Gateway: " + std::string(reach::to_string(reason));
    case Failure::none: break;
  }
  return "ok";
}

// Drops a VPC Flow Log records as REJECT: a security group or network ACL
// (policies inside the node drop before the ENI and never reach the log).
bool blocked_by_vpc(reach::Reason r) {
  using R = reach::Reason;
  return r == R::SG_INGRESS_DENY || r == R::SG_EGRESS_DENY || r == R::NACL_INGRESS_DENY || r == R::NACL_EGRESS_DENY ||
         r == R::NACL_RETURN_DENY;
}

// Shared bandwidth: each transfer is a fluid flow whose rate the max-min
// fair solver sets; when rates change, completion events move.
class Bandwidth {
 public:
  // Links come from `capacities`, which grows as paths are first used (a
  // Transit Gateway attachment, a NAT gateway).
  Bandwidth(Simulator& sim, const std::vector<double>& capacities) : sim_(sim), capacities_(capacities) {}

  struct Awaiter {
    Bandwidth& bw;
    const Route& route;
    double bytes;
    [[nodiscard]] bool await_ready() const noexcept { return route.link_count == 0 || bytes <= 0; }
    void await_suspend(std::coroutine_handle<> h) { bw.start(h, route, bytes); }
    void await_resume() const noexcept {}
  };
  Awaiter transfer(const Route& route, double bytes) { return Awaiter{*this, route, bytes}; }

 private:
  struct Slot {
    Bandwidth* owner = nullptr;
    std::uint32_t id = 0;
    std::coroutine_handle<> waiter;
    sim::EventHandle done{};
    double remaining = 0;
    double rate = 0;
    Time since{};
    void complete() { owner->complete(*this); }
  };

  void start(std::coroutine_handle<> h, const Route& route, double bytes) {
    while (net_.link_count() < capacities_.size()) net_.add_link(capacities_[net_.link_count()]);
    const std::uint32_t id =
        net_.start(std::span<const std::uint32_t>(route.links, route.link_count), kSingleFlowBytesPerSecond);
    if (slots_.size() <= id) slots_.resize(id + 1);
    Slot& s = slots_[id];
    s = Slot{this, id, h, {}, bytes, 0, sim_.now()};
    reschedule();
  }
  void complete(Slot& s) {
    const std::coroutine_handle<> h = s.waiter;
    s.waiter = {};
    s.done = {};
    net_.finish(s.id);
    reschedule();
    h.resume();
  }
  // Moves the completion of every transfer whose rate the last change set.
  void reschedule() {
    const Time now = sim_.now();
    for (const std::uint32_t id : net_.changed()) {
      Slot& s = slots_[id];
      if (!s.waiter) continue;
      s.remaining = bytes_left(s.remaining, s.rate, now - s.since);
      s.rate = net_.rate(id);
      s.since = now;
      if (s.done.valid()) sim_.cancel(s.done);
      s.done = sim_.call_cancellable_at<&Slot::complete>(now + time_to_send(s.remaining, s.rate), s);
    }
  }

  Simulator& sim_;
  const std::vector<double>& capacities_;
  FairShareNetwork net_;
  std::deque<Slot> slots_;  // by transfer id; a deque so events keep their address
};

// A request attempt's result as its waiter sees it.
struct Outcome {
  Failure failure = Failure::none;
  reach::Reason reason = reach::Reason::NO_ROUTE;
};

struct Connection {
  std::uint32_t endpoint = kNone;  // server pod (kNone: an external address)
  const PairPlan* plan = nullptr;
  std::uint16_t port = 0;
};

// What one flow sends to, resolved once.
struct Destination {
  Kind kind = Kind::workload;
  std::vector<std::uint32_t> endpoints;  // pods
  std::uint32_t cluster = 0;
  std::uint32_t service = 0;
  std::uint32_t service_port = 0;  // index into the Service's ports
  bool topology_aware = false;  // service.kubernetes.io/topology-mode: Auto
  net::Ipv4Address address;
};

struct Server {
  Server(Simulator& sim, std::uint32_t workers, RandomStream stream, const scenario::Server* spec)
      : workers(sim, workers), service(stream), spec(spec) {}
  sim::Resource workers;
  RandomStream service;
  const scenario::Server* spec;  // nullptr: the default (1 worker, exp(1ms))
};

class Engine;

struct FlowState {
  FlowState(Engine& e, const scenario::Flow& f, FlowResult& o, std::uint32_t i, std::vector<std::uint32_t> pods,
            const RunResult& r)
      : engine(e), spec(f), out(o), index(i), sources(std::move(pods)),
        arrivals(r.seed, r.replication, "flow/" + f.name, "arrivals"),
        choice(r.seed, r.replication, "flow/" + f.name, "choice"),
        sizes(r.seed, r.replication, "flow/" + f.name, "sizes"),
        network(r.seed, r.replication, "flow/" + f.name, "network"),
        retry(r.seed, r.replication, "flow/" + f.name, "retry") {}
  Engine& engine;
  const scenario::Flow& spec;
  FlowResult& out;
  std::uint32_t index = 0;
  std::vector<std::uint32_t> sources;  // client pods
  Destination dest;
  RandomStream arrivals;
  RandomStream choice;  // clients, endpoints, AZs
  RandomStream sizes;
  RandomStream network;  // hop latencies
  RandomStream retry;
  std::vector<std::vector<Connection>> idle;  // per source index: connections kept alive
  std::array<long double, kStages> stage_sum{};
  std::array<std::uint64_t, kFailures * kReasons> failures{};
  std::uint64_t active = 0;
  std::uint64_t active_retries = 0;
  Time stop_at{};
  Time on_until = Time::max();
  const scenario::RetryPolicy* retries = nullptr;
  bool mesh_client = false;
  std::uint64_t alb_turn = 0;  // round robin over the ALB's targets

  void arrive();
  void turn_on();
  void turn_off();
};

// One request's shared state between its waiter and its attempt, which may
// outlive the waiter's interest (a timed-out attempt still holds its worker).
struct Pending {
  static constexpr std::size_t kMaxSpans = 40;
  std::coroutine_handle<> waiter;
  sim::EventHandle timer{};
  Outcome outcome;
  bool settled = false;
  int refs = 2;
  Engine* engine = nullptr;
  // For observers only (RunOptions::observer): what the attempt did.
  bool record = false;
  std::uint8_t span_count = 0;
  Span spans[kMaxSpans];
  std::uint32_t server_pod = kNone;
  std::uint16_t port = 0;
  bool new_connection = false;
  bool server_sidecar = false;
  std::uint64_t request_bytes = 0;
  std::uint64_t response_bytes = 0;
  void expire();
};

// Where an attempt's time goes: each stretch is added to its stage and, for
// observers, logged as a span. Stretches slept at once are laid end to end
// from `cursor`.
struct Timeline {
  std::array<Time, kStages>& stages;
  Pending* p;
  Time cursor;
  void spend(Stage stage, Time t) {
    stages[static_cast<std::size_t>(stage)] += t;
    if (p != nullptr && p->record && !p->settled && p->span_count < Pending::kMaxSpans) {
      p->spans[p->span_count++] = {stage, cursor, t};
    }
    cursor += t;
  }
};

class Engine {
 public:
  Engine(const scenario::Scenario& s, const RunOptions& options, RunResult& result);
  void run();

  Simulator sim;
  const scenario::Scenario& s;
  RunResult& result;
  std::vector<double> link_capacity;
  RunWorld world;
  dns::DnsWorld dns_world;
  std::unique_ptr<dns::DnsSystem> dns;
  std::unique_ptr<Bandwidth> bandwidth;
  std::vector<std::unique_ptr<Server>> servers;  // per pod, made on first use
  std::vector<std::uint32_t> in_flight;         // per pod: requests it is serving or queueing
  std::deque<FlowState> flows;
  std::deque<Pending> pending_pool;
  std::vector<Pending*> free_pending;
  std::uint64_t seed = 0;
  bool keep_samples = false;
  RunObserver* observer = nullptr;
  std::uint64_t next_request_id = 0;
  // [cluster][service]: KUBE-SERVICES rules up to and including the
  // Service's own (one per Service port, in the cluster's order).
  std::vector<std::vector<double>> rules_through;
  std::function<void(double)> progress;
  void tick();

  Pending* take_pending() {
    if (free_pending.empty()) {
      pending_pool.emplace_back();
      free_pending.push_back(&pending_pool.back());
    }
    Pending* p = free_pending.back();
    free_pending.pop_back();
    *p = Pending{};
    p->engine = this;
    p->record = observer != nullptr;
    return p;
  }
  void drop_pending(Pending* p) {
    if (--p->refs == 0) free_pending.push_back(p);
  }
  void settle(Pending* p, Outcome o) {
    if (p->settled) return;
    p->settled = true;
    p->outcome = o;
    if (p->timer.valid()) sim.cancel(p->timer);
    p->timer = {};
    if (p->waiter) sim.resume_at(sim.now(), p->waiter);
  }

  Server& server_of(std::uint32_t pod);
  Task<> request(FlowState& f, std::uint32_t client);
  Task<> attempt(FlowState& f, std::uint32_t client, Pending* p);
  Task<> closed_client(FlowState& f, std::uint32_t client);
  // Sleeps the route's hop latencies, adding each to its stage.
  // Draws the route's hop latencies onto the timeline; returns their sum.
  Time route_latency(FlowState& f, const Route& r, Timeline& line);
  std::optional<Connection> open_target(FlowState& f, std::uint32_t client, net::Ipv4Address address,
                                        std::uint16_t port, Outcome& failure);
  std::uint32_t pick_endpoint(FlowState& f, std::uint32_t client, const std::vector<std::uint32_t>& pods,
                              bool same_zone_first, bool node_local);
  // A Service's endpoints in a multi-cluster mesh: its own and those of the
  // same namespace/name in clusters with an east-west gateway.
  struct MeshedService {
    struct Remote {
      std::uint32_t cluster = 0;
      std::uint32_t service = 0;
      std::uint32_t gateway_service = 0;
      std::uint32_t gateway_port = 0;  // index into the gateway Service's ports
      std::vector<std::uint32_t> gateway_pods;
    };
    std::vector<std::uint32_t> endpoints;  // pods, sorted
    std::vector<Remote> remotes;
  };
  std::map<std::pair<std::uint32_t, std::uint32_t>, MeshedService> meshed_services;
  const MeshedService& meshed(std::uint32_t cluster, std::uint32_t service);
  // A connection to endpoint `ep` of a Service: directly, or through the
  // east-west gateway of the endpoint's cluster.
  std::optional<Connection> to_endpoint(FlowState& f, std::uint32_t client, std::uint32_t cluster,
                                        std::uint32_t service, std::uint32_t service_port, std::uint32_t ep,
                                        Outcome& failure);
  std::optional<Connection> connect_service(FlowState& f, std::uint32_t client, std::uint32_t cluster,
                                            std::uint32_t service, std::uint32_t service_port, Outcome& failure);
  // The ALB picks a target for each request, round robin over its targets.
  std::optional<Connection> through_alb(FlowState& f, std::uint32_t client, Outcome& failure);
  std::optional<Connection> connect_load_balancer(FlowState& f, std::uint32_t client, std::uint32_t cluster,
                                                  std::uint32_t service, std::uint32_t service_port,
                                                  std::optional<std::uint32_t> lb_az, Outcome& failure,
                                                  bool via_api_gateway = false);
  Time kube_proxy_cost(std::uint32_t cluster, std::uint32_t service) const;
  void record_bytes(FlowState& f, const Route& r, double bytes);
};

void Pending::expire() {
  timer = {};
  if (settled) return;
  engine->settle(this, Outcome{Failure::timeout, reach::Reason::NO_ROUTE});
}

// The port a pod serves a Service port on (a named targetPort resolves per pod).
std::optional<std::uint16_t> target_port(const scenario::Scenario& s, const RunWorld& w, std::uint32_t pod,
                                         const k8s::ServicePort& sp) {
  if (!sp.target_port.is_named()) return sp.target_port.number != 0 ? sp.target_port.number : sp.port;
  const PodSite& site = w.pod(pod);
  const auto& wl = s.clusters[site.cluster].objects.workloads[site.workload];
  if (const auto found = wl.pod.find_port(sp.target_port.name, sp.protocol)) return found->container_port;
  return std::nullopt;
}

// A workload's first container port, for flows that name no port.
std::uint16_t first_port(const scenario::Scenario& s, const scenario::WorkloadRef& w) {
  for (const auto& p : s.clusters[w.cluster].objects.workloads[w.workload].pod.all_ports()) {
    if (p.protocol == k8s::Protocol::Tcp) return p.container_port;
  }
  return 80;
}

Engine::Engine(const scenario::Scenario& scen, const RunOptions& options, RunResult& r)
    : s(scen), result(r), world(scen, link_capacity), dns_world(dns::dns_world(scen)) {
  seed = r.seed;
  dns = std::make_unique<dns::DnsSystem>(sim, dns_world, dns::dns_tuning(scen),
                                         sim::RandomStream(r.seed, r.replication, "dns", "seed").next_u64());
  for (const auto& svc : dns_world.services) {
    for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
      if (s.clusters[c].name != dns_world.clusters[svc.cluster].name) continue;
      const auto& services = s.clusters[c].objects.services;
      for (std::uint32_t i = 0; i < services.size(); ++i) {
        if (services[i].namespace_name == svc.namespace_name && services[i].name == svc.name) {
          for (const auto ip : svc.load_balancer_ips) world.add_load_balancer_address(ip, c, i);
        }
      }
    }
  }
  bandwidth = std::make_unique<Bandwidth>(sim, link_capacity);
  for (const auto& cluster : s.clusters) {
    auto& rules = rules_through.emplace_back();
    double n = 0;
    for (const auto& svc : cluster.objects.services) rules.push_back(n += static_cast<double>(svc.ports.size()));
  }
  servers.resize(world.layout().pods.size());
  in_flight.assign(world.layout().pods.size(), 0);

  result.flows.resize(s.flows.size());
  for (std::uint32_t i = 0; i < s.flows.size(); ++i) {
    const scenario::Flow& spec = s.flows[i];
    FlowResult& out = result.flows[i];
    FlowState& f = flows.emplace_back(*this, spec, out, i, world.pods_of(spec.from), r);
    f.stop_at = r.duration;
    f.idle.resize(f.sources.size());
    out.name = spec.name;
    out.from = scenario::workload_name(s, spec.from);
    out.to = spec.to.text;
    out.offered_rate = spec.arrivals.kind == scenario::Arrivals::Kind::closed ? 0 : spec.arrivals.rate_per_second;
    out.source_pods = static_cast<std::uint32_t>(f.sources.size());
    f.mesh_client = !f.sources.empty() && world.pod(f.sources.front()).sidecar;
    f.retries = spec.retries.attempts > 0 || !f.mesh_client ? &spec.retries : &s.mesh.retries;

    Destination& d = f.dest;
    d.kind = spec.to.kind;
    switch (spec.to.kind) {
      case Kind::workload:
        d.endpoints = world.pods_of(spec.to.workload);
        break;
      case Kind::api_gateway:
      case Kind::ingress: {
        d.cluster = spec.to.cluster;
        d.service = spec.to.service;
        d.endpoints = world.endpoints(d.cluster, d.service);
        const auto& ports = s.clusters[d.cluster].objects.services[d.service].ports;
        for (std::uint32_t p = 0; p < ports.size(); ++p) {
          if (spec.to.port && ports[p].port == *spec.to.port) d.service_port = p;
        }
        break;
      }
      case Kind::service:
      case Kind::load_balancer: {
        d.cluster = spec.to.cluster;
        d.service = spec.to.service;
        d.endpoints = spec.to.kind == Kind::service && f.mesh_client && s.mesh.multi_cluster
                          ? meshed(d.cluster, d.service).endpoints
                          : world.endpoints(d.cluster, d.service);
        const k8s::Service& svc = s.clusters[d.cluster].objects.services[d.service];
        for (std::uint32_t p = 0; p < svc.ports.size(); ++p) {
          if (spec.to.port && svc.ports[p].port == *spec.to.port) d.service_port = p;
        }
        const auto mode = svc.annotations.find("service.kubernetes.io/topology-mode");
        d.topology_aware = mode != svc.annotations.end() && (mode->second == "Auto" || mode->second == "auto");
        break;
      }
      case Kind::address:
      case Kind::dns_name:
        d.address = spec.to.address;
        break;
    }
    out.destination_pods = static_cast<std::uint32_t>(d.endpoints.size());
    out.windows.resize(static_cast<std::size_t>((r.duration.count() + r.window.count() - 1) / r.window.count()));
    for (std::size_t w = 0; w < out.windows.size(); ++w) out.windows[w].start = r.window * static_cast<std::int64_t>(w);
  }
  keep_samples = options.keep_samples;
  observer = options.observer;
  progress = options.progress;
}

Server& Engine::server_of(std::uint32_t pod) {
  if (!servers[pod]) {
    const PodSite& site = world.pod(pod);
    const scenario::Server* spec = nullptr;
    for (const auto& sv : s.servers) {
      if (sv.workload.cluster == site.cluster && sv.workload.workload == site.workload) spec = &sv;
    }
    servers[pod] = std::make_unique<Server>(sim, spec ? spec->workers : 1,
                                            RandomStream(seed, result.replication, "pod/" + site.name, "service"), spec);
  }
  return *servers[pod];
}

Time Engine::route_latency(FlowState& f, const Route& r, Timeline& line) {
  const Time from = line.cursor;
  for (std::uint8_t i = 0; i < r.hop_count; ++i) line.spend(r.hops[i].stage, sample_time(*r.hops[i].latency, f.network));
  return line.cursor - from;
}

Time Engine::kube_proxy_cost(std::uint32_t cluster, std::uint32_t service) const {
  if (s.clusters[cluster].kube_proxy.mode != scenario::KubeProxy::Mode::iptables) return Time::ns(kHashedLookupNs);
  return Time::ns(static_cast<std::int64_t>(kIptablesBaseNs + kIptablesPerRuleNs * rules_through[cluster][service]));
}

void Engine::record_bytes(FlowState& f, const Route& r, double bytes) {
  const auto b = static_cast<std::uint64_t>(bytes);
  f.out.bytes += b;
  f.out.cross_az_bytes += b * r.az_crossings;
  if (r.transit_gateway) f.out.transit_gateway_bytes += b;
  if (r.nat_gateway) f.out.nat_gateway_bytes += b;
}

// Picks an endpoint: the sidecar balances each request over endpoints by
// least requests of two random choices, preferring the caller's AZ
// (locality-aware); kube-proxy picks at random, within the zone for
// topology-aware Services that have endpoints there.
std::uint32_t Engine::pick_endpoint(FlowState& f, std::uint32_t client, const std::vector<std::uint32_t>& pods,
                                    bool same_zone_first, bool node_local) {
  const PodSite& c = world.pod(client);
  std::uint32_t local[64];
  std::size_t n = 0;
  if (node_local || same_zone_first) {
    for (const std::uint32_t p : pods) {
      const bool match = node_local ? world.pod(p).node == c.node : world.pod(p).az == c.az;
      if (match && n < std::size(local)) local[n++] = p;
    }
    if (n == 0 && node_local) return kNone;
  }
  auto at = [&](std::uint64_t i) { return n > 0 ? local[i] : pods[i]; };
  const std::uint64_t size = n > 0 ? n : pods.size();
  if (size == 0) return kNone;
  const std::uint32_t first = at(f.choice.uniform_below(size));
  if (!f.mesh_client || size == 1) return first;
  const std::uint32_t second = at(f.choice.uniform_below(size));
  return in_flight[second] < in_flight[first] ? second : first;
}

const Engine::MeshedService& Engine::meshed(std::uint32_t cluster, std::uint32_t service) {
  auto [it, fresh] = meshed_services.try_emplace({cluster, service});
  MeshedService& m = it->second;
  if (!fresh) return m;
  m.endpoints = world.endpoints(cluster, service);
  const k8s::Service& svc = s.clusters[cluster].objects.services[service];
  for (std::uint32_t c = 0; c < s.clusters.size(); ++c) {
    if (c == cluster) continue;
    const auto& objects = s.clusters[c].objects;
    const auto same = objects.find_service(svc.namespace_name, svc.name);
    const auto gateway = objects.find_service("istio-system", "istio-eastwestgateway");
    if (!same || !gateway || !objects.services[*gateway].load_balancer) continue;
    MeshedService::Remote r;
    r.cluster = c;
    r.service = *same;
    r.gateway_service = *gateway;
    const auto& gports = objects.services[*gateway].ports;
    for (std::uint32_t i = 0; i < gports.size(); ++i) {
      if (gports[i].port == 15443) r.gateway_port = i;  // Istio's cross-network mTLS port
    }
    r.gateway_pods = world.endpoints(c, *gateway);
    if (r.gateway_pods.empty()) continue;  // a gateway with no running pod reaches nothing
    const auto& pods = world.endpoints(c, *same);
    m.endpoints.insert(m.endpoints.end(), pods.begin(), pods.end());
    m.remotes.push_back(std::move(r));
  }
  std::sort(m.endpoints.begin(), m.endpoints.end());
  return m;
}

std::optional<Connection> Engine::to_endpoint(FlowState& f, std::uint32_t client, std::uint32_t cluster,
                                              std::uint32_t service, std::uint32_t service_port, std::uint32_t ep,
                                              Outcome& failure) {
  const k8s::Service& svc = s.clusters[cluster].objects.services[service];
  if (svc.ports.empty()) {
    failure = {Failure::connect_timeout, reach::Reason::SERVICE_PORT_NOT_FOUND};
    return std::nullopt;
  }
  const k8s::ServicePort& sp = svc.ports[service_port];
  const std::uint32_t home = world.pod(ep).cluster;
  if (home == cluster) {
    const auto port = target_port(s, world, ep, sp);
    if (!port) {
      failure = {Failure::connect_timeout, reach::Reason::TARGET_PORT_NOT_FOUND};
      return std::nullopt;
    }
    return Connection{ep, &world.pod_pair(client, ep, *port), *port};
  }
  // Another cluster's endpoint, through its east-west gateway.
  const MeshedService& m = meshed(cluster, service);
  const auto r = std::find_if(m.remotes.begin(), m.remotes.end(), [&](const auto& x) { return x.cluster == home; });
  const auto& objects = s.clusters[home].objects;
  const auto& remote_ports = objects.services[r->service].ports;
  const auto same = std::find_if(remote_ports.begin(), remote_ports.end(), [&](const k8s::ServicePort& x) {
    return x.port == sp.port && x.protocol == sp.protocol;
  });
  const auto port = same == remote_ports.end() ? std::nullopt : target_port(s, world, ep, *same);
  const std::uint32_t gw = r->gateway_pods[f.choice.uniform_below(r->gateway_pods.size())];
  const auto gw_port = target_port(s, world, gw, objects.services[r->gateway_service].ports[r->gateway_port]);
  if (!port || !gw_port) {
    failure = {Failure::connect_timeout, reach::Reason::TARGET_PORT_NOT_FOUND};
    return std::nullopt;
  }
  return Connection{ep, &world.east_west(client, home, r->gateway_service, r->gateway_port, gw, *gw_port, ep, *port),
                    *port};
}

std::optional<Connection> Engine::connect_service(FlowState& f, std::uint32_t client, std::uint32_t cluster,
                                                  std::uint32_t service, std::uint32_t service_port,
                                                  Outcome& failure) {
  const k8s::Service& svc = s.clusters[cluster].objects.services[service];
  const bool across = f.mesh_client && s.mesh.multi_cluster;
  const std::vector<std::uint32_t>& pods = across ? meshed(cluster, service).endpoints : world.endpoints(cluster, service);
  const bool zone = f.mesh_client ? s.mesh.locality_load_balancing : f.dest.topology_aware;
  const std::uint32_t ep =
      pick_endpoint(f, client, pods, zone, svc.internal_traffic_policy == k8s::TrafficPolicy::Local);
  if (ep == kNone) {
    // kube-proxy rejects traffic to a Service without endpoints (ICMP port
    // unreachable): the client sees a refusal at once.
    failure = {Failure::refused, reach::Reason::NO_ENDPOINTS};
    return std::nullopt;
  }
  return to_endpoint(f, client, cluster, service, service_port, ep, failure);
}

std::optional<Connection> Engine::connect_load_balancer(FlowState& f, std::uint32_t client, std::uint32_t cluster,
                                                        std::uint32_t service, std::uint32_t service_port,
                                                        std::optional<std::uint32_t> lb_az, Outcome& failure,
                                                        bool via_api_gateway) {
  const k8s::Service& svc = s.clusters[cluster].objects.services[service];
  const std::vector<std::uint32_t>& pods = world.endpoints(cluster, service);
  if (pods.empty() || !svc.load_balancer || svc.ports.empty()) {
    failure = {Failure::connect_timeout, reach::Reason::NO_ENDPOINTS};
    return std::nullopt;
  }
  const k8s::AwsLoadBalancer& lb = *svc.load_balancer;
  const bool ip_targets = lb.target_type == k8s::NlbTargetType::Ip;
  const bool local = svc.external_traffic_policy == k8s::TrafficPolicy::Local;
  // Targets: the endpoint pods (ip) or the cluster's nodes (instance; only
  // those running an endpoint with externalTrafficPolicy Local).
  std::vector<std::uint32_t> targets;
  if (ip_targets) {
    targets = pods;
  } else {
    for (const std::uint32_t n : world.nodes_of(cluster)) {
      if (local && std::none_of(pods.begin(), pods.end(), [&](std::uint32_t p) { return world.pod(p).node == n; }))
        continue;
      targets.push_back(n);
    }
  }
  auto az_of = [&](std::uint32_t t) { return ip_targets ? world.pod(t).az : world.node(t).az; };
  // The client resolved one of the NLB's per-AZ addresses; without
  // cross-zone load balancing that AZ's node sends only to its own targets,
  // and DNS leaves out AZs without healthy targets.
  std::uint32_t az = lb_az ? *lb_az : az_of(targets[f.choice.uniform_below(targets.size())]);
  std::vector<std::uint32_t> here;
  for (const std::uint32_t t : targets) {
    if (lb.cross_zone || az_of(t) == az) here.push_back(t);
  }
  if (here.empty()) {
    az = az_of(targets[f.choice.uniform_below(targets.size())]);
    for (const std::uint32_t t : targets) {
      if (lb.cross_zone || az_of(t) == az) here.push_back(t);
    }
  }
  const std::uint32_t target = here[f.choice.uniform_below(here.size())];
  std::uint32_t ep = target;
  std::uint32_t via = kNone;
  if (!ip_targets) {
    via = target;
    std::vector<std::uint32_t> choices;
    for (const std::uint32_t p : pods) {
      if (!local || world.pod(p).node == target) choices.push_back(p);
    }
    ep = choices[f.choice.uniform_below(choices.size())];
  }
  const auto port = target_port(s, world, ep, svc.ports[service_port]);
  if (!port) {
    failure = {Failure::connect_timeout, reach::Reason::TARGET_PORT_NOT_FOUND};
    return std::nullopt;
  }
  return Connection{ep,
                    via_api_gateway
                        ? &world.api_gateway(client, cluster, service, service_port, az, via, ep, *port)
                        : &world.load_balancer(client, cluster, service, service_port, az, via, ep, *port),
                    *port};
}

std::optional<Connection> Engine::through_alb(FlowState& f, std::uint32_t client, Outcome& failure) {
  const auto& to = f.spec.to;
  const k8s::Ingress& ing = s.clusters[to.cluster].objects.ingresses[to.ingress];
  const std::vector<std::uint32_t>& pods = world.endpoints(to.cluster, to.service);
  if (pods.empty()) {
    // An ALB with no healthy target answers 503 at once.
    failure = {Failure::overloaded, reach::Reason::NO_ENDPOINTS};
    return std::nullopt;
  }
  const bool ip_targets = ing.target_type_of(to.service) == k8s::NlbTargetType::Ip;
  // Cross-zone load balancing is always on for an ALB: any target, in turn.
  std::uint32_t ep = 0;
  std::uint32_t via = kNone;
  if (ip_targets) {
    ep = pods[f.alb_turn++ % pods.size()];
  } else {
    const std::vector<std::uint32_t>& nodes = world.nodes_of(to.cluster);
    via = nodes[f.alb_turn++ % nodes.size()];
    ep = pods[f.choice.uniform_below(pods.size())];  // kube-proxy on that node
  }
  const auto port = target_port(s, world, ep, s.clusters[to.cluster].objects.services[to.service].ports[to.backend_port]);
  if (!port) {
    failure = {Failure::gateway_timeout, reach::Reason::TARGET_PORT_NOT_FOUND};
    return std::nullopt;
  }
  // The ALB node in the client's AZ (it has one in each AZ of the cluster).
  const std::uint32_t az = world.pod(client).az;
  return Connection{ep, &world.alb(client, to.cluster, to.ingress, to.service, to.backend_port, az, via, ep, *port),
                    *port};
}

// Where an address from DNS leads.
std::optional<Connection> Engine::open_target(FlowState& f, std::uint32_t client, net::Ipv4Address address,
                                              std::uint16_t port, Outcome& failure) {
  const RunWorld::AddressOwner owner = world.owner_of(world.pod(client).cluster, address);
  auto service_port_of = [&](std::uint32_t cluster, std::uint32_t service) -> std::optional<std::uint32_t> {
    const auto& ports = s.clusters[cluster].objects.services[service].ports;
    for (std::uint32_t i = 0; i < ports.size(); ++i) {
      if (ports[i].port == port && ports[i].protocol == k8s::Protocol::Tcp) return i;
    }
    return std::nullopt;
  };
  switch (owner.kind) {
    case RunWorld::AddressOwner::Kind::pod:
      return Connection{owner.index, &world.pod_pair(client, owner.index, port), port};
    case RunWorld::AddressOwner::Kind::service: {
      const auto sp = service_port_of(owner.cluster, owner.index);
      if (!sp) break;
      return connect_service(f, client, owner.cluster, owner.index, *sp, failure);
    }
    case RunWorld::AddressOwner::Kind::load_balancer: {
      const auto sp = service_port_of(owner.cluster, owner.index);
      if (!sp) break;
      return connect_load_balancer(f, client, owner.cluster, owner.index, *sp, owner.az, failure);
    }
    case RunWorld::AddressOwner::Kind::node:
    case RunWorld::AddressOwner::Kind::external:
      return Connection{kNone, &world.external(client, address, port), port};
  }
  // A ClusterIP or load balancer port nobody listens on: the packets go
  // nowhere and the client's SYNs time out.
  failure = {Failure::connect_timeout, reach::Reason::SERVICE_PORT_NOT_FOUND};
  return std::nullopt;
}

Task<> Engine::attempt(FlowState& f, std::uint32_t client, Pending* p) {
  const std::size_t source = static_cast<std::size_t>(
      std::lower_bound(f.sources.begin(), f.sources.end(), client) - f.sources.begin());
  std::array<Time, kStages> stages{};
  Outcome failure;
  std::optional<Connection> conn;
  const bool sidecar_client = world.pod(client).sidecar;
  auto& idle = f.idle[source];

  // Pick the destination: the sidecar picks per request and keeps a pool per
  // endpoint; without one, a kept-alive connection stays on its endpoint.
  std::uint32_t wanted = kNone;
  if (sidecar_client && (f.dest.kind == Kind::service || f.dest.kind == Kind::workload)) {
    wanted = pick_endpoint(f, client, f.dest.endpoints, s.mesh.locality_load_balancing, false);
  }
  if (f.spec.keep_alive) {
    for (std::size_t i = idle.size(); i-- > 0;) {
      if (wanted == kNone || idle[i].endpoint == wanted) {
        conn = idle[i];
        idle[i] = idle.back();
        idle.pop_back();
        break;
      }
    }
  }
  if (!conn) {
    ++f.out.new_connections;
    const Time before_dns = sim.now();
    switch (f.dest.kind) {
      case Kind::workload: {
        const std::uint32_t ep = wanted != kNone ? wanted : pick_endpoint(f, client, f.dest.endpoints, false, false);
        if (ep == kNone) {
          failure = {Failure::refused, reach::Reason::NO_ENDPOINTS};
          break;
        }
        const std::uint16_t port = f.spec.to.port.value_or(first_port(s, f.spec.to.workload));
        conn = Connection{ep, &world.pod_pair(client, ep, port), port};
        break;
      }
      case Kind::service:
        if (wanted != kNone) {
          conn = to_endpoint(f, client, f.dest.cluster, f.dest.service, f.dest.service_port, wanted, failure);
        } else {
          conn = connect_service(f, client, f.dest.cluster, f.dest.service, f.dest.service_port, failure);
        }
        break;
      case Kind::load_balancer:
        conn = connect_load_balancer(f, client, f.dest.cluster, f.dest.service, f.dest.service_port, std::nullopt,
                                     failure);
        break;
      case Kind::ingress:
        conn = through_alb(f, client, failure);
        break;
      case Kind::api_gateway:
        conn = connect_load_balancer(f, client, f.dest.cluster, f.dest.service, f.dest.service_port, std::nullopt,
                                     failure, true);
        break;
      case Kind::address:
        conn = open_target(f, client, f.dest.address, f.spec.to.port.value_or(80), failure);
        break;
      case Kind::dns_name: {
        const dns::LookupResult answer =
            co_await dns->lookup(client, f.spec.to.dns_name, dns::LookupFamily::A);
        Timeline line{stages, p, before_dns};
        line.spend(Stage::dns, sim.now() - before_dns);
        if (answer.status == dns::LookupStatus::Timeout) {
          failure = {Failure::dns_failure, reach::Reason::DNS_NXDOMAIN};
        } else if (answer.addresses.empty()) {
          failure = {Failure::dns_nxdomain, reach::Reason::DNS_NXDOMAIN};
        } else {
          const net::Ipv4Address a = answer.addresses[f.choice.uniform_below(answer.addresses.size())];
          conn = open_target(f, client, a, f.spec.to.port.value_or(80), failure);
        }
        break;
      }
    }
    p->new_connection = true;
    if (conn) {
      const PairPlan& plan = *conn->plan;
      p->server_pod = conn->endpoint;
      p->port = conn->port;
      Timeline line{stages, p, sim.now()};
      if (plan.proxied) {
        // The client's connection ends at the ALB; what lies behind it is
        // the ALB's own business, request by request.
        std::array<Time, kStages> hops{};
        Timeline rtt{hops, nullptr, Time{}};
        line.spend(Stage::connect, route_latency(f, plan.to_proxy, rtt) + route_latency(f, plan.from_proxy, rtt));
        co_await sim.sleep(line.cursor - sim.now());
      } else if (!plan.allowed) {
        // Security groups, network ACLs, NetworkPolicies and missing routes
        // drop packets: SYNs go unanswered until the connect timeout.
        line.spend(Stage::connect, f.spec.connect_timeout);
        co_await sim.sleep(f.spec.connect_timeout);
        failure = {Failure::connect_timeout, plan.reason};
        conn.reset();
      } else {
        // The handshake's round trip counts as connecting, whatever hops it crosses.
        std::array<Time, kStages> hops{};
        Timeline rtt{hops, nullptr, Time{}};
        if (f.dest.kind == Kind::service && !sidecar_client) {
          line.spend(Stage::kube_proxy, kube_proxy_cost(f.dest.cluster, f.dest.service));
        }
        line.spend(Stage::connect, route_latency(f, plan.forward, rtt) + route_latency(f, plan.back, rtt));
        if (sidecar_client && conn->endpoint != kNone && world.pod(conn->endpoint).sidecar && s.mesh.mtls) {
          // TLS 1.3 between the sidecars: one more round trip.
          line.spend(Stage::mtls, route_latency(f, plan.forward, rtt) + route_latency(f, plan.back, rtt));
        }
        co_await sim.sleep(line.cursor - sim.now());
      }
    } else if (failure.failure == Failure::connect_timeout) {
      Timeline line{stages, p, sim.now()};
      line.spend(Stage::connect, f.spec.connect_timeout);
      co_await sim.sleep(f.spec.connect_timeout);
    }
  }
  // Behind a proxy (an ALB, API Gateway) each request goes where the proxy
  // sends it now, whatever connection it came on.
  const bool alb = f.dest.kind == Kind::ingress;
  if (conn && (alb || f.dest.kind == Kind::api_gateway)) {
    if (!p->new_connection) {
      conn = alb ? through_alb(f, client, failure)
                 : connect_load_balancer(f, client, f.dest.cluster, f.dest.service, f.dest.service_port, std::nullopt,
                                         failure, true);
    }
    if (conn && !conn->plan->allowed) {
      // The proxy cannot reach the target: it tries until its own timeout
      // (the ALB's 10 s target connection timeout, API Gateway's 29 s
      // integration timeout), then answers 504.
      const Time wait = alb ? kAlbTargetConnectTimeout : kApiGatewayIntegrationTimeout;
      Timeline line{stages, p, sim.now()};
      line.spend(alb ? Stage::load_balancer : Stage::api_gateway, wait);
      co_await sim.sleep(wait);
      failure = {alb ? Failure::gateway_timeout : Failure::api_gateway_timeout, conn->plan->reason};
      if (f.spec.keep_alive) idle.push_back(*conn);  // the client's connection to the ALB stays
      conn.reset();
    }
  }
  if (conn) {
    const PairPlan& plan = *conn->plan;
    const bool client_car = sidecar_client;
    const bool server_car = conn->endpoint != kNone && world.pod(conn->endpoint).sidecar;
    const int cars = (client_car ? 1 : 0) + (server_car ? 1 : 0);
    p->server_pod = conn->endpoint;
    p->port = conn->port;
    p->server_sidecar = server_car;
    // One way: each sidecar on the way, then the path's hops.
    auto leg = [&](const Route& r) {
      Timeline line{stages, p, sim.now()};
      for (int i = 0; i < cars; ++i) line.spend(Stage::sidecar, sample_time(s.mesh.sidecar, f.network));
      route_latency(f, r, line);
      return line.cursor - sim.now();
    };
    auto transferred = [&](Time since) {
      Timeline line{stages, p, since};
      line.spend(Stage::transfer, sim.now() - since);
    };
    // The request.
    const double request_bytes = sample(f.spec.request_size, f.sizes);
    const double response_bytes = sample(f.spec.response_size, f.sizes);
    co_await sim.sleep(leg(plan.forward));
    Time mark = sim.now();
    co_await bandwidth->transfer(plan.forward, request_bytes);
    transferred(mark);
    record_bytes(f, plan.forward, request_bytes);
    p->request_bytes = static_cast<std::uint64_t>(request_bytes);
    // The server.
    bool overloaded = false;
    if (conn->endpoint != kNone) {
      Server& server = server_of(conn->endpoint);
      if (server.spec != nullptr && server.spec->queue_limit && server.workers.in_use() == server.workers.capacity() &&
          server.workers.queue_length() >= *server.spec->queue_limit) {
        overloaded = true;
      } else {
        ++in_flight[conn->endpoint];
        if (server.workers.in_use() == server.workers.capacity()) ++f.out.waited;
        mark = sim.now();
        auto worker = co_await server.workers.acquire();
        Timeline line{stages, p, mark};
        line.spend(Stage::queue, sim.now() - mark);
        const Time work = server.spec != nullptr ? sample_time(server.spec->service_time, server.service)
                                                 : server.service.exponential(Time::ms(1));
        line.spend(Stage::service, work);
        co_await sim.sleep(work);
        worker.release();
        --in_flight[conn->endpoint];
      }
    }
    // The response (or the 503).
    co_await sim.sleep(leg(plan.back));
    mark = sim.now();
    const double back_bytes = overloaded ? 0 : response_bytes;
    co_await bandwidth->transfer(plan.back, back_bytes);
    transferred(mark);
    record_bytes(f, plan.back, back_bytes);
    p->response_bytes = static_cast<std::uint64_t>(back_bytes);
    if (f.spec.keep_alive) idle.push_back(*conn);
    if (overloaded) failure = {Failure::overloaded, reach::Reason::NO_ENDPOINTS};
  }
  // Where the time of a successful attempt went, as long as its waiter still
  // waits for it (a late answer after a timeout counts for nothing).
  if (!p->settled && failure.failure == Failure::none) {
    for (std::size_t i = 0; i < kStages; ++i) f.stage_sum[i] += static_cast<long double>(stages[i].count());
  }
  settle(p, failure);
  drop_pending(p);
}

Task<> Engine::request(FlowState& f, std::uint32_t client) {
  const Time started = sim.now();
  const Time deadline = started + f.spec.timeout;
  ++f.out.requests;
  ++f.active;
  Outcome outcome;
  Time backoff{};
  // Only with an observer: the request as it will be reported.
  std::unique_ptr<RequestRecord> rec;
  if (observer != nullptr) {
    rec = std::make_unique<RequestRecord>();
    rec->flow = f.index;
    rec->id = next_request_id++;
    rec->client_pod = client;
    rec->start = started;
    rec->client_sidecar = world.pod(client).sidecar;
  }
  for (std::uint32_t tries = 0;; ++tries) {
    Pending* p = take_pending();
    p->timer = sim.call_cancellable_at<&Pending::expire>(deadline, *p);
    sim::spawn(sim, attempt(f, client, p));
    struct Wait {
      Pending* p;
      [[nodiscard]] bool await_ready() const noexcept { return p->settled; }
      void await_suspend(std::coroutine_handle<> h) noexcept { p->waiter = h; }
      void await_resume() const noexcept {}
    };
    co_await Wait{p};
    outcome = p->outcome;
    if (rec) {
      rec->attempts = tries + 1;
      rec->spans.insert(rec->spans.end(), p->spans, p->spans + p->span_count);
      rec->server_pod = p->server_pod;
      rec->port = p->port;
      rec->new_connection = p->new_connection;
      rec->server_sidecar = p->server_sidecar;
      rec->request_bytes += p->request_bytes;
      rec->response_bytes += p->response_bytes;
    }
    drop_pending(p);
    const bool retriable = outcome.failure == Failure::connect_timeout || outcome.failure == Failure::refused ||
                           outcome.failure == Failure::overloaded;
    if (!retriable || tries >= f.retries->attempts || sim.now() >= deadline) break;
    if (f.retries->budget &&
        static_cast<double>(f.active_retries + 1) >
            std::max(static_cast<double>(kMinRetryConcurrency), *f.retries->budget * static_cast<double>(f.active)))
      break;
    // Envoy's backoff: uniformly jittered in [0, base * 2^tries], at most 10x the base.
    const double cap = static_cast<double>(std::min(f.retries->backoff.count() << std::min(tries, 20U),
                                                    f.retries->backoff.count() * 10));
    const Time wait = Time::ns(static_cast<std::int64_t>(f.retry.uniform01() * cap));
    if (sim.now() + wait >= deadline) break;
    ++f.out.retries;
    ++f.active_retries;
    if (rec) rec->spans.push_back({Stage::backoff, sim.now(), wait});
    co_await sim.sleep(wait);
    --f.active_retries;
    backoff += wait;
  }
  --f.active;
  const Time latency = sim.now() - started;
  const auto w = std::min<std::size_t>(static_cast<std::size_t>(sim.now().count() / result.window.count()),
                                       f.out.windows.size() - 1);
  if (outcome.failure == Failure::none) {
    ++f.out.completed;
    if (sim.now() <= result.duration) ++f.out.completed_in_time;
    f.out.latency.record(latency);
    if (f.out.windows.size() > 0) {
      ++f.out.windows[w].completed;
      f.out.windows[w].latency.record(latency);
    }
    f.stage_sum[static_cast<std::size_t>(Stage::backoff)] += static_cast<long double>(backoff.count());
    if (keep_samples) f.out.samples.push_back(latency.count());
  } else {
    ++f.out.failed;
    ++f.failures[static_cast<std::size_t>(outcome.failure) * kReasons + static_cast<std::size_t>(outcome.reason)];
    if (f.out.windows.size() > 0) ++f.out.windows[w].failed;
  }
  if (rec) {
    rec->end = sim.now();
    rec->ok = outcome.failure == Failure::none;
    if (!rec->ok) rec->cause = failure_text(outcome.failure, outcome.reason);
    rec->rejected_by_vpc = outcome.failure == Failure::connect_timeout && blocked_by_vpc(outcome.reason);
    observer->request_done(*rec);
  }
}

// Open loop: the next arrival of a flow, while the source is on.
void FlowState::arrive() {
  Engine& e = engine;
  const std::uint32_t client = sources[choice.uniform_below(sources.size())];
  sim::spawn(e.sim, e.request(*this, client));
  const auto& a = spec.arrivals;
  const double gap_ns = 1e9 / a.rate_per_second;
  const Time gap = Time::ns(static_cast<std::int64_t>(
      (a.kind == scenario::Arrivals::Kind::constant ? gap_ns : arrivals.exponential(gap_ns)) + 0.5));
  const Time next = e.sim.now() + std::max(gap, Time::ns(1));
  if (next >= stop_at) return;
  if (next >= on_until) {
    e.sim.call_at<&FlowState::turn_off>(on_until, *this);
    return;
  }
  e.sim.call_at<&FlowState::arrive>(next, *this);
}

// On/off sources: an on period of Poisson arrivals, then silence.
void FlowState::turn_on() {
  Engine& e = engine;
  on_until = e.sim.now() + std::max(sample_time(spec.arrivals.on, arrivals), Time::ns(1));
  const Time first = e.sim.now() + arrivals.exponential(Time::ns(static_cast<std::int64_t>(1e9 / spec.arrivals.rate_per_second)));
  if (first >= stop_at) return;
  if (first >= on_until) {
    e.sim.call_at<&FlowState::turn_off>(on_until, *this);
  } else {
    e.sim.call_at<&FlowState::arrive>(first, *this);
  }
}

void FlowState::turn_off() {
  Engine& e = engine;
  const Time next = e.sim.now() + sample_time(spec.arrivals.off, arrivals);
  if (next < stop_at) e.sim.call_at<&FlowState::turn_on>(next, *this);
}

// Closed loop: one client sends, waits for the answer, thinks, sends again.
Task<> Engine::closed_client(FlowState& f, std::uint32_t client) {
  while (sim.now() < f.stop_at) {
    co_await request(f, client);
    co_await sim.sleep(sample_time(f.spec.arrivals.think_time, f.arrivals));
  }
}

// Reports progress at 1% steps of simulated time.
void Engine::tick() {
  progress(static_cast<double>(sim.now().count()) / static_cast<double>(result.duration.count()));
  const Time step = std::max(result.duration / 100, Time::ns(1));
  if (sim.now() + step <= result.duration) sim.call_in<&Engine::tick>(step, *this);
}

void Engine::run() {
  for (FlowState& f : flows) {
    // A flow with no running pod to send from sends nothing; the report
    // shows zero source pods.
    if (f.sources.empty()) continue;
    const auto& a = f.spec.arrivals;
    switch (a.kind) {
      case scenario::Arrivals::Kind::closed:
        for (std::uint32_t c = 0; c < a.clients; ++c) {
          sim::spawn(sim, closed_client(f, f.sources[c % f.sources.size()]));
        }
        break;
      case scenario::Arrivals::Kind::on_off:
        sim.call_at<&FlowState::turn_on>(Time{}, f);
        break;
      case scenario::Arrivals::Kind::constant: {
        // A random phase, so that two constant flows do not arrive in lockstep.
        const Time first = Time::ns(static_cast<std::int64_t>(f.arrivals.uniform01() * 1e9 / a.rate_per_second));
        if (first < f.stop_at) sim.call_at<&FlowState::arrive>(first, f);
        break;
      }
      case scenario::Arrivals::Kind::poisson: {
        const Time first = f.arrivals.exponential(Time::ns(static_cast<std::int64_t>(1e9 / a.rate_per_second)));
        if (first < f.stop_at) sim.call_at<&FlowState::arrive>(first, f);
        break;
      }
    }
  }
  if (progress) sim.call_at<&Engine::tick>(Time{}, *this);
  if (observer != nullptr) observer->begin(RunContext{s, world.layout(), dns_world, result});
  sim.run();
  result.finished_at = sim.now();
  result.events = sim.events_run();
  for (FlowState& f : flows) {
    FlowResult& out = f.out;
    for (std::size_t i = 0; i < kStages; ++i) {
      out.stage_mean_ns[i] = out.completed > 0 ? static_cast<double>(f.stage_sum[i] / out.completed) : 0.0;
    }
    for (std::size_t k = 1; k < kFailures; ++k) {
      for (std::size_t r = 0; r < kReasons; ++r) {
        const std::uint64_t n = f.failures[k * kReasons + r];
        if (n > 0) out.errors.push_back({failure_text(static_cast<Failure>(k), static_cast<reach::Reason>(r)), n});
      }
    }
    std::sort(out.errors.begin(), out.errors.end(),
              [](const ErrorCount& x, const ErrorCount& y) { return x.cause < y.cause; });
    out.data_cost_usd = static_cast<double>(out.cross_az_bytes) * kCrossAzUsdPerByte +
                        static_cast<double>(out.transit_gateway_bytes) * kTgwUsdPerByte +
                        static_cast<double>(out.nat_gateway_bytes) * kNatUsdPerByte;
  }
  // After the results are final, so an observer may read them.
  if (observer != nullptr) observer->end();
}

}  // namespace

std::string_view to_string(Stage stage) {
  switch (stage) {
    case Stage::dns: return "dns";
    case Stage::connect: return "connect";
    case Stage::kube_proxy: return "kube-proxy";
    case Stage::mtls: return "mtls";
    case Stage::sidecar: return "sidecar";
    case Stage::network: return "network";
    case Stage::transit_gateway: return "transit-gateway";
    case Stage::load_balancer: return "load-balancer";
    case Stage::api_gateway: return "api-gateway";
    case Stage::nat_gateway: return "nat-gateway";
    case Stage::internet: return "internet";
    case Stage::transfer: return "transfer";
    case Stage::queue: return "queue";
    case Stage::service: return "service";
    case Stage::backoff: return "backoff";
    case Stage::count_: break;
  }
  return "?";
}

double FlowResult::throughput(sim::Time duration) const {
  return duration.count() > 0 ? static_cast<double>(completed_in_time) / (static_cast<double>(duration.count()) / 1e9)
                              : 0.0;
}

double FlowResult::error_rate() const {
  const std::uint64_t ended = completed + failed;
  return ended > 0 ? static_cast<double>(failed) / static_cast<double>(ended) : 0.0;
}

RunResult run_scenario(const scenario::Scenario& s, const RunOptions& options) {
  RunResult result;
  result.scenario = s.name;
  result.seed = options.seed.value_or(s.seed);
  result.replication = options.replication;
  result.duration = options.duration.value_or(s.duration);
  result.window = options.window > Time{} ? options.window : Time::s(1);
  // At most 10,000 windows, so a long run stays small.
  if (result.duration.count() / result.window.count() > 10'000) result.window = result.duration / 10'000;
  auto engine = std::make_unique<Engine>(s, options, result);
  engine->run();
  return result;
}

std::vector<ExpectationOutcome> evaluate(const scenario::Scenario& s, const RunResult& r) {
  std::vector<ExpectationOutcome> out;
  for (const auto& e : s.expectations) {
    const FlowResult& f = r.flows[e.flow];
    const auto& h = f.latency;
    bool ok = true;
    std::string detail;
    auto check = [&](const char* label, double q, sim::Time bound) {
      const auto v = sim::Time::ns(h.quantile(q));
      const bool pass = !h.empty() && v < bound;
      ok = ok && pass;
      if (!detail.empty()) detail += ", ";
      detail += std::string(label) + " " + sim::format_duration_human(v) + (pass ? " < " : " >= ") +
                sim::format_duration_human(bound);
    };
    if (e.p50_below) check("p50", 0.5, *e.p50_below);
    if (e.p99_below) check("p99", 0.99, *e.p99_below);
    if (e.error_rate_below) {
      const double rate = f.error_rate();
      const bool pass = rate < *e.error_rate_below;
      ok = ok && pass;
      if (!detail.empty()) detail += ", ";
      char buf[96];
      std::snprintf(buf, sizeof buf, "error rate %.3g%% %s %.3g%%", rate * 100, pass ? "<" : ">=",
                    *e.error_rate_below * 100);
      detail += buf;
    }
    out.push_back({&e, ok, detail});
  }
  return out;
}

}  // namespace eksim::traffic
