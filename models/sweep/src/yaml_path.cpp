#include "eksim/sweep/yaml_path.hpp"

#include <charconv>

#include "eksim/util/closest_name.hpp"

namespace eksim::sweep {
namespace {

std::optional<std::size_t> index_of(const std::string& step) {
  std::size_t i = 0;
  const auto [ptr, ec] = std::from_chars(step.data(), step.data() + step.size(), i);
  if (ec != std::errc() || ptr != step.data() + step.size()) return std::nullopt;
  return i;
}

std::string prefix(const YamlPath& path, std::size_t steps) {
  std::string out;
  for (std::size_t i = 0; i < steps; ++i) out += (i == 0 ? "" : ".") + path.steps[i];
  return out.empty() ? "the top level" : "'" + out + "'";
}

// The child of `node` named by `step`: a mapping's key, a list item's name
// or number. Lists match by name first, so an item named "0" is found by
// name; number steps reach lists whose items have no names (traffic).
struct Step {
  YAML::Node parent;
  YAML::Node child;
  std::string key;                  // mapping key, when parent is a mapping
  std::optional<std::size_t> item;  // list index, when parent is a list
};

Step take_step(const YAML::Node& node, const YamlPath& path, std::size_t i, const scenario::SourceLocation& where,
               const std::string& document) {
  const std::string& step = path.steps[i];
  auto fail = [&](const std::string& what) -> Step {
    throw scenario::LoadError(where, "override path '" + path.text + "': " + what);
  };
  if (node.IsMap()) {
    std::vector<std::string> keys;
    for (const auto& kv : node) {
      if (kv.first.IsScalar()) keys.push_back(kv.first.Scalar());
      if (kv.first.IsScalar() && kv.first.Scalar() == step) return Step{node, kv.second, step, std::nullopt};
    }
    return fail(document + " has no key '" + step + "' under " + prefix(path, i) + util::did_you_mean(step, keys));
  }
  if (node.IsSequence()) {
    std::vector<std::string> names;
    for (std::size_t k = 0; k < node.size(); ++k) {
      const YAML::Node item = node[k];
      if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) continue;
      names.push_back(item["name"].Scalar());
      if (names.back() == step) return Step{node, item, "", k};
    }
    if (const auto k = index_of(step)) {
      if (*k < node.size()) return Step{node, node[*k], "", *k};
      return fail(prefix(path, i) + " in " + document + " has " + std::to_string(node.size()) +
                  " items, so no item " + step + " (items are numbered from 0)");
    }
    return fail(prefix(path, i) + " in " + document + " has no item named '" + step + "'" +
                util::did_you_mean(step, names));
  }
  return fail(prefix(path, i) + " in " + document + " is a single value, so it has no '" + step + "'");
}

Step walk(const YAML::Node& root, const YamlPath& path, const scenario::SourceLocation& where,
          const std::string& document) {
  // Node's operator= writes through to the node it refers to (yaml-cpp
  // reference semantics), so walking rebinds with reset() instead.
  Step s{YAML::Node(), root, "", std::nullopt};
  for (std::size_t i = 0; i < path.steps.size(); ++i) {
    const Step next = take_step(s.child, path, i, where, document);
    s.parent.reset(next.parent);
    s.child.reset(next.child);
    s.key = next.key;
    s.item = next.item;
  }
  return s;
}

}  // namespace

YamlPath parse_yaml_path(const std::string& text, const scenario::SourceLocation& where) {
  YamlPath path{text, {}};
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    path.steps.push_back(text.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (path.steps.back().empty()) {
      throw scenario::LoadError(where, "override path '" + text +
                                           "': expected steps separated by single dots, e.g. traffic.0.rate");
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return path;
}

YAML::Node find_yaml_path(const YAML::Node& root, const YamlPath& path, const scenario::SourceLocation& where,
                          const std::string& document) {
  return walk(root, path, where, document).child;
}

void set_yaml_path(YAML::Node root, const YamlPath& path, const YAML::Node& value,
                   const scenario::SourceLocation& where, const std::string& document) {
  Step s = walk(root, path, where, document);
  // Assigning shares the value's node, marks and all, so the loader's errors
  // at it point into the file the value came from.
  if (s.item) {
    s.parent[*s.item] = value;
  } else {
    s.parent[s.key] = value;
  }
}

}  // namespace eksim::sweep
