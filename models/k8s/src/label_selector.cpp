#include "eksim/k8s/label_selector.hpp"

#include <algorithm>

namespace eksim::k8s {

std::string_view to_string(SelectorOperator op) {
  switch (op) {
    case SelectorOperator::In:
      return "In";
    case SelectorOperator::NotIn:
      return "NotIn";
    case SelectorOperator::Exists:
      return "Exists";
    case SelectorOperator::DoesNotExist:
      return "DoesNotExist";
  }
  return "In";
}

bool SelectorRequirement::matches(const Labels& labels) const {
  const auto it = labels.find(key);
  const bool present = it != labels.end();
  const auto listed = [&] { return std::find(values.begin(), values.end(), it->second) != values.end(); };
  switch (op) {
    case SelectorOperator::In:
      return present && listed();
    case SelectorOperator::NotIn:
      return !present || !listed();
    case SelectorOperator::Exists:
      return present;
    case SelectorOperator::DoesNotExist:
      return !present;
  }
  return false;
}

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& [key, value] : match_labels) {
    const auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return std::all_of(match_expressions.begin(), match_expressions.end(),
                     [&](const SelectorRequirement& r) { return r.matches(labels); });
}

std::string LabelSelector::to_string() const {
  std::string out;
  const auto add = [&](const std::string& term) {
    if (!out.empty()) out += ',';
    out += term;
  };
  for (const auto& [key, value] : match_labels) add(key + "=" + value);
  for (const SelectorRequirement& r : match_expressions) {
    std::string values;
    for (const std::string& v : r.values) values += (values.empty() ? "" : ",") + v;
    switch (r.op) {
      case SelectorOperator::In:
        add(r.key + " in (" + values + ")");
        break;
      case SelectorOperator::NotIn:
        add(r.key + " notin (" + values + ")");
        break;
      case SelectorOperator::Exists:
        add(r.key);
        break;
      case SelectorOperator::DoesNotExist:
        add("!" + r.key);
        break;
    }
  }
  return out;
}

LabelSelector LabelSelector::from_labels(Labels labels) {
  LabelSelector s;
  s.match_labels = std::move(labels);
  return s;
}

}  // namespace eksim::k8s
