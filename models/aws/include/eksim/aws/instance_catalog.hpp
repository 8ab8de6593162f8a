// The EC2 instance types the simulator knows, read from data/instance-types.csv.
//
// Read at run time rather than compiled in, so refreshing the table (see
// data/derive_instance_table.py) needs no rebuild and a scenario or test can
// point at its own table.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/aws/instance_type.hpp"

namespace eksim::aws {

class InstanceCatalog {
 public:
  // An empty catalog; see load() and parse().
  InstanceCatalog() = default;
  // From types built in code (tests, scenario-defined types). A later entry
  // with the same name replaces an earlier one.
  explicit InstanceCatalog(std::vector<InstanceType> types);

  // <EKSIM_DATA_DIR>/instance-types.csv, the table shipped with the source.
  static std::filesystem::path default_path();

  // Reads the shipped table, or the one at `csv_path`. Returns nullopt and
  // fills `error` when the file is missing or malformed; never throws.
  static std::optional<InstanceCatalog> load(std::string* error = nullptr);
  static std::optional<InstanceCatalog> load(const std::filesystem::path& csv_path, std::string* error = nullptr);

  // Parses CSV text: a header row naming the columns (instance_type, max_enis
  // and ipv4_per_eni are required; vcpus, network_cards,
  // baseline_bandwidth_gbps, peak_bandwidth_gbps, hypervisor and bare_metal are
  // read when present; others are ignored), then one row per type. Empty
  // fields mean "unknown". Errors name `source` and the line.
  static std::optional<InstanceCatalog> parse(std::string_view csv_text, std::string_view source = "instance-types.csv",
                                              std::string* error = nullptr);

  // Exact, case-sensitive match (EC2 names are lower case), or nullptr.
  [[nodiscard]] const InstanceType* find(std::string_view name) const;
  // The closest known name to a misspelled one, or nullopt if nothing is close.
  [[nodiscard]] std::optional<std::string> suggest(std::string_view name) const;
  // find(), or nullptr with `error` set to a message such as
  // "unknown instance type 'm5.lareg' (did you mean 'm5.large'?)".
  const InstanceType* lookup(std::string_view name, std::string* error) const;

  // All types, sorted by name.
  [[nodiscard]] const std::vector<InstanceType>& types() const { return types_; }
  [[nodiscard]] std::size_t size() const { return types_.size(); }
  [[nodiscard]] bool empty() const { return types_.empty(); }

 private:
  std::vector<InstanceType> types_;  // sorted by name, unique
};

}  // namespace eksim::aws
