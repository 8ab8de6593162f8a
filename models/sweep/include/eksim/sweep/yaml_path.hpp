// A place in a scenario document, written as dot-separated steps:
// "clusters.shop.dns.corednsReplicas", "traffic.0.rate". A step into a
// mapping is a key; a step into a list is an item's `name` or, failing
// that, its number from 0.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "eksim/scenario/load_error.hpp"

namespace eksim::sweep {

struct YamlPath {
  std::string text;
  std::vector<std::string> steps;
};

// Splits `text` at dots; an empty path or step throws LoadError at `where`.
YamlPath parse_yaml_path(const std::string& text, const scenario::SourceLocation& where);

// The node `path` names in `root`. Every step must exist: a missing key or
// item throws LoadError at `where` saying which step failed, what `root`
// has there and the closest valid name. `document` names `root` in messages.
YAML::Node find_yaml_path(const YAML::Node& root, const YamlPath& path, const scenario::SourceLocation& where,
                          const std::string& document);

// Replaces the value `path` names (which must exist, as above) by `value`.
void set_yaml_path(YAML::Node root, const YamlPath& path, const YAML::Node& value,
                   const scenario::SourceLocation& where, const std::string& document);

}  // namespace eksim::sweep
