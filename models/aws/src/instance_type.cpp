#include "eksim/aws/instance_type.hpp"

namespace eksim::aws {

std::string_view to_string(Hypervisor hypervisor) {
  switch (hypervisor) {
    case Hypervisor::nitro:
      return "nitro";
    case Hypervisor::xen:
      return "xen";
    case Hypervisor::unknown:
      break;
  }
  return "unknown";
}

std::optional<bool> InstanceType::prefix_delegation_supported() const {
  // Mirrors ipamd's IsPrefixDelegationSupported: hypervisor "nitro" or bare metal.
  if (hypervisor == Hypervisor::nitro) return true;
  if (bare_metal.value_or(false)) return true;
  if (hypervisor == Hypervisor::xen) return false;
  return std::nullopt;
}

}  // namespace eksim::aws
