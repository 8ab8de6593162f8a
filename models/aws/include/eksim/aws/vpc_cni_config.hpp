// The Amazon VPC CNI settings that decide a node's pod-IP capacity, and the
// ENI layout they produce on one instance type.
//
// Field names follow the aws-node environment variables so a scenario can be
// checked against a real DaemonSet. Sources and the rules behind each default
// are in docs/capacity-model.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/aws/instance_type.hpp"
#include "eksim/aws/pod_security_groups.hpp"

namespace eksim::aws {

// How ipamd fills an ENI's IPv4 slots: one secondary IP per slot, or one /28
// prefix (16 addresses) per slot.
enum class IpMode { secondary_ip, prefix_delegation };

std::string_view to_string(IpMode mode);

struct CniConfig {
  IpMode mode = IpMode::secondary_ip;      // ENABLE_PREFIX_DELEGATION
  bool custom_networking = false;          // AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG
  bool security_groups_for_pods = false;   // ENABLE_POD_ENI
  // POD_SECURITY_GROUP_ENFORCING_MODE; which groups filter a branch-ENI pod
  // (see pod_security_groups.hpp).
  PodSecurityGroupMode pod_security_group_mode = PodSecurityGroupMode::strict;
  std::optional<int> max_eni{};            // MAX_ENI; unset or < 1 means the instance limit
  std::optional<int> warm_eni_target{};    // WARM_ENI_TARGET; unset means 1
  std::optional<int> warm_ip_target{};     // WARM_IP_TARGET; unset or 0 means not set
  std::optional<int> minimum_ip_target{};  // MINIMUM_IP_TARGET; unset or 0 means not set
  // WARM_PREFIX_TARGET; unset means 1, the value the aws-node manifest and the
  // EKS add-on ship (ipamd's own fallback is 0, which AWS calls unsupported).
  std::optional<int> warm_prefix_target{};

  [[nodiscard]] int effective_warm_eni_target() const;
  [[nodiscard]] int effective_warm_prefix_target() const;
  [[nodiscard]] int effective_warm_ip_target() const;
  [[nodiscard]] int effective_minimum_ip_target() const;
  // True when WARM_IP_TARGET or MINIMUM_IP_TARGET is in force; ipamd then
  // ignores WARM_ENI_TARGET and WARM_PREFIX_TARGET.
  [[nodiscard]] bool ip_targets_defined() const;
};

// Rejects values ipamd would silently replace by a default (negative targets,
// MAX_ENI below 1), so a scenario never runs with a setting it did not mean.
// Returns false and fills `error` (if given) naming the setting.
bool validate_cni_config(const CniConfig& config, std::string* error = nullptr);

// How the CNI can use one node's ENIs.
struct EniLayout {
  IpMode mode = IpMode::secondary_ip;  // effective: PD falls back off Nitro
  int instance_enis = 0;               // default network card limit
  int usable_enis = 0;                 // after MAX_ENI
  bool trunk_eni = false;              // the SGP trunk ENI holds one slot
  // ENIs ipamd may attach, the primary included (the trunk is not ipamd's).
  int ipamd_enis = 0;
  // ENIs whose slots carry pod addresses: ipamd_enis less the primary under
  // custom networking.
  int pod_enis = 0;
  bool primary_carries_pods = true;
  int slots_per_eni = 0;             // IPv4 per ENI less the ENI's own primary address
  int ips_per_slot = 1;              // 1, or 16 with prefix delegation
  std::vector<std::string> notes{};  // fallbacks and caveats, in plain words

  [[nodiscard]] int pod_ip_capacity() const { return pod_enis * slots_per_eni * ips_per_slot; }
};

// Applies MAX_ENI, the trunk ENI, custom networking and the Nitro check for
// prefix delegation to `type`. Invalid settings are treated as ipamd treats
// them (see validate_cni_config), never as errors.
EniLayout resolve_eni_layout(const InstanceType& type, const CniConfig& config);

}  // namespace eksim::aws
