// Splitting classes at new ipBlock boundaries, for a NetworkPolicy update
// that brings a block the engine has not seen.
//
// A new block only refines: every address keeps its position relative to
// every old block, so each new class (a part of an old pod class, or a piece
// of an old external range) has exactly one old class, its parent, and every
// old peer set, atom and group treats it as it treated its parent. The
// classes are renumbered as a fresh build would number them (pod classes by
// first pod, then external ranges by address) and every bitset is carried
// over with a part reading its parent's bit; nothing is evaluated again.
// Only the updated policy's peers, computed afterwards, see the new split.
#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "eksim/reach/policy_engine.hpp"

namespace eksim::reach {
namespace {

constexpr std::uint64_t kAddressSpaceEnd = std::uint64_t{1} << 32;
constexpr std::uint32_t kNoPart = std::numeric_limits<std::uint32_t>::max();

}  // namespace

std::size_t PolicyEngine::split_classes(const CompiledPolicy& policy) {
  const std::size_t known = blocks_.size();
  intern_blocks(policy);
  if (blocks_.size() == known) return 0;

  // Cells: the old cuts and the new blocks' boundaries. Each new cell lies in
  // one old cell; its signature is the old cell's, extended by the new
  // blocks. Outside every new block the old signature id is kept, so classes
  // there keep theirs.
  std::vector<std::uint64_t> cuts = cell_starts_;
  for (std::size_t j = known; j < blocks_.size(); ++j) blocks_[j].add_cut_points(cuts);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  if (cuts.back() == kAddressSpaceEnd) cuts.pop_back();
  for (std::vector<bool>& sig : signatures_) sig.resize(blocks_.size(), false);
  std::map<std::pair<std::uint32_t, std::vector<bool>>, std::uint32_t> refined;
  std::vector<std::uint32_t> cell_signature(cuts.size());
  std::size_t old_cell = 0;
  for (std::size_t cell = 0; cell < cuts.size(); ++cell) {
    while (old_cell + 1 < cell_starts_.size() && cell_starts_[old_cell + 1] <= cuts[cell]) ++old_cell;
    const std::uint32_t old_sig = cell_signature_[old_cell];
    const net::Ipv4Address a(static_cast<std::uint32_t>(cuts[cell]));
    std::vector<bool> inside(blocks_.size() - known);
    for (std::size_t j = known; j < blocks_.size(); ++j) inside[j - known] = blocks_[j].contains(a);
    if (std::none_of(inside.begin(), inside.end(), [](bool b) { return b; })) {
      cell_signature[cell] = old_sig;
      continue;
    }
    auto [it, inserted] =
        refined.try_emplace(std::pair{old_sig, inside}, static_cast<std::uint32_t>(signatures_.size()));
    if (inserted) {
      std::vector<bool> sig = signatures_[old_sig];
      for (std::size_t j = known; j < blocks_.size(); ++j) sig[j] = inside[j - known];
      signatures_.push_back(std::move(sig));
    }
    cell_signature[cell] = it->second;
  }
  cell_starts_ = std::move(cuts);
  cell_signature_ = std::move(cell_signature);

  // Pod classes: pods whose address the new blocks see and whose signature
  // changed leave their class for a part keyed by (class, new signature).
  // Only pods inside a new block's cidr can have moved.
  struct Part {
    std::uint32_t parent;
    std::uint32_t signature;
    std::uint32_t first_pod;
    std::uint32_t pod_count;
  };
  std::vector<Part> parts;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> part_index;
  std::vector<std::uint32_t> part_of_pod;  // sized on the first move
  std::vector<std::uint32_t> moved(pod_class_count_, 0);
  for (std::uint32_t i = 0; i < pods_.pods.size(); ++i) {
    const std::uint32_t c = pod_class_[i];
    const EndpointClass& k = classes_[c];
    // As build_classes: without ipBlockMatchesPods, blocks see only
    // hostNetwork pods (their node's address).
    if (!settings_.ip_block_matches_pods && !k.host_network) continue;
    const net::Ipv4Address a = pods_.pods[i].address;
    bool seen = false;
    for (std::size_t j = known; j < blocks_.size() && !seen; ++j) seen = blocks_[j].cidr.contains(a);
    if (!seen) continue;
    const std::uint32_t sig = cell_signature_[address_cell(a)];
    if (sig == k.address_signature) continue;
    auto [it, inserted] = part_index.try_emplace(std::pair{c, sig}, static_cast<std::uint32_t>(parts.size()));
    if (inserted) parts.push_back(Part{c, sig, i, 0});
    ++parts[it->second].pod_count;
    if (part_of_pod.empty()) part_of_pod.assign(pods_.pods.size(), kNoPart);
    part_of_pod[i] = it->second;
    ++moved[c];
  }
  // What stays of a class some of whose pods moved is a part too, first
  // pod and all.
  std::vector<std::uint32_t> stay(pod_class_count_, kNoPart);
  if (!parts.empty()) {
    for (std::uint32_t i = 0; i < pods_.pods.size(); ++i) {
      const std::uint32_t c = pod_class_[i];
      if (moved[c] == 0 || moved[c] == classes_[c].pod_count || part_of_pod[i] != kNoPart || stay[c] != kNoPart) {
        continue;
      }
      stay[c] = static_cast<std::uint32_t>(parts.size());
      parts.push_back(Part{c, classes_[c].address_signature, i, classes_[c].pod_count - moved[c]});
    }
  }
  // The part holding its class's first pod takes the class's place; the
  // others are new classes, placed by their first pod as a build would.
  std::vector<std::uint32_t> in_place(pod_class_count_, kNoPart);
  std::vector<std::uint32_t> extra;
  for (std::uint32_t p = 0; p < parts.size(); ++p) {
    if (parts[p].first_pod == classes_[parts[p].parent].first_pod) {
      in_place[parts[p].parent] = p;
    } else {
      extra.push_back(p);
    }
  }
  std::sort(extra.begin(), extra.end(),
            [&](std::uint32_t a, std::uint32_t b) { return parts[a].first_pod < parts[b].first_pod; });

  std::vector<EndpointClass> next;
  next.reserve(classes_.size() + extra.size() + 2 * (blocks_.size() - known) + 2);
  std::vector<std::uint32_t> parent;
  parent.reserve(next.capacity());
  std::vector<std::uint32_t> part_class(parts.size());
  std::vector<std::uint32_t> class_index(pod_class_count_);
  auto emit_part = [&](std::uint32_t p) {
    EndpointClass k = classes_[parts[p].parent];
    k.address_signature = parts[p].signature;
    k.first_pod = parts[p].first_pod;
    k.pod_count = parts[p].pod_count;
    part_class[p] = static_cast<std::uint32_t>(next.size());
    parent.push_back(parts[p].parent);
    next.push_back(k);
  };
  std::size_t e = 0;
  for (std::uint32_t c = 0; c < pod_class_count_; ++c) {
    while (e < extra.size() && parts[extra[e]].first_pod < classes_[c].first_pod) emit_part(extra[e++]);
    class_index[c] = static_cast<std::uint32_t>(next.size());
    if (in_place[c] != kNoPart) {
      emit_part(in_place[c]);
    } else {
      parent.push_back(c);
      next.push_back(classes_[c]);
    }
  }
  while (e < extra.size()) emit_part(extra[e++]);
  const std::size_t pod_classes = next.size();
  if (!extra.empty()) {
    for (std::uint32_t i = 0; i < pods_.pods.size(); ++i) {
      const std::uint32_t c = pod_class_[i];
      if (!part_of_pod.empty() && part_of_pod[i] != kNoPart) {
        pod_class_[i] = part_class[part_of_pod[i]];
      } else {
        pod_class_[i] = stay[c] != kNoPart ? part_class[stay[c]] : class_index[c];
      }
    }
  }

  // External ranges, as build_classes makes them. Adjacent old ranges differ
  // in an old block, so a new range lies inside one old range: its parent.
  append_external_ranges(next);
  std::size_t old_range = pod_class_count_;
  for (std::size_t c = pod_classes; c < next.size(); ++c) {
    while (old_range + 1 < classes_.size() && !(next[c].first < classes_[old_range + 1].first)) ++old_range;
    parent.push_back(static_cast<std::uint32_t>(old_range));
  }
  const std::size_t added = next.size() - classes_.size();
  pod_class_count_ = pod_classes;
  renumber_classes(std::move(next), parent);
  return added;
}

// Every class-indexed structure carried over to `next`, class i of which is
// (a part of) old class parent[i].
void PolicyEngine::renumber_classes(std::vector<EndpointClass> next, const std::vector<std::uint32_t>& parent) {
  const std::size_t n = next.size();
  bool same = n == classes_.size();
  for (std::size_t i = 0; i < n && same; ++i) same = parent[i] == i;
  classes_ = std::move(next);  // signatures may have changed even so
  if (same) return;

  const std::vector<ClassBitset::Run> runs = ClassBitset::runs_of(parent);
  for (ClassBitset& p : peers_) p.remap(n, runs);
  for (Group& g : groups_) {
    if (g.reachable.size() != 0) g.reachable.remap(n, runs);
    for (Atom& a : g.atoms) a.members.remap(n, runs);
  }
  // Per-class lists: a part is selected by what selected its class. A
  // class's first part takes its list; later parts copy from that one.
  std::vector<std::uint32_t> first_part(selecting_[0].size(), kNoPart);
  for (int d = 0; d < 2; ++d) {
    std::fill(first_part.begin(), first_part.end(), kNoPart);
    std::vector<std::vector<std::uint32_t>> selecting(n);
    std::vector<std::uint32_t> group(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t& first = first_part[parent[i]];
      if (first == kNoPart) {
        selecting[i] = std::move(selecting_[d][parent[i]]);
        first = static_cast<std::uint32_t>(i);
      } else {
        selecting[i] = selecting[first];
      }
      group[i] = class_group_[d][parent[i]];
    }
    selecting_[d] = std::move(selecting);
    class_group_[d] = std::move(group);
  }
  classes_by_namespace_.assign(namespace_labels_.size(), {});
  for (std::uint32_t c = 0; c < pod_class_count_; ++c) classes_by_namespace_[classes_[c].namespace_index].push_back(c);
}

}  // namespace eksim::reach
