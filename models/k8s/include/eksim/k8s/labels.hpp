// Labels and annotations: string keys to string values, kept sorted so that
// everything built from them (selector matching, equivalence classes, printed
// output) is independent of the order a manifest wrote them in.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace eksim::k8s {

using Labels = std::map<std::string, std::string, std::less<>>;

// "app=web,tier=front", sorted by key; "" for no labels.
std::string format_labels(const Labels& labels);

}  // namespace eksim::k8s
