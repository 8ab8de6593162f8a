// Loading and building a large design: a generated scenario of 1,000 nodes
// and 30,000 pods (issue 3: under 2 s and under 2 KiB per pod). "Building"
// is everything `eksim capacity` does before printing: load the YAML and
// the manifests, validate, lay out the nodes, schedule every pod and give
// it an address.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "eksim/capacity/scenario_capacity.hpp"
#include "eksim/scenario/scenario.hpp"

namespace {

constexpr int kNodeGroups = 10;
constexpr int kNodesPerGroup = 100;  // 1,000 nodes
constexpr int kDeployments = 300;
constexpr int kReplicas = 100;       // 30,000 pods

// Writes the scenario and its manifests under a temporary folder, once.
std::string generate() {
  const auto dir = std::filesystem::temp_directory_path() / "eksim-model-bench";
  std::filesystem::create_directories(dir / "manifests");
  std::ofstream s(dir / "large.yaml");
  s << "scenario: {name: large, seed: 1, duration: 10s}\n"
       "regions: {us-east-1: {azs: [use1-az1, use1-az2, use1-az3]}}\n"
       "vpcs:\n  - name: big\n    cidrs: [10.0.0.0/16, 10.1.0.0/16, 10.2.0.0/16]\n    subnets:\n"
       "      - {name: a, az: use1-az1, cidr: 10.0.0.0/16}\n"
       "      - {name: b, az: use1-az2, cidr: 10.1.0.0/16}\n"
       "      - {name: c, az: use1-az3, cidr: 10.2.0.0/16}\n"
       "clusters:\n  - name: big\n    vpc: big\n    nodeGroups:\n";
  for (int g = 0; g < kNodeGroups; ++g) {
    s << "      - {name: ng" << g << ", instanceType: m5.2xlarge, count: " << kNodesPerGroup
      << ", subnets: [a, b, c]}\n";
  }
  s << "    manifests: [manifests/]\n";
  std::ofstream m(dir / "manifests" / "apps.yaml");
  for (int d = 0; d < kDeployments; ++d) {
    const std::string ns = "team" + std::to_string(d % 30);
    const std::string name = "app" + std::to_string(d);
    m << "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " << name << ", namespace: " << ns
      << "}\nspec:\n  replicas: " << kReplicas << "\n  selector: {matchLabels: {app: " << name
      << "}}\n  template:\n    metadata: {labels: {app: " << name << ", tier: backend}}\n"
      << "    spec: {containers: [{name: main, image: app, ports: [{name: http, containerPort: 8080}]}]}\n---\n";
  }
  return (dir / "large.yaml").string();
}

// Bytes malloc has handed out, from its arenas and from its own mmaps.
std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

void load_and_build(benchmark::State& state) {
  static const std::string path = generate();
  std::size_t pods = 0;
  for (auto _ : state) {
    const std::size_t heap_before = heap_in_use();
    const auto scenario = eksim::scenario::load_scenario(path);
    const auto plan = eksim::capacity::plan_capacity(eksim::capacity::capacity_input(scenario), {false, 0});
    const std::size_t heap_after = heap_in_use();
    pods = plan.pods.size();
    state.counters["pods"] = static_cast<double>(pods);
    state.counters["pending"] = static_cast<double>(plan.pending.size());
    state.counters["nodes"] = static_cast<double>(plan.nodes.size());
    // The scenario and the plan, both alive here, divided by the pods.
    state.counters["bytes_per_pod"] = static_cast<double>(heap_after - heap_before) / static_cast<double>(pods);
    benchmark::DoNotOptimize(plan);
  }
}

}  // namespace

BENCHMARK(load_and_build)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_MAIN();
