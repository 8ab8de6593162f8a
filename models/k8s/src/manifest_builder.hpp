// Accumulates objects from any number of files, then groups pods and
// controllers under their owners and resolves relations into indices.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "eksim/k8s/manifest_set.hpp"
#include "object_reader.hpp"

namespace eksim::k8s::detail {

class ManifestBuilder {
 public:
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
  void group_workloads();

  ManifestSet set_;
  std::map<std::string, std::uint32_t, std::less<>> namespace_index_;
  std::map<std::string, SourceLocation, std::less<>> defined_at_;
  std::vector<Pending> pending_;
  std::size_t objects_ = 0;
};

}  // namespace eksim::k8s::detail
