// Importing Kubernetes manifests: YAML (several documents per file) or JSON,
// single objects or `List`s, from files or whole directories.
//
// Bad input throws scenario::LoadError naming file:line:column, what was
// expected and, for a misspelled kind, field or enum value, the closest valid
// one. Fields the importer does not read are ignored (and reported in
// ManifestSet::warnings when they are not Kubernetes fields at all). The
// rules, defaults and decisions are in docs/manifests.md.
#pragma once

#include <string>
#include <vector>

#include "eksim/k8s/manifest_set.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

using scenario::LoadError;

// Each path is a file or a directory. A directory contributes every *.yaml,
// *.yml and *.json file below it, recursively, sorted by path, skipping
// entries whose names start with '.'. A file named explicitly is read
// whatever its extension. A file reached twice is read once.
ManifestSet load_manifests(const std::vector<std::string>& paths);

// Imports manifests held in memory; `name` stands for the file in errors.
ManifestSet load_manifest_text(const std::string& text, const std::string& name);

}  // namespace eksim::k8s
