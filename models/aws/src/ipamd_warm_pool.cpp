#include "eksim/aws/ipamd_warm_pool.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace eksim::aws {

namespace {

// Targets come from user input and may be huge; 64-bit intermediates keep
// "target x addresses per ENI" and "short + 15" from overflowing.
using Count = std::int64_t;

constexpr Count kIpsPerPrefix = 16;

Count div_ceil(Count a, Count b) { return (a + b - 1) / b; }

}  // namespace

std::string_view to_string(WarmPoolLimit limit) {
  switch (limit) {
    case WarmPoolLimit::eni_limit:
      return "ENI limit";
    case WarmPoolLimit::max_pods:
      return "maxPods";
    case WarmPoolLimit::targets_met:
      break;
  }
  return "targets met";
}

WarmPoolResult compute_warm_pool(const InstanceType& type, const CniConfig& config, int pods,
                                 std::optional<int> max_pods) {
  WarmPoolResult result;
  result.layout = resolve_eni_layout(type, config);
  result.notes = result.layout.notes;
  result.pods = std::max(pods, 0);
  const EniLayout& layout = result.layout;

  const bool prefix_mode = layout.mode == IpMode::prefix_delegation;
  const Count ips_per_unit = layout.ips_per_slot;  // a unit is one secondary IP or one prefix
  const Count units_per_eni = layout.slots_per_eni;
  const bool ip_targets = config.ip_targets_defined();
  const Count warm_ip = config.effective_warm_ip_target();
  const Count minimum_ip = config.effective_minimum_ip_target();
  // Without IP targets, ipamd wants `warm` whole chunks of free addresses: ENIs
  // in secondary-IP mode (maxIPsPerENI each), /28 prefixes with PD.
  const Count warm_chunks = prefix_mode ? config.effective_warm_prefix_target() : config.effective_warm_eni_target();
  const Count chunk_ips = prefix_mode ? kIpsPerPrefix : units_per_eni;
  const Count wanted_pods = result.pods;

  // The node starts with its primary ENI and nothing on it. Addresses go to the
  // first allocatable ENI with room (the primary is not allocatable under
  // custom networking); a new ENI is attached only when every one is full.
  std::vector<Count> per_eni{0};
  std::size_t first_with_room = layout.primary_carries_pods ? 0 : 1;
  Count units = 0;

  while (true) {
    const Count total_ips = units * ips_per_unit;
    const Count assigned = std::min(wanted_pods, total_ips);
    const Count available = total_ips - assigned;

    // isDatastorePoolTooLow / datastoreTargetState.
    Count short_ips = 0;
    bool low = false;
    if (ip_targets) {
      short_ips = std::max<Count>(warm_ip - available, 0);
      short_ips = std::max(short_ips, minimum_ip - total_ips);
      low = short_ips > 0;
    } else {
      low = available < chunk_ips * warm_chunks || (warm_chunks == 0 && available == 0);
    }
    if (!low) {
      result.limit = WarmPoolLimit::targets_met;
      break;
    }
    if (max_pods && total_ips >= *max_pods) {
      result.limit = WarmPoolLimit::max_pods;
      break;
    }

    // How much one increase asks for (getPrefixesNeeded, tryAssignIPs,
    // GetENIResourcesToAllocate).
    Count wanted = 0;
    if (prefix_mode) {
      wanted = 1;
      if (ip_targets) {
        wanted = std::max(wanted, div_ceil(short_ips, kIpsPerPrefix));
      } else {
        const Count free_prefixes = units - div_ceil(assigned, kIpsPerPrefix);
        wanted = std::max(wanted, warm_chunks - free_prefixes);
      }
    } else {
      wanted = ip_targets ? short_ips : units_per_eni;
    }

    while (first_with_room < per_eni.size() && per_eni[first_with_room] >= units_per_eni) {
      ++first_with_room;
    }
    if (first_with_room < per_eni.size()) {
      const Count added = std::min(units_per_eni - per_eni[first_with_room], wanted);
      per_eni[first_with_room] += added;
      units += added;
      continue;
    }
    const Count added = std::min(wanted, units_per_eni);
    if (static_cast<Count>(per_eni.size()) < layout.ipamd_enis && added > 0) {
      per_eni.push_back(added);
      units += added;
      continue;
    }
    result.limit = WarmPoolLimit::eni_limit;
    break;
  }

  result.enis = static_cast<int>(per_eni.size());
  result.per_eni.assign(per_eni.begin(), per_eni.end());
  result.prefixes = prefix_mode ? static_cast<int>(units) : 0;
  result.ips = static_cast<int>(units * ips_per_unit);
  result.assigned = static_cast<int>(std::min(wanted_pods, units * ips_per_unit));
  result.unused = result.ips - result.assigned;
  result.pods_without_ip = result.pods - result.assigned;

  if (prefix_mode && !ip_targets && warm_chunks == 0) {
    result.notes.push_back(
        "WARM_PREFIX_TARGET=0 without WARM_IP_TARGET/MINIMUM_IP_TARGET is unsupported with "
        "prefix delegation: ipamd adds a prefix only once the pool is empty");
  }
  if (result.pods_without_ip > 0) {
    const std::string waiting = std::to_string(result.pods_without_ip) + " pod(s) get no IP";
    switch (result.limit) {
      case WarmPoolLimit::eni_limit:
        result.notes.push_back(waiting + ": every ENI and IPv4 slot of " + type.name + " is in use");
        break;
      case WarmPoolLimit::max_pods:
        result.notes.push_back(waiting + ": ipamd stops adding addresses at maxPods " +
                               std::to_string(max_pods.value_or(0)));
        break;
      case WarmPoolLimit::targets_met:
        result.notes.push_back(waiting +
                               ": MINIMUM_IP_TARGET without WARM_IP_TARGET makes the warm "
                               "target 0, so ipamd never grows the pool past the minimum");
        break;
    }
  }
  return result;
}

}  // namespace eksim::aws
