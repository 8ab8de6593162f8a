#include "eksim/aws/vpc_cni_max_pods.hpp"

#include <algorithm>

namespace eksim::aws {

namespace {

// Host-network pods every node runs (aws-node and kube-proxy); they share the
// node's primary IP, so the formula adds them on top of the pod IPs.
constexpr int kHostNetworkPods = 2;

constexpr int kCeilingLowCpu = 110;   // Kubernetes scalability threshold
constexpr int kCeilingHighCpu = 250;  // EKS internal testing
constexpr int kLowCpuLimit = 30;      // max-pods-calculator.sh: CPU_COUNT -gt 30

}  // namespace

std::string_view to_string(MaxPodsCeiling ceiling) {
  switch (ceiling) {
    case MaxPodsCeiling::prefix_delegation_only:
      return "prefix-delegation-only";
    case MaxPodsCeiling::always:
      return "always";
    case MaxPodsCeiling::auto_mode:
      return "auto-mode";
    case MaxPodsCeiling::none:
      break;
  }
  return "none";
}

std::string_view to_string(MaxPodsLimit limit) {
  switch (limit) {
    case MaxPodsLimit::ceiling:
      return "ceiling";
    case MaxPodsLimit::max_pods_override:
      return "maxPods override";
    case MaxPodsLimit::eni_ip_capacity:
      break;
  }
  return "ENI/IP capacity";
}

int max_pods_ceiling_for_vcpus(int vcpus) { return vcpus > kLowCpuLimit ? kCeilingHighCpu : kCeilingLowCpu; }

MaxPodsResult compute_max_pods(const InstanceType& type, const CniConfig& config, const MaxPodsOptions& options) {
  MaxPodsResult result;
  result.layout = resolve_eni_layout(type, config);
  result.notes = result.layout.notes;
  result.calculated = result.layout.pod_ip_capacity() + kHostNetworkPods;

  const std::optional<int> vcpus = options.vcpus ? options.vcpus : type.vcpus;
  const bool prefix_mode = result.layout.mode == IpMode::prefix_delegation;
  switch (options.ceiling) {
    case MaxPodsCeiling::prefix_delegation_only:
    case MaxPodsCeiling::always:
      if (options.ceiling == MaxPodsCeiling::always || prefix_mode) {
        if (vcpus) {
          result.ceiling = max_pods_ceiling_for_vcpus(*vcpus);
        } else {
          result.notes.push_back("vCPU count of " + type.name +
                                 " is unknown, so the 110/250 ceiling is not applied; "
                                 "give the vCPUs to apply it");
        }
      }
      break;
    case MaxPodsCeiling::auto_mode:
      result.ceiling = kCeilingLowCpu;
      break;
    case MaxPodsCeiling::none:
      break;
  }
  if (options.max_pods_override) {
    result.max_pods_override = std::max(*options.max_pods_override, 0);
  }

  const int capped = result.ceiling ? std::min(result.calculated, *result.ceiling) : result.calculated;
  result.kubelet_max_pods = result.max_pods_override.value_or(capped);
  result.max_pods = std::min(capped, result.kubelet_max_pods);
  // Ties go to the most deliberate limit: an explicit override, then the
  // hardware, then the ceiling.
  if (result.max_pods_override && *result.max_pods_override == result.max_pods) {
    result.binding = MaxPodsLimit::max_pods_override;
  } else if (result.calculated == result.max_pods) {
    result.binding = MaxPodsLimit::eni_ip_capacity;
  } else {
    result.binding = MaxPodsLimit::ceiling;
  }
  if (result.max_pods_override && *result.max_pods_override > capped) {
    result.notes.push_back("maxPods " + std::to_string(*result.max_pods_override) + " exceeds the " +
                           std::to_string(capped) + " pods " + type.name +
                           " can give IPs; pods beyond that stay in ContainerCreating");
  }

  if (result.layout.trunk_eni) {
    result.branch_eni_pods = type.branch_enis;
    if (!type.branch_enis) {
      result.notes.push_back("branch ENI limit of " + type.name +
                             " not supplied; pods with security groups cannot be counted");
    }
  } else if (config.security_groups_for_pods) {
    result.branch_eni_pods = 0;
  }
  return result;
}

std::string MaxPodsResult::explanation() const {
  const bool prefix_mode = layout.mode == IpMode::prefix_delegation;
  std::string formula = std::to_string(calculated) + " = " + std::to_string(layout.pod_enis) +
                        (layout.pod_enis == 1 ? " ENI x " : " ENIs x ") + std::to_string(layout.slots_per_eni) +
                        (prefix_mode ? " prefixes x 16" : " IPs") + " + 2";
  std::string text = std::to_string(max_pods) + " (";
  switch (binding) {
    case MaxPodsLimit::eni_ip_capacity:
      text += "ENI/IP capacity: " + formula;
      break;
    case MaxPodsLimit::ceiling:
      text += "EKS ceiling " + std::to_string(ceiling.value_or(max_pods)) + "; ENIs allow " + formula;
      break;
    case MaxPodsLimit::max_pods_override:
      text += "maxPods override; ENIs allow " + formula;
      break;
  }
  if (!layout.primary_carries_pods) text += "; primary ENI carries no pods (custom networking)";
  if (layout.trunk_eni) text += "; trunk ENI holds one slot";
  text += ")";
  return text;
}

}  // namespace eksim::aws
