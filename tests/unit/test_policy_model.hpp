// The upstream Kubernetes e2e network policy model (test/e2e/network/netpol):
// namespaces x, y, z, each with pods a, b, c serving TCP, UDP and SCTP on
// ports 80 and 81 (named serve-80-tcp and so on). Tests add policies as
// YAML and compare the 9x9 matrix with one worked out by hand.
//
// Extra labels used by the selector tests: namespaces x {env: prod},
// y {env: dev}, z (none); pods a {tier: front}, b {tier: back}, c (none).
// Pods are laid out in order x/a x/b x/c y/a ... z/c at 10.0.0.1 .. 10.0.0.9.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "eksim/k8s/manifest_loader.hpp"
#include "eksim/reach/policy_engine.hpp"

namespace eksim::test_policy {

inline const std::vector<std::string> kPods = {"x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c"};

inline std::string e2e_namespaces() {
  return "apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {ns: x, env: prod}}\n---\n"
         "apiVersion: v1\nkind: Namespace\nmetadata: {name: 'y', labels: {ns: 'y', env: dev}}\n---\n"
         "apiVersion: v1\nkind: Namespace\nmetadata: {name: z, labels: {ns: z}}\n---\n";
}

inline std::string e2e_pods() {
  std::string out;
  for (const char* ns : {"x", "y", "z"}) {
    for (const char* pod : {"a", "b", "c"}) {
      const std::string p(pod);
      const std::string tier = p == "a" ? ", tier: front" : p == "b" ? ", tier: back" : "";
      out += "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + p + ", namespace: '" + ns + "'" +
             "}\nspec:\n  replicas: 1\n  selector: {matchLabels: {pod: " + p + "}}\n  template:\n"
             "    metadata: {labels: {pod: " + p + tier + "}}\n    spec:\n      containers:\n";
      for (int port : {80, 81}) {
        for (const char* proto : {"tcp", "udp", "sctp"}) {
          std::string upper(proto);
          for (char& ch : upper) ch = static_cast<char>(ch - 'a' + 'A');
          out += "      - name: cont-" + std::to_string(port) + "-" + proto + "\n        image: agnhost\n"
                 "        ports: [{name: serve-" + std::to_string(port) + "-" + proto + ", containerPort: " +
                 std::to_string(port) + ", protocol: " + upper + "}]\n";
        }
      }
      out += "---\n";
    }
  }
  return out;
}

// A Deployment selecting and labelling its pods with `labels` (the inside of
// a flow map: "app: web"), with `pod_spec` as the inside of its pod spec.
inline std::string deployment(const std::string& ns, const std::string& name, const std::string& labels,
                              const std::string& pod_spec, int replicas = 1) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: '" + ns + "'}\nspec:\n" +
         (replicas == 1 ? "" : "  replicas: " + std::to_string(replicas) + "\n") + "  selector: {matchLabels: {" +
         labels + "}}\n  template:\n    metadata: {labels: {" + labels + "}}\n    spec: {" + pod_spec + "}\n---\n";
}

struct Cluster {
  k8s::ManifestSet set;
  reach::PolicyEngine engine;
  Cluster(const std::string& yaml, reach::PolicySettings settings, std::vector<reach::NodeInstance> nodes = {})
      : set(k8s::load_manifest_text(yaml, "policies.yaml")),
        engine(set, reach::lay_out_pods(set, net::Ipv4Address::from_octets(10, 0, 0, 1), std::move(nodes)),
               settings) {}
};

// The e2e model plus `policies` (YAML documents).
inline Cluster e2e(const std::string& policies, reach::PolicySettings settings = {}) {
  return Cluster(e2e_namespaces() + e2e_pods() + policies, settings);
}

inline std::uint32_t pod(const Cluster& c, const std::string& name) {
  for (std::uint32_t i = 0; i < c.engine.pods().pods.size(); ++i) {
    if (c.engine.pods().pods[i].name == name + "-0") return i;
  }
  FAIL("no pod " << name);
  return 0;
}

// One row per source pod, one column per destination: '1' allowed, '0' not,
// '-' a pod and itself (item 14: undefined, left out).
inline std::vector<std::string> matrix(const Cluster& c, k8s::Protocol protocol, std::uint16_t port) {
  std::vector<std::string> rows;
  for (const auto& s : kPods) {
    std::string row;
    for (const auto& d : kPods) {
      const auto allowed = c.engine.allowed_pods(pod(c, s), pod(c, d));
      row += !allowed ? '-' : allowed->contains(protocol, port) ? '1' : '0';
    }
    rows.push_back(row);
  }
  return rows;
}

// The same from decide(), one connection at a time: the single-connection
// walk and the class matrix must agree.
inline std::vector<std::string> decided(const Cluster& c, k8s::Protocol protocol, std::uint16_t port) {
  std::vector<std::string> rows;
  for (const auto& s : kPods) {
    std::string row;
    for (const auto& d : kPods) {
      if (s == d) {
        row += '-';
        continue;
      }
      const auto v = c.engine.decide(reach::Endpoint::of_pod(pod(c, s)), reach::Endpoint::of_pod(pod(c, d)), protocol,
                                     port);
      row += v.allowed() ? '1' : '0';
    }
    rows.push_back(row);
  }
  return rows;
}

// Checks both the matrix and decide() against the expected rows.
inline void check_matrix(const Cluster& c, k8s::Protocol protocol, std::uint16_t port,
                         const std::vector<std::string>& expected) {
  INFO(k8s::to_string(protocol) << ' ' << port);
  CHECK(matrix(c, protocol, port) == expected);
  CHECK(decided(c, protocol, port) == expected);
}

inline const std::vector<std::string> kAllAllowed = {"-11111111", "1-1111111", "11-111111", "111-11111", "1111-1111",
                                                     "11111-111", "111111-11", "1111111-1", "11111111-"};

}  // namespace eksim::test_policy
