// The Kubernetes policy engine at scale: one cluster of 100,000 pods in
// 2,000 namespaces with 10,000 NetworkPolicies, a few AdminNetworkPolicies
// and a baseline (targets: the full matrix in under 2 s and 2 GiB on one
// core; one NetworkPolicy update in under 100 ms). The cluster is generated
// as manifest text, deterministically, and loaded once.
//
// Per namespace: 5 Deployments of 10 replicas (app-0 .. app-4, named ports
// http, metrics, and grpc on some), and 5 policies in realistic shapes:
// default-deny ingress, allow-from-same-app for app-0 and app-1 (with a port
// list mixing numbers and names), allow-from-monitoring (namespaces labelled
// purpose=monitoring, metrics port by name), and for app-2 either
// allow-from-same-app or, in one namespace of ten, an egress policy with
// ipBlocks (internet except private ranges, plus DNS anywhere).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <chrono>
#include <fstream>
#include <string>

#include "eksim/k8s/manifest_loader.hpp"
#include "eksim/reach/policy_engine.hpp"

namespace {

using eksim::reach::PolicyEngine;

constexpr int kNamespaces = 2000;
constexpr int kApps = 5;
constexpr int kReplicas = 10;

std::string generate() {
  std::string y;
  y.reserve(40u << 20);
  for (int n = 0; n < kNamespaces; ++n) {
    const std::string ns = "ns-" + std::to_string(n);
    y += "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + ", labels: {team: t" + std::to_string(n % 50) +
         ", env: " + (n % 3 == 0 ? "dev" : "prod") + (n % 100 == 0 ? ", purpose: monitoring" : "") + "}}\n---\n";
    for (int a = 0; a < kApps; ++a) {
      const std::string app = "app-" + std::to_string(a);
      y += "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + app + ", namespace: " + ns +
           "}\nspec:\n  replicas: " + std::to_string(kReplicas) + "\n  selector: {matchLabels: {app: " + app +
           "}}\n  template:\n    metadata: {labels: {app: " + app + ", tier: " + (a < 2 ? "front" : "back") +
           "}}\n    spec: {containers: [{name: main, image: i, ports: [{name: http, containerPort: " +
           (a % 2 == 0 ? "8080" : "80") + "}, {name: metrics, containerPort: 9090}" +
           (a == 3 ? ", {name: grpc, containerPort: 9000}" : "") + "]}]}\n---\n";
    }
    auto np = [&](const std::string& name, const std::string& spec) {
      y += "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns +
           "}\nspec:\n" + spec + "---\n";
    };
    np("default-deny", "  podSelector: {}\n  policyTypes: [Ingress]\n");
    for (int a = 0; a < 3; ++a) {
      const std::string app = "app-" + std::to_string(a);
      if (a == 2 && n % 10 == 0) {
        np("egress-" + app, "  podSelector: {matchLabels: {app: " + app + "}}\n  policyTypes: [Egress]\n"
                            "  egress:\n  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, "
                            "192.168.0.0/16]}}]\n  - to: [{namespaceSelector: {}}]\n"
                            "    ports: [{port: 53, protocol: UDP}, {port: 53}, {port: http}]\n");
        continue;
      }
      np("allow-same-" + app, "  podSelector: {matchLabels: {app: " + app + "}}\n  ingress:\n  - from: [{podSelector: "
                              "{matchLabels: {app: " + app + "}}}, {podSelector: {matchLabels: {app: app-4}}}]\n"
                              "    ports: [{port: http}, {port: 8443}, {port: 9000, endPort: 9010}]\n");
    }
    np("allow-monitoring", "  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: "
                           "{purpose: monitoring}}}]\n    ports: [{port: metrics}, {port: 9100}]\n");
  }
  y += R"(apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: monitoring-allowed}
spec:
  priority: 10
  subject: {namespaces: {}}
  ingress:
  - {name: from-monitoring, action: Allow, from: [{namespaces: {matchLabels: {purpose: monitoring}}}], ports: [{namedPort: metrics}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: isolate-t0}
spec:
  priority: 20
  subject: {namespaces: {matchLabels: {team: t0}}}
  ingress:
  - {name: deny-dev, action: Deny, from: [{namespaces: {matchLabels: {env: dev}}}]}
  - {name: pass-rest, action: Pass, from: [{namespaces: {}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {matchLabels: {env: prod}}}
  egress:
  - {name: no-dev, action: Deny, to: [{namespaces: {matchLabels: {env: dev}}}]}
)";
  return y;
}

struct Input {
  eksim::k8s::ManifestSet set;
  eksim::reach::ClusterPods pods;
};

const Input& input() {
  static const Input in = [] {
    Input i;
    i.set = eksim::k8s::load_manifest_text(generate(), "reach-bench.yaml");
    std::vector<eksim::reach::NodeInstance> nodes;
    for (int n = 0; n < 1000; ++n) {
      nodes.push_back({"node-" + std::to_string(n), eksim::net::Ipv4Address(0xC0A80000u + static_cast<unsigned>(n))});
    }
    i.pods = eksim::reach::lay_out_pods(i.set, eksim::net::Ipv4Address::from_octets(10, 0, 0, 1), nodes);
    return i;
  }();
  return in;
}

std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// Peak resident set of the process so far (VmHWM), in bytes.
double peak_rss() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;
  }
  return 0;
}

void set_counters(benchmark::State& state, const PolicyEngine& e) {
  state.counters["pods"] = static_cast<double>(e.pods().pods.size());
  state.counters["policies"] = static_cast<double>(e.program().policies().size());
  state.counters["classes"] = static_cast<double>(e.class_count());
  state.counters["groups"] = static_cast<double>(e.group_count());
  state.counters["matrix_bytes"] = static_cast<double>(e.matrix_bytes());
}

// Classes, peer sets, behaviour groups: every cell determined.
void build_matrix(benchmark::State& state) {
  const Input& in = input();
  for (auto _ : state) {
    const std::size_t before = heap_in_use();
    PolicyEngine engine(in.set, in.pods, {});
    state.counters["heap_bytes"] = static_cast<double>(heap_in_use() - before);
    set_counters(state, engine);
    benchmark::DoNotOptimize(engine);
  }
  state.counters["peak_rss_bytes"] = peak_rss();
}

// The build plus a walk over every ordered pair of classes, intersecting
// egress and ingress for each pair with something allowed.
void build_and_enumerate(benchmark::State& state) {
  const Input& in = input();
  for (auto _ : state) {
    PolicyEngine engine(in.set, in.pods, {});
    std::size_t pairs = 0;
    std::size_t all = 0;
    engine.for_each_allowed([&](std::uint32_t, std::uint32_t, eksim::reach::ConnectionPool::Id id) {
      ++pairs;
      all += id == eksim::reach::ConnectionPool::kAll ? 1 : 0;
    });
    state.counters["nonempty_pairs"] = static_cast<double>(pairs);
    state.counters["all_connections_pairs"] = static_cast<double>(all);
    set_counters(state, engine);
  }
  state.counters["peak_rss_bytes"] = peak_rss();
}

// The worst case for enumeration: the same pods without any policy, so
// every one of the 10^8 ordered pairs of classes is allowed and visited.
void enumerate_open_cluster(benchmark::State& state) {
  const Input& in = input();
  eksim::k8s::ManifestSet open = in.set;
  open.network_policies.clear();
  open.admin_network_policies.clear();
  open.baseline_admin_network_policy.reset();
  PolicyEngine engine(open, in.pods, {});
  for (auto _ : state) {
    std::size_t pairs = 0;
    engine.for_each_allowed([&](std::uint32_t, std::uint32_t, eksim::reach::ConnectionPool::Id) { ++pairs; });
    state.counters["nonempty_pairs"] = static_cast<double>(pairs);
  }
  set_counters(state, engine);
}

// One NetworkPolicy changed (its ports), then changed back: two updates per
// iteration, timed alone.
void update_one_policy(benchmark::State& state) {
  const Input& in = input();
  PolicyEngine engine(in.set, in.pods, {});
  const auto& original = in.set.network_policies[*in.set.find_network_policy("ns-1234", "allow-same-app-0")];
  auto changed = original;
  changed.ingress[0].ports.pop_back();
  eksim::reach::UpdateStats stats;
  for (auto _ : state) {
    stats = engine.set_network_policy(changed);
    benchmark::DoNotOptimize(stats);
    stats = engine.set_network_policy(original);
  }
  state.counters["classes_split"] = static_cast<double>(stats.classes_split);
  state.counters["classes_rekeyed"] = static_cast<double>(stats.classes_rekeyed);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2);
}

// The dearest kind of update: each change brings a peer never seen before
// that spans the cluster (every namespace, a pod label), so its class set is
// computed over all 10,000 classes.
void update_new_cluster_wide_peer(benchmark::State& state) {
  const Input& in = input();
  PolicyEngine engine(in.set, in.pods, {});
  auto policy = in.set.network_policies[*in.set.find_network_policy("ns-1234", "allow-monitoring")];
  auto& peer = policy.ingress[0].peers[0];
  peer.namespace_selector = eksim::k8s::LabelSelector{};
  int serial = 0;
  for (auto _ : state) {
    peer.pod_selector = eksim::k8s::LabelSelector::from_labels({{"scraper", "v" + std::to_string(serial++)}});
    benchmark::DoNotOptimize(engine.set_network_policy(policy));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// Adding a new policy (default-deny egress) to one namespace, then removing it.
void add_remove_policy(benchmark::State& state) {
  const Input& in = input();
  PolicyEngine engine(in.set, in.pods, {});
  auto deny = in.set.network_policies[*in.set.find_network_policy("ns-77", "default-deny")];
  deny.name = "deny-egress";
  deny.id = "ns-77/deny-egress";
  deny.isolates_ingress = false;
  deny.isolates_egress = true;
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine.set_network_policy(deny));
    benchmark::DoNotOptimize(engine.remove_network_policy("ns-77", "deny-egress"));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2);
}

// An ipBlock CIDR never seen before, as the parser would give it.
eksim::k8s::IpCidr cidr_of(std::uint32_t network, int prefix) {
  const auto c = eksim::net::Cidr::containing(eksim::net::Ipv4Address(network), prefix);
  return eksim::k8s::IpCidr{c.to_string(), false, c};
}

// A NetworkPolicy update bringing ipBlock boundaries the engine has never
// seen, different every iteration: a /27 cutting through the pod addresses
// (10.0.0.1 up, 10 replicas per class, so its ends split classes) and a /20
// of external space with a /24 except. Classes split and every peer set and
// group is carried over to the new numbering; timed per update.
void update_new_ipblock(benchmark::State& state) {
  const Input& in = input();
  PolicyEngine engine(in.set, in.pods, {});
  auto policy = in.set.network_policies[*in.set.find_network_policy("ns-1234", "allow-monitoring")];
  policy.ingress[0].peers.resize(3);
  std::uint32_t serial = 0;
  eksim::reach::UpdateStats stats;
  for (auto _ : state) {
    // 3,125 /27s span the 100,000 pod addresses; odd ones only, so each is new.
    const std::uint32_t pods = 0x0A000000u + 32u * ((2 * serial + 1) % 3125);
    const std::uint32_t outside = 0x64400000u + (serial << 12);  // 100.64.0.0/10 onwards, /20 each
    policy.ingress[0].peers[1].ip_block = eksim::k8s::IpBlock{cidr_of(pods, 27), {}};
    policy.ingress[0].peers[2].ip_block = eksim::k8s::IpBlock{cidr_of(outside, 20), {cidr_of(outside + 256, 24)}};
    ++serial;
    stats = engine.set_network_policy(policy);
    benchmark::DoNotOptimize(stats);
  }
  state.counters["classes_split"] = static_cast<double>(stats.classes_split);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  set_counters(state, engine);
}

}  // namespace

BENCHMARK(build_matrix)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(build_and_enumerate)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(enumerate_open_cluster)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(update_one_policy)->Unit(benchmark::kMicrosecond);
BENCHMARK(update_new_cluster_wide_peer)->Unit(benchmark::kMicrosecond);
BENCHMARK(add_remove_policy)->Unit(benchmark::kMicrosecond);
BENCHMARK(update_new_ipblock)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
