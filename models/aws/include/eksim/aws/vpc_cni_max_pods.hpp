// Max pods per node under the Amazon VPC CNI.
//
//   secondary IPs            ENIs x (IPv4 per ENI - 1) + 2
//   custom networking        (ENIs - 1) x (IPv4 per ENI - 1) + 2
//   prefix delegation        ENIs x ((IPv4 per ENI - 1) x 16) + 2
//   PD + custom networking   (ENIs - 1) x ((IPv4 per ENI - 1) x 16) + 2
//   EKS ceiling              110 for <= 30 vCPUs, 250 above
//
// "+ 2" are the host-network pods (aws-node, kube-proxy), which need no pod
// IP. Sources and the choices made where AWS is silent: docs/capacity-model.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/aws/instance_type.hpp"
#include "eksim/aws/vpc_cni_config.hpp"

namespace eksim::aws {

// When the EKS 110/250 ceiling applies.
enum class MaxPodsCeiling {
  // Default for self-managed nodes (bootstrap.sh / nodeadm): secondary-IP mode
  // uses the uncapped eni-max-pods.txt value; prefix delegation is capped.
  prefix_delegation_only,
  // Managed node groups (and max-pods-calculator.sh output): capped in every mode.
  always,
  // EKS Auto Mode: min(110, calculated) whatever the vCPU count.
  auto_mode,
  // No ceiling (max-pods-calculator.sh --show-max-allowed).
  none,
};

std::string_view to_string(MaxPodsCeiling ceiling);

struct MaxPodsOptions {
  MaxPodsCeiling ceiling = MaxPodsCeiling::prefix_delegation_only;
  // kubelet maxPods set explicitly (node group or launch template).
  std::optional<int> max_pods_override{};
  // vCPUs when the table lacks them (types absent from the EC2 data) or to
  // model a different value; the ceiling needs the count.
  std::optional<int> vcpus{};
};

// Which limit decided max_pods.
enum class MaxPodsLimit { eni_ip_capacity, ceiling, max_pods_override };

std::string_view to_string(MaxPodsLimit limit);

struct MaxPodsResult {
  EniLayout layout;              // ENIs, slots and mode actually used
  int calculated = 0;            // the formula: pod IPs + 2, no ceiling
  std::optional<int> ceiling{};  // 110/250 when applied
  std::optional<int> max_pods_override{};
  // Pods the node advertises to the scheduler: the override, else
  // min(calculated, ceiling).
  int kubelet_max_pods = 0;
  // Pods that can run with a VPC IP (host-network pods counted, as kubelet
  // does): min(calculated, ceiling, override). Below kubelet_max_pods only
  // when an override exceeds what the ENIs can back; the extra pods would sit
  // in ContainerCreating.
  int max_pods = 0;
  MaxPodsLimit binding = MaxPodsLimit::eni_ip_capacity;
  // Pods that can get a branch ENI (security groups for pods). They use no
  // pod IP, but kubelet still counts them toward kubelet_max_pods. 0 without a
  // trunk ENI; nullopt when the type's branch limit was not supplied.
  std::optional<int> branch_eni_pods{};
  std::vector<std::string> notes{};

  // One line for reports, e.g.
  // "110 (EKS ceiling 110; ENIs allow 434 = 3 ENIs x 9 prefixes x 16 + 2)".
  [[nodiscard]] std::string explanation() const;
};

MaxPodsResult compute_max_pods(const InstanceType& type, const CniConfig& config, const MaxPodsOptions& options = {});

// The EKS ceiling for a vCPU count: 110 up to 30 vCPUs, 250 above.
int max_pods_ceiling_for_vcpus(int vcpus);

}  // namespace eksim::aws
