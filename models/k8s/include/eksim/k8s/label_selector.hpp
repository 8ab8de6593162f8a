// metav1.LabelSelector: matchLabels and matchExpressions, all ANDed.
//
// A selector that is present but empty selects everything in its scope; whether
// a selector is absent (nullopt where it is held) or empty is the caller's
// distinction to keep, because NetworkPolicy gives the two different meanings
// (policy-semantics.md items 5 and 8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/labels.hpp"

namespace eksim::k8s {

enum class SelectorOperator : std::uint8_t { In, NotIn, Exists, DoesNotExist };

// "In", "NotIn", "Exists", "DoesNotExist", as written in manifests.
std::string_view to_string(SelectorOperator op);

struct SelectorRequirement {
  std::string key;
  SelectorOperator op = SelectorOperator::Exists;
  // Non-empty for In and NotIn, empty for Exists and DoesNotExist (the loader
  // enforces both, as the API server does).
  std::vector<std::string> values;

  // In: the key is present with one of the values. NotIn: the key is absent
  // or its value is none of them (an absent key matches NotIn, as upstream).
  // Exists / DoesNotExist: presence of the key.
  [[nodiscard]] bool matches(const Labels& labels) const;
};

struct LabelSelector {
  Labels match_labels;
  std::vector<SelectorRequirement> match_expressions;

  // True when there is nothing to match, so every label set matches.
  [[nodiscard]] bool selects_everything() const { return match_labels.empty() && match_expressions.empty(); }
  [[nodiscard]] bool matches(const Labels& labels) const;
  // kubectl's notation: "app=web,tier in (a,b),!legacy,env"; "" for the empty selector.
  [[nodiscard]] std::string to_string() const;

  // The selector a Service or a workload template implies: each pair must match exactly.
  static LabelSelector from_labels(Labels labels);
};

}  // namespace eksim::k8s
