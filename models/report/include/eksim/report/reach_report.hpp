// How `eksim reach`, `explain`, `check` and `diff` print their answers.
// Text follows DESIGN.md's reach notation, one line per ordered pair:
//   web/frontend[Deployment] => cart/cart[Deployment] : TCP 8080
#pragma once

#include <string>
#include <vector>

#include "eksim/reach/connectivity.hpp"

namespace eksim::report {

std::string reach_text(const std::vector<reach::ReachPair>& pairs);
std::string reach_json(const std::vector<reach::ReachPair>& pairs, const std::vector<reach::ReachWarning>& warnings);
std::string reach_csv(const std::vector<reach::ReachPair>& pairs);
// Graphviz: a node per peer, an edge per pair labelled with its connections.
std::string reach_dot(const std::vector<reach::ReachPair>& pairs);
std::string warnings_text(const std::vector<reach::ReachWarning>& warnings);

std::string explain_text(const reach::ConnectionAnswer& answer);
std::string explain_json(const reach::ConnectionAnswer& answer);

// One evaluated reachability expectation.
struct CheckOutcome {
  std::string where;
  reach::ConnectionAnswer answer;
  bool expected_allowed = true;
  bool passed = false;
};
// One evaluated latency or error-rate expectation (from a run).
struct LatencyCheck {
  std::string where;
  std::string flow;
  bool passed = false;
  std::string detail;  // "p99 1.8ms < 5ms"
};
std::string check_text(const std::vector<CheckOutcome>& outcomes, const std::vector<LatencyCheck>& latency = {});
std::string check_json(const std::vector<CheckOutcome>& outcomes, const std::vector<LatencyCheck>& latency = {});

// A pair whose allowed connections differ between two designs.
struct PairChange {
  std::string from;
  std::string to;
  std::string before;  // "No Connections" when the pair was absent
  std::string after;
};
std::vector<PairChange> diff_pairs(const std::vector<reach::ReachPair>& a, const std::vector<reach::ReachPair>& b);
std::string diff_text(const std::vector<PairChange>& changes);
std::string diff_json(const std::vector<PairChange>& changes);

}  // namespace eksim::report
