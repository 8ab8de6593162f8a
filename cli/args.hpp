// Command-line parsing for the eksim subcommands: "--name value",
// "--name=value" and boolean flags, with did-you-mean for unknown options.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "eksim/sim/time.hpp"

namespace eksim::cli {

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value;
  std::string help;
};

struct ParsedArgs {
  std::map<std::string, std::string> options;  // flags map to "true"
  std::vector<std::string> positional;
  [[nodiscard]] bool has(const std::string& name) const { return options.count(name) != 0; }
  [[nodiscard]] std::optional<std::string> get(const std::string& name) const;
};

// Throws UsageError on an unknown option or a missing value.
ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --seed N: a whole number, when given.
std::optional<std::uint64_t> seed_option(const ParsedArgs& a);
// --NAME N: a whole number of at least 1, when given.
std::optional<std::uint64_t> count_option(const ParsedArgs& a, const std::string& name);
// --duration D (or another option naming a duration): above zero ("30s"), when given.
std::optional<sim::Time> duration_option(const ParsedArgs& a, const std::string& name = "duration");

}  // namespace eksim::cli
