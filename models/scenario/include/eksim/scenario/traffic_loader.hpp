// The scenario's traffic language: distributions, `hopLatency`, `mesh`,
// `servers`, `traffic` flows (with their targets resolved against the
// scenario), latency expectations and a cluster's `kubeProxy`. Reference:
// docs/scenario.md; the structs are in traffic_scenario.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eksim/scenario/scenario.hpp"
#include "eksim/scenario/yaml_reader.hpp"

namespace eksim::scenario {

// What a distribution's values measure: durations (in ns) or sizes (in bytes).
enum class Quantity : std::uint8_t { duration, size };

// Parses the notation of traffic_scenario.hpp: "5ms", "exp(5ms)",
// "lognormal(2ms, 0.5)", "uniform(1ms, 3ms)", "pareto(1KiB, 1.5)",
// "gamma(2ms, 4)", "630us + exp(36us)". Parameters are checked (a sigma,
// alpha or shape above 0, low <= high, a mean, median or minimum above 0).
// On error returns nullopt and says why, naming the expected form, in `error`.
std::optional<Distribution> parse_distribution(std::string_view text, Quantity quantity, std::string* error);

// Bytes from "1024", "512B", "16kB" or "16KB" (1000 each), "2KiB" (1024 each),
// "1.5MB", "1.5MiB", "1GB", "1GiB". Not necessarily whole (a mean may be 1.5 B).
std::optional<double> parse_size(std::string_view text, std::string* error);

// A fraction from "20%" or "0.2", between 0 and 1.
std::optional<double> parse_fraction(std::string_view text, std::string* error);

// Reads `hopLatency`, `mesh`, `servers` and `traffic` into `s`; needs the
// network and clusters loaded. Throws LoadError at the offending place.
void load_traffic(const YamlReader& r, const YAML::Node& root, Scenario& s);

// One latency or error-rate entry of `expect:`; needs s.flows loaded.
Expectation load_latency_expectation(const YamlReader& r, const YAML::Node& e, const Scenario& s);

// A cluster's `kubeProxy: {mode: iptables|ipvs|nftables}`.
KubeProxy load_kube_proxy(const YamlReader& r, const YAML::Node& node, const std::string& where);

}  // namespace eksim::scenario
