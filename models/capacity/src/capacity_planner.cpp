#include "eksim/capacity/capacity_planner.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "eksim/capacity/subnet_ipam.hpp"

namespace eksim::capacity {

std::string_view to_string(PendingReason reason) {
  switch (reason) {
    case PendingReason::max_pods:
      return "max pods";
    case PendingReason::node_selector:
      return "node selector";
    case PendingReason::insufficient_addresses:
      return "InsufficientFreeAddressesInSubnet";
    case PendingReason::insufficient_cidr_blocks:
      return "InsufficientCidrBlocks";
    case PendingReason::eni_limit:
      return "ENI and IP slots";
  }
  return "unknown";
}

std::map<std::string, std::string, std::less<>> node_labels(const NodeGroupSpec& group, const std::string& az) {
  return {{"eks.amazonaws.com/nodegroup", group.name},
          {"kubernetes.io/os", "linux"},
          {"node.kubernetes.io/instance-type", group.type.name},
          {"topology.kubernetes.io/zone", az}};
}

namespace {

struct Node {
  std::uint32_t cluster = 0;
  std::uint32_t group = 0;
  std::string name;
  std::uint32_t subnet = 0;
  std::uint32_t pod_subnet = 0;
  int kubelet_max_pods = 0;
  std::map<std::string, std::string, std::less<>> labels;
  int pods = 0;
  int ip_pods = 0;    // pods that need a VPC address, with or without one
  int enis = 1;       // the primary ENI comes with the instance
  int prefixes = 0;
  int addresses = 0;  // pod addresses held
  std::uint32_t address = 0;  // the node's own, on its primary ENI
  // (subnet, primary address) of each ENI by device index, the primary first.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> eni_primaries;
  // Pod slots per ENI and whether the primary ENI has them, from the CNI layout.
  int slots_per_eni = 0;
  bool primary_carries_pods = true;
  // The pod addresses held, as runs in the order they were taken; pods get
  // them in that order. Runs stay few: a node takes consecutive addresses
  // unless another node took some in between.
  std::vector<net::IntervalSet::Range> pool;
  // Why the pool stopped short of its target, if it did.
  std::optional<PendingReason> shortfall;
  std::string shortfall_detail;
};

struct SubnetCounters {
  std::uint64_t eni_primaries = 0;
};

struct Failure {
  PendingReason reason;
  std::string detail;
  std::string node;
};

class Planner {
 public:
  explicit Planner(const CapacityInput& in) : in_(in) {
    for (const auto& s : in.subnets) ipam_.emplace_back(s.cidr);
    counters_.resize(in.subnets.size());
    build_nodes();
    spread_.assign(in.workloads.size(), std::vector<int>(nodes_.size(), 0));
    // Dense AZ ids, so spreading counts per AZ with plain arrays.
    std::map<std::string, std::uint32_t> az_ids;
    for (const Node& node : nodes_) {
      node_az_.push_back(az_ids.emplace(in.subnets[node.subnet].az, static_cast<std::uint32_t>(az_ids.size()))
                             .first->second);
    }
    spread_az_.assign(in.workloads.size(), std::vector<int>(az_ids.size(), 0));
  }

  // Places every replica of every workload; returns the replicas that did
  // not run.
  std::vector<PendingPod> schedule_all() {
    std::vector<PendingPod> pending;
    for (std::uint32_t w = 0; w < in_.workloads.size(); ++w) {
      const WorkloadSpec& wl = in_.workloads[w];
      if (wl.per_node) {
        int replica = 0;
        for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
          if (nodes_[n].cluster != wl.cluster || !selects(wl, nodes_[n])) continue;
          if (auto f = place_on(w, n, replica)) pending.push_back({wl.name, replica, f->node, f->reason, f->detail});
          ++replica;
        }
        continue;
      }
      for (int replica = 0; replica < wl.replicas; ++replica) {
        if (auto f = place(w, replica)) pending.push_back({wl.name, replica, f->node, f->reason, f->detail});
      }
    }
    return pending;
  }

  // Places one more replica of workload `w` somewhere in its cluster.
  std::optional<Failure> place(std::uint32_t w, int replica) {
    const WorkloadSpec& wl = in_.workloads[w];
    std::optional<std::uint32_t> best;
    // The default topology spread: the AZ with the fewest replicas of this
    // workload, then the node with the fewest, then the emptiest node.
    auto key = [&](std::uint32_t n) {
      return std::tuple(spread_az_[w][node_az_[n]], spread_[w][n], nodes_[n].pods, n);
    };
    int in_cluster = 0;
    int selected = 0;
    for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
      const Node& node = nodes_[n];
      if (node.cluster != wl.cluster) continue;
      ++in_cluster;
      if (!selects(wl, node)) continue;
      ++selected;
      if (node.pods >= node.kubelet_max_pods) continue;
      if (!best || key(n) < key(*best)) best = n;
    }
    if (selected == 0) {
      return Failure{PendingReason::node_selector,
                     "0/" + std::to_string(in_cluster) + " nodes are available: " + std::to_string(in_cluster) +
                         " node(s) didn't match Pod's node affinity/selector",
                     ""};
    }
    if (!best) {
      // kube-scheduler's own wording for a full cluster.
      return Failure{PendingReason::max_pods,
                     "0/" + std::to_string(in_cluster) + " nodes are available: " + std::to_string(selected) +
                         " Too many pods" +
                         (selected < in_cluster ? ", " + std::to_string(in_cluster - selected) +
                                                      " node(s) didn't match Pod's node affinity/selector"
                                                : std::string()),
                     ""};
    }
    return place_on(w, *best, replica);
  }

  static bool selects(const WorkloadSpec& wl, const Node& node) {
    for (const auto& [key, value] : wl.node_selector) {
      const auto it = node.labels.find(key);
      if (it == node.labels.end() || it->second != value) return false;
    }
    return true;
  }

  // Binds one pod of workload `w` to node `n` and gives it an address.
  std::optional<Failure> place_on(std::uint32_t w, std::uint32_t n, int replica) {
    Node& node = nodes_[n];
    const WorkloadSpec& wl = in_.workloads[w];
    if (node.pods >= node.kubelet_max_pods) {
      return Failure{PendingReason::max_pods,
                     "node " + node.name + " already runs its " + std::to_string(node.kubelet_max_pods) + " pods",
                     node.name};
    }
    ++node.pods;
    ++spread_[w][n];
    ++spread_az_[w][node_az_[n]];
    if (wl.host_network) {
      placed_.push_back({w, replica, n, true, net::Ipv4Address(node.address)});
      return std::nullopt;
    }
    ++node.ip_pods;
    grow_pool(node);
    const bool has_address = node.addresses >= node.ip_pods;
    placed_.push_back({w, replica, n, has_address,
                       has_address ? std::optional(pool_address(node, node.ip_pods - 1)) : std::nullopt});
    if (has_address) return std::nullopt;
    // Bound to the node but without an address: ContainerCreating.
    return Failure{node.shortfall.value_or(PendingReason::eni_limit),
                   node.shortfall ? node.shortfall_detail
                                  : "node " + node.name + " has no ENI or IP slot left for another pod address",
                   node.name};
  }

  CapacityReport report(std::vector<PendingPod> pending) const {
    CapacityReport r;
    for (const auto& c : in_.clusters) {
      for (const auto& g : c.node_groups) {
        r.node_groups.push_back({c.name, g.name, g.type.name, g.count, max_pods_of(c, g)});
      }
    }
    std::vector<std::uint64_t> assigned(in_.subnets.size(), 0);
    std::vector<std::uint64_t> held(in_.subnets.size(), 0);
    for (const Node& node : nodes_) {
      const int with_ip = std::min(node.ip_pods, node.addresses);
      assigned[node.pod_subnet] += static_cast<std::uint64_t>(with_ip);
      held[node.pod_subnet] += static_cast<std::uint64_t>(node.addresses);
      r.nodes.push_back({node.name, in_.clusters[node.cluster].node_groups[node.group].name,
                         in_.subnets[node.subnet].az, in_.subnets[node.subnet].name,
                         in_.subnets[node.pod_subnet].name, net::Ipv4Address(node.address), node.kubelet_max_pods, node.pods, with_ip, node.enis,
                         node.prefixes, node.addresses, eni_list(node)});
    }
    for (std::uint32_t s = 0; s < in_.subnets.size(); ++s) {
      const SubnetIpam& ipam = ipam_[s];
      r.subnets.push_back({in_.subnets[s].name, in_.subnets[s].az, in_.subnets[s].cidr.to_string(), ipam.usable(),
                           counters_[s].eni_primaries, assigned[s], held[s] - assigned[s], ipam.free(),
                           ipam.free_prefixes()});
    }
    r.pending = std::move(pending);
    r.pods = placed_;
    return r;
  }

 private:
  static aws::MaxPodsResult max_pods_of(const ClusterSpec& c, const NodeGroupSpec& g) {
    aws::MaxPodsOptions o;
    o.ceiling = g.managed ? aws::MaxPodsCeiling::always : aws::MaxPodsCeiling::prefix_delegation_only;
    o.max_pods_override = g.max_pods;
    return aws::compute_max_pods(g.type, c.cni, o);
  }

  void build_nodes() {
    for (std::uint32_t c = 0; c < in_.clusters.size(); ++c) {
      const ClusterSpec& cluster = in_.clusters[c];
      for (std::uint32_t g = 0; g < cluster.node_groups.size(); ++g) {
        const NodeGroupSpec& group = cluster.node_groups[g];
        const aws::MaxPodsResult mp = max_pods_of(cluster, group);
        for (int i = 0; i < group.count; ++i) {
          Node node;
          node.cluster = c;
          node.group = g;
          node.name = cluster.name + "/" + group.name + "-" + std::to_string(i + 1);
          // Auto Scaling spreads instances over the group's subnets in turn.
          node.subnet = group.subnets[static_cast<std::size_t>(i) % group.subnets.size()];
          node.pod_subnet = node.subnet;
          if (cluster.cni.custom_networking) {
            const auto it = cluster.eni_configs.find(in_.subnets[node.subnet].az);
            if (it == cluster.eni_configs.end()) {
              throw std::invalid_argument("cluster " + cluster.name + ": no ENIConfig for AZ " +
                                          in_.subnets[node.subnet].az);
            }
            node.pod_subnet = it->second;
          }
          node.kubelet_max_pods = mp.kubelet_max_pods;
          node.labels = node_labels(group, in_.subnets[node.subnet].az);
          // The instance's own address on its primary ENI.
          const auto own = ipam_[node.subnet].allocate_address();
          if (!own) {
            throw std::invalid_argument("subnet " + in_.subnets[node.subnet].name +
                                        " has no address left for node " + node.name);
          }
          node.address = *own;
          node.eni_primaries.emplace_back(node.subnet, *own);
          ++counters_[node.subnet].eni_primaries;
          nodes_.push_back(std::move(node));
          grow_pool(nodes_.back());
        }
      }
    }
  }

  // Each ENI with the slots it holds: slot k goes to the k / slots_per_eni-th
  // ENI that carries pods, since ipamd fills an ENI before attaching the next.
  [[nodiscard]] std::vector<NodeEni> eni_list(const Node& node) const {
    std::vector<NodeEni> out;
    for (std::size_t i = 0; i < node.eni_primaries.size(); ++i) {
      const bool pods = i > 0 || node.primary_carries_pods;
      out.push_back({static_cast<int>(i), in_.subnets[node.eni_primaries[i].first].name,
                     net::Ipv4Address(node.eni_primaries[i].second), pods, {}});
    }
    const int block = node.prefixes > 0 ? 28 : 32;
    const std::uint32_t step = node.prefixes > 0 ? 16 : 1;
    std::size_t slot = 0;
    for (const auto& run : node.pool) {
      for (std::uint64_t a = run.first; a <= run.last; a += step, ++slot) {
        std::size_t eni = (node.primary_carries_pods ? 0 : 1) +
                          (node.slots_per_eni > 0 ? slot / static_cast<std::size_t>(node.slots_per_eni) : 0);
        eni = std::min(eni, out.size() - 1);
        out[eni].held.push_back(net::Cidr::containing(net::Ipv4Address(static_cast<std::uint32_t>(a)), block));
      }
    }
    return out;
  }

  static void hold(Node& node, std::uint32_t first, std::uint32_t last) {
    if (!node.pool.empty() && node.pool.back().last + 1 == first) {
      node.pool.back().last = last;
    } else {
      node.pool.push_back({first, last});
    }
  }

  // The k-th pod address the node holds (k < node.addresses).
  static net::Ipv4Address pool_address(const Node& node, int k) {
    auto left = static_cast<std::uint64_t>(k);
    for (const auto& run : node.pool) {
      if (left < run.size()) return net::Ipv4Address(run.first + static_cast<std::uint32_t>(left));
      left -= run.size();
    }
    throw std::logic_error("node " + node.name + " holds fewer pod addresses than it counts");
  }

  void fail(Node& node, PendingReason reason, std::uint32_t subnet) {
    if (node.shortfall) return;
    node.shortfall = reason;
    const SubnetIpam& ipam = ipam_[subnet];
    const std::string& name = in_.subnets[subnet].name;
    if (reason == PendingReason::insufficient_cidr_blocks) {
      node.shortfall_detail = "subnet " + name + " has " + std::to_string(ipam.free()) +
                              " free addresses but no free aligned /28 prefix (InsufficientCidrBlocks)";
    } else {
      node.shortfall_detail = "subnet " + name + " has no free address (InsufficientFreeAddressesInSubnet)";
    }
  }

  // Grows a node's ENIs and addresses towards what ipamd would hold for its
  // current pods, taking each address or /28 from the subnet.
  void grow_pool(Node& node) {
    const ClusterSpec& cluster = in_.clusters[node.cluster];
    const NodeGroupSpec& group = cluster.node_groups[node.group];
    const aws::WarmPoolResult want =
        aws::compute_warm_pool(group.type, cluster.cni, node.ip_pods, node.kubelet_max_pods);
    // Secondary ENIs live in the pod subnet under custom networking.
    const std::uint32_t eni_subnet = cluster.cni.custom_networking ? node.pod_subnet : node.subnet;
    node.slots_per_eni = want.layout.slots_per_eni;
    node.primary_carries_pods = want.layout.primary_carries_pods;
    while (node.enis < want.enis) {
      const auto primary = ipam_[eni_subnet].allocate_address();
      if (!primary) {
        fail(node, PendingReason::insufficient_addresses, eni_subnet);
        break;
      }
      node.eni_primaries.emplace_back(eni_subnet, *primary);
      ++node.enis;
      ++counters_[eni_subnet].eni_primaries;
    }
    const aws::EniLayout& layout = want.layout;
    const int pod_enis = layout.primary_carries_pods ? node.enis : node.enis - 1;
    const int slot_limit = pod_enis * layout.slots_per_eni;  // slots of the ENIs actually attached
    SubnetIpam& pool = ipam_[node.pod_subnet];
    if (layout.ips_per_slot > 1) {
      while (node.prefixes < want.prefixes && node.prefixes < slot_limit) {
        const auto prefix = pool.allocate_prefix();
        if (!prefix) {
          fail(node, pool.free() >= 16 ? PendingReason::insufficient_cidr_blocks : PendingReason::insufficient_addresses,
               node.pod_subnet);
          break;
        }
        hold(node, *prefix, *prefix + 15);
        ++node.prefixes;
        node.addresses += layout.ips_per_slot;
      }
    } else {
      while (node.addresses < want.ips && node.addresses < slot_limit) {
        const auto address = pool.allocate_address();
        if (!address) {
          fail(node, PendingReason::insufficient_addresses, node.pod_subnet);
          break;
        }
        hold(node, *address, *address);
        ++node.addresses;
      }
    }
  }

  const CapacityInput& in_;
  std::vector<SubnetIpam> ipam_;
  std::vector<SubnetCounters> counters_;
  std::vector<Node> nodes_;
  std::vector<PlacedPod> placed_;
  std::vector<std::vector<int>> spread_;     // [workload][node] replicas
  std::vector<std::uint32_t> node_az_;       // [node] dense AZ id
  std::vector<std::vector<int>> spread_az_;  // [workload][AZ] replicas
};

}  // namespace

CapacityReport plan_capacity(const CapacityInput& input, const PlanOptions& options) {
  Planner planner(input);
  std::vector<PendingPod> pending = planner.schedule_all();
  CapacityReport report = planner.report(std::move(pending));
  if (!options.headroom) return report;
  for (std::uint32_t w = 0; w < input.workloads.size(); ++w) {
    const WorkloadSpec& wl = input.workloads[w];
    if (wl.per_node) continue;  // grows with the nodes, not by replicas
    Planner trial = planner;
    Headroom h{wl.name, wl.replicas, 0, "", false};
    for (;;) {
      if (h.more >= options.headroom_limit) {
        h.capped = true;
        h.runs_out = "search stopped at " + std::to_string(options.headroom_limit) + " more replicas";
        break;
      }
      if (auto f = trial.place(w, wl.replicas + h.more)) {
        h.runs_out = std::string(to_string(f->reason)) + ": " + f->detail;
        break;
      }
      ++h.more;
    }
    report.headroom.push_back(std::move(h));
  }
  return report;
}

}  // namespace eksim::capacity
