// What the differential policy tests share (test_policy_matrix.cpp for
// Kubernetes kinds, test_calico_differential.cpp for Calico): a seeded
// generator, the endpoint their reference evaluators read, and the
// comparison of the engine with a reference over every pair of pods.
#pragma once

#include <random>
#include <utility>
#include <vector>

#include "test_policy_model.hpp"

namespace eksim::test_policy {

struct Random {
  std::mt19937 rng;
  explicit Random(unsigned seed) : rng(seed) {}
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  bool coin() { return below(2) == 1; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))];
  }
};

// One end of a connection as a reference evaluator sees it: a pod (its
// template, namespace and address) or an address outside the cluster.
struct RefEndpoint {
  bool pod = false;
  const k8s::PodTemplate* spec = nullptr;
  std::uint32_t ns = 0;
  net::Ipv4Address address;
};

inline RefEndpoint ref_pod(const k8s::ManifestSet& set, const reach::ClusterPods& pods, std::uint32_t i) {
  const auto& p = pods.pods[i];
  const auto& w = set.workloads[p.workload];
  return RefEndpoint{true, &w.pod, w.namespace_index, p.address};
}

using Probes = std::vector<std::pair<k8s::Protocol, std::uint16_t>>;

// From pod `s` to every other pod, on every probe: the class matrix and
// decide() must both say what want(s, d, protocol, port) says. Counts the
// comparisons and the allowed ones, so a caller can check both outcomes occur.
template <typename Want>
void compare_from_pod(const Cluster& c, std::uint32_t s, const Probes& probes, const Want& want, int& compared,
                      int& allowed) {
  const auto n = static_cast<std::uint32_t>(c.engine.pods().pods.size());
  for (std::uint32_t d = 0; d < n; ++d) {
    if (s == d) continue;
    const auto cell = c.engine.allowed_pods(s, d);
    for (const auto& [proto, port] : probes) {
      const bool expected = want(s, d, proto, port);
      INFO(c.engine.pods().pods[s].name << " -> " << c.engine.pods().pods[d].name << ' ' << k8s::to_string(proto) << ' '
                                        << port);
      REQUIRE(cell->contains(proto, port) == expected);
      REQUIRE(c.engine.decide(reach::Endpoint::of_pod(s), reach::Endpoint::of_pod(d), proto, port).allowed() ==
              expected);
      ++compared;
      allowed += expected ? 1 : 0;
    }
  }
}

// Between pod `s` and address `a`, both ways, on every probe: the class
// matrix and decide() must say what want(outbound, protocol, port) says
// (outbound: from s to a; otherwise from a to s).
template <typename Want>
void compare_with_address(const Cluster& c, std::uint32_t s, net::Ipv4Address a, const Probes& probes,
                          const Want& want, int& compared) {
  const std::uint32_t ext = c.engine.class_of_address(a);
  const std::uint32_t own = c.engine.class_of_pod(s);
  for (const auto& [proto, port] : probes) {
    INFO(c.engine.pods().pods[s].name << " <-> " << a.to_string() << ' ' << k8s::to_string(proto) << ' ' << port);
    const bool to = want(true, proto, port);
    const bool from = want(false, proto, port);
    REQUIRE(c.engine.allowed(own, ext).contains(proto, port) == to);
    REQUIRE(c.engine.allowed(ext, own).contains(proto, port) == from);
    REQUIRE(c.engine.decide(reach::Endpoint::of_pod(s), reach::Endpoint::of_address(a), proto, port).allowed() == to);
    REQUIRE(c.engine.decide(reach::Endpoint::of_address(a), reach::Endpoint::of_pod(s), proto, port).allowed() ==
            from);
    compared += 2;
  }
}

}  // namespace eksim::test_policy
