// Typed, located access to a YAML document. Every accessor either returns a
// valid value or throws LoadError naming the file, line and column, what was
// expected, and for a misspelled key or name the closest valid one.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/scenario/load_error.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::scenario {

class YamlReader {
 public:
  // Parses `path`; a syntax error becomes a LoadError at its position.
  static YamlReader from_file(const std::string& path);
  // Parses text held in memory; `name` stands in for the file name in errors.
  static YamlReader from_string(const std::string& text, const std::string& name);
  // A value parsed from another file and placed into this document (a
  // sweep's override): errors at it name its own file, line and column.
  struct ForeignNode {
    YAML::Node node;
    std::string file;
  };
  // A document already parsed from `file`, some of whose values come from
  // elsewhere.
  static YamlReader from_document(YAML::Node root, std::string file, std::vector<ForeignNode> foreign);

  [[nodiscard]] const YAML::Node& root() const { return root_; }
  [[nodiscard]] const std::string& file() const { return file_; }

  [[nodiscard]] SourceLocation at(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;

  // `what` names the thing in messages: "scenario", "pod 'web/cart'".
  void expect_map(const YAML::Node& node, std::string_view what) const;
  void expect_sequence(const YAML::Node& node, std::string_view what) const;
  // Rejects keys outside `allowed`, suggesting the closest allowed key.
  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                  std::string_view what) const;
  // The value under `key`, failing with "missing required key" at the map.
  [[nodiscard]] YAML::Node required(const YAML::Node& map, std::string_view key, std::string_view what) const;

  [[nodiscard]] std::string string(const YAML::Node& node, std::string_view what) const;
  [[nodiscard]] std::int64_t integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                                     std::int64_t max) const;
  [[nodiscard]] double number(const YAML::Node& node, std::string_view what, double min, double max) const;
  [[nodiscard]] bool boolean(const YAML::Node& node, std::string_view what) const;
  // "250us", "1.5ms", "30s".
  [[nodiscard]] sim::Time duration(const YAML::Node& node, std::string_view what) const;
  // Events per second from "500/s", "30/m", "2/ms" or a plain number.
  [[nodiscard]] double rate(const YAML::Node& node, std::string_view what) const;
  // Whole bytes from "2KiB", "16kB", "1MB", "512B" or a plain integer (parse_size).
  [[nodiscard]] std::uint64_t size_bytes(const YAML::Node& node, std::string_view what) const;

 private:
  YamlReader(YAML::Node root, std::string file) : root_(std::move(root)), file_(std::move(file)) {}
  YAML::Node root_;
  std::string file_;
  std::vector<ForeignNode> foreign_;
};

}  // namespace eksim::scenario
