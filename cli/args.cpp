#include "args.hpp"

#include <stdexcept>

#include "eksim/util/closest_name.hpp"

namespace eksim::cli {

std::optional<std::string> ParsedArgs::get(const std::string& name) const {
  const auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
  ParsedArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a.compare(0, 2, "--") != 0 || a == "--") {
      if (a.size() > 1 && a[0] == '-' && a != "-") throw UsageError("unknown option '" + a + "' (options start with --)");
      out.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      std::vector<std::string> names;
      for (const auto& s : specs) names.push_back(s.name);
      const auto best = util::closest_name_in(name, names);
      throw UsageError("unknown option '--" + name + "'" + (best ? " (did you mean '--" + *best + "'?)" : ""));
    }
    if (spec->takes_value) {
      if (!value) {
        if (i + 1 >= args.size()) throw UsageError("option '--" + name + "' needs a value");
        value = args[++i];
      }
      out.options[name] = *value;
    } else {
      if (value) throw UsageError("option '--" + name + "' takes no value");
      out.options[name] = "true";
    }
  }
  return out;
}

namespace {
// A whole number for --name, or a UsageError.
std::uint64_t whole_number(const std::string& name, const std::string& text) {
  std::size_t used = 0;
  std::uint64_t value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-') {
    throw UsageError("--" + name + ": expected a whole number, got '" + text + "'");
  }
  return value;
}
}  // namespace

std::optional<std::uint64_t> seed_option(const ParsedArgs& a) {
  const auto seed = a.get("seed");
  if (!seed) return std::nullopt;
  return whole_number("seed", *seed);
}

std::optional<std::uint64_t> count_option(const ParsedArgs& a, const std::string& name) {
  const auto text = a.get(name);
  if (!text) return std::nullopt;
  const std::uint64_t value = whole_number(name, *text);
  if (value == 0) throw UsageError("--" + name + ": expected a whole number of at least 1, got '" + *text + "'");
  return value;
}

std::optional<sim::Time> duration_option(const ParsedArgs& a, const std::string& name) {
  const auto d = a.get(name);
  if (!d) return std::nullopt;
  std::string error;
  const auto duration = sim::parse_duration(*d, &error);
  if (!duration) throw UsageError("--" + name + ": " + error);
  if (*duration <= sim::Time{}) throw UsageError("--" + name + ": must be longer than 0s");
  return duration;
}

}  // namespace eksim::cli
