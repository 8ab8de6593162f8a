#include "eksim/aws/pod_security_groups.hpp"

#include <algorithm>

namespace eksim::aws {

std::string_view to_string(PodSecurityGroupMode mode) {
  return mode == PodSecurityGroupMode::strict ? "strict" : "standard";
}

namespace {
std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}
}  // namespace

PodSecurityGroups pod_security_groups(PodSecurityGroupMode mode, std::vector<std::string> policy_groups,
                                      std::vector<std::string> node_groups) {
  PodSecurityGroups out;
  if (policy_groups.empty()) {
    out.eni = sorted_unique(std::move(node_groups));
    return out;
  }
  out.branch_eni = true;
  out.eni = sorted_unique(std::move(policy_groups));
  if (mode == PodSecurityGroupMode::standard) {
    out.also = sorted_unique(std::move(node_groups));
  } else {
    out.same_node_traffic_filtered = true;
  }
  return out;
}

}  // namespace eksim::aws
