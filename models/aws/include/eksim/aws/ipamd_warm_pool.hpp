// The steady state of one node's ipamd warm pool: how many ENIs, secondary IPs
// or /28 prefixes the VPC CNI holds for a given number of pods.
//
// The model replays ipamd's pool-growth decisions (isDatastorePoolTooLow,
// tryAssignCidrs, tryAllocateENI) from a freshly started node until nothing
// more would be attached, with every pod taking an address as soon as one is
// free. The rules, their sources and the worked AWS rows it reproduces are in
// docs/capacity-model.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/aws/instance_type.hpp"
#include "eksim/aws/vpc_cni_config.hpp"

namespace eksim::aws {

// Why the pool stopped growing.
enum class WarmPoolLimit {
  targets_met,  // the warm targets are satisfied
  eni_limit,    // no ENI slot or IPv4 slot left (instance limit, MAX_ENI, trunk)
  max_pods,     // ipamd stops adding once the pool holds kubelet's maxPods addresses
};

std::string_view to_string(WarmPoolLimit limit);

struct WarmPoolResult {
  EniLayout layout;
  int pods = 0;  // pods asked for (those needing a VPC IP)
  // ENIs ipamd has attached, the primary included; the trunk ENI is not ipamd's
  // and is counted by total_enis().
  int enis = 0;
  // Addresses (secondary-IP mode) or /28 prefixes (prefix delegation) on each
  // ipamd ENI, primary first. Under custom networking the primary holds none.
  std::vector<int> per_eni;
  int prefixes = 0;  // /28 prefixes held; 0 in secondary-IP mode
  int ips = 0;       // pod addresses held: secondary IPs, or prefixes x 16
  int assigned = 0;  // pods that got an address
  int unused = 0;    // ips - assigned: the warm pool
  // Pods left without an address, as in "failed to assign an IP address to
  // container": the node is full, or the targets allow no more (MINIMUM_IP_TARGET
  // alone never grows the pool past its floor).
  int pods_without_ip = 0;
  WarmPoolLimit limit = WarmPoolLimit::targets_met;
  std::vector<std::string> notes;

  [[nodiscard]] int total_enis() const { return enis + (layout.trunk_eni ? 1 : 0); }
};

// Steady state for `pods` pods that each need a VPC IP (host-network pods and
// pods on branch ENIs take none). `max_pods` is the kubelet limit ipamd reads
// (MaxPodsResult::kubelet_max_pods); unset means no such stop. Negative pod
// counts count as zero.
WarmPoolResult compute_warm_pool(const InstanceType& type, const CniConfig& config, int pods,
                                 std::optional<int> max_pods = std::nullopt);

}  // namespace eksim::aws
