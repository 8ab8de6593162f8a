#include "eksim/aws/vpc_cni_config.hpp"

#include <algorithm>
#include <utility>

namespace eksim::aws {

namespace {

constexpr int kMaxSaneCount = 4096;

// ipamd reads a negative or unparsable target as its default.
int non_negative_or(const std::optional<int>& value, int fallback) { return value && *value >= 0 ? *value : fallback; }

}  // namespace

std::string_view to_string(IpMode mode) {
  return mode == IpMode::prefix_delegation ? "prefix-delegation" : "secondary-ip";
}

int CniConfig::effective_warm_eni_target() const { return non_negative_or(warm_eni_target, 1); }
int CniConfig::effective_warm_prefix_target() const { return non_negative_or(warm_prefix_target, 1); }
int CniConfig::effective_warm_ip_target() const { return non_negative_or(warm_ip_target, 0); }
int CniConfig::effective_minimum_ip_target() const { return non_negative_or(minimum_ip_target, 0); }
bool CniConfig::ip_targets_defined() const {
  // ipamd's warmIPTargetsDefined: zero counts as "not set".
  return effective_warm_ip_target() > 0 || effective_minimum_ip_target() > 0;
}

bool validate_cni_config(const CniConfig& config, std::string* error) {
  auto reject = [&](std::string message) {
    if (error != nullptr) *error = std::move(message);
    return false;
  };
  const std::pair<const std::optional<int>*, const char*> targets[] = {
      {&config.warm_eni_target, "WARM_ENI_TARGET"},
      {&config.warm_ip_target, "WARM_IP_TARGET"},
      {&config.minimum_ip_target, "MINIMUM_IP_TARGET"},
      {&config.warm_prefix_target, "WARM_PREFIX_TARGET"},
  };
  for (const auto& [value, name] : targets) {
    if (*value && **value < 0) {
      return reject(std::string(name) + " is " + std::to_string(**value) +
                    "; it must be 0 or more (ipamd would silently use its default)");
    }
  }
  if (config.max_eni && *config.max_eni < 1) {
    return reject("MAX_ENI is " + std::to_string(*config.max_eni) +
                  "; it must be 1 or more (ipamd ignores smaller values and uses the "
                  "instance limit), or left unset");
  }
  return true;
}

EniLayout resolve_eni_layout(const InstanceType& type, const CniConfig& config) {
  EniLayout layout;
  // Real types stay far below these bounds (24 ENIs, 64 addresses); clamping
  // keeps the products in int range for any hand-built or fuzzed type.
  layout.instance_enis = std::clamp(type.max_enis, 1, kMaxSaneCount);  // the primary always exists
  layout.usable_enis = layout.instance_enis;
  if (config.max_eni && *config.max_eni >= 1 && *config.max_eni < layout.instance_enis) {
    // ipamd's getMaxENI: the smaller of MAX_ENI and the instance limit.
    layout.usable_enis = *config.max_eni;
  }
  layout.slots_per_eni = std::clamp(type.ipv4_per_eni - 1, 0, kMaxSaneCount);

  layout.mode = config.mode;
  if (config.mode == IpMode::prefix_delegation) {
    const auto supported = type.prefix_delegation_supported();
    if (supported == false) {
      layout.mode = IpMode::secondary_ip;
      layout.notes.push_back(type.name +
                             " is not a Nitro instance: ipamd falls back from prefix delegation "
                             "to secondary IPs");
    } else if (!supported) {
      layout.notes.push_back("hypervisor of " + type.name + " is unknown; prefix delegation assumed to work (Nitro)");
    }
  }
  layout.ips_per_slot = layout.mode == IpMode::prefix_delegation ? 16 : 1;

  if (config.security_groups_for_pods) {
    // The VPC resource controller attaches the trunk only to a trunk-compatible
    // (Nitro) type, and only while the node can take one more ENI; ipamd keeps
    // that slot free for it. The node starts with its primary ENI alone, so a
    // second usable slot is what decides.
    if (type.branch_enis == 0 || type.hypervisor == Hypervisor::xen) {
      layout.notes.push_back(type.name + " is not trunk-compatible: no trunk ENI, no pods with security groups");
    } else if (layout.usable_enis < 2) {
      layout.notes.push_back("no ENI slot left for the trunk ENI on " + type.name +
                             ": security groups for pods unavailable on this node");
    } else {
      layout.trunk_eni = true;
    }
  }
  layout.ipamd_enis = layout.usable_enis - (layout.trunk_eni ? 1 : 0);

  layout.primary_carries_pods = !config.custom_networking;
  layout.pod_enis = std::max(layout.ipamd_enis - (config.custom_networking ? 1 : 0), 0);
  if (config.custom_networking && layout.pod_enis == 0) {
    layout.notes.push_back("custom networking leaves no ENI for pods on " + type.name +
                           " (the primary ENI never carries pod IPs); ipamd fails node start-up with "
                           "\"Failed to attach any ENIs for custom networking\"");
  }
  return layout;
}

}  // namespace eksim::aws
