// A Kubernetes namespace. Every namespace an imported object lives in exists
// in the model, declared by a Namespace manifest or not.
#pragma once

#include <string>
#include <string_view>

#include "eksim/k8s/labels.hpp"
#include "eksim/scenario/load_error.hpp"

namespace eksim::k8s {

// The label the API server puts on every namespace (policy-semantics.md item 7);
// namespaceSelectors commonly select on it.
inline constexpr std::string_view kNamespaceNameLabel = "kubernetes.io/metadata.name";

// The namespace of an object whose metadata names none.
inline constexpr std::string_view kDefaultNamespace = "default";

struct Namespace {
  std::string name;  // the stable id
  // The manifest's labels plus kNamespaceNameLabel=name, which overrides any
  // other value written for it (the API server does the same).
  Labels labels;
  // False when no Namespace manifest was imported and an object living in it
  // brought it into the model.
  bool declared = false;
  // The Namespace manifest, or the first object found in the namespace.
  scenario::SourceLocation where;
};

}  // namespace eksim::k8s
