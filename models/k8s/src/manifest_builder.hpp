// Accumulates objects from any number of files, then groups pods and
// controllers under their owners and resolves relations into indices.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "eksim/k8s/manifest_set.hpp"
#include "object_readers.hpp"

namespace eksim::k8s::detail {

class ManifestBuilder {
 public:
  ManifestBuilder();
  // Parses every YAML document of `text`; `file` names it in messages.
  void add_text(const std::string& text, const std::string& file);
  // Groups workloads and fills in indices; the builder is spent afterwards.
  ManifestSet finish();

 private:
  // A workload-kind object (or a Pod) as read, before grouping.
  struct Pending {
    Workload workload;
    bool is_pod = false;
    std::vector<OwnerReference> owner_references;
  };

  void add_object(Reader& r, const Field& field, int list_depth, const std::string& list_api_version,
                  const std::string& list_item_kind);
  void skip(const std::string& api_version, const std::string& kind, const SourceLocation& where);
  std::uint32_t ensure_namespace(const std::string& name, const SourceLocation& where);
  void check_unique(const Reader& r, const std::string& kind, const std::string& namespace_name,
                    const std::string& name, const SourceLocation& where);
  // A namespaced object whose metadata is read: checks it is new, reads it
  // with `read`, sets its id and namespace index and appends it to `into`.
  template <typename T, typename Read>
  void add_namespaced(const Reader& r, const std::string& kind, const ObjectMeta& meta, const SourceLocation& where,
                      Read read, std::vector<T>& into);
  void group_workloads();
  void resolve_calico_tiers();
  void resolve_ingresses();

  // A Calico policy's spec.tier, checked once every Tier manifest is read.
  struct TierReference {
    std::size_t policy = 0;
    SourceLocation where;
    std::string object;  // "Calico NetworkPolicy 'web/x'", for the message
  };

  ManifestSet set_;
  std::map<std::string, std::uint32_t, std::less<>> namespace_index_;
  std::map<std::string, SourceLocation, std::less<>> defined_at_;
  std::vector<Pending> pending_;
  std::vector<TierReference> tier_references_;
  std::vector<IngressFields> ingress_fields_;  // one per ManifestSet::ingresses entry
  std::size_t objects_ = 0;
};

}  // namespace eksim::k8s::detail
