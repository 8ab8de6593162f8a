#include "eksim/scenario/yaml_reader.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "eksim/scenario/traffic_loader.hpp"
#include "eksim/util/closest_name.hpp"
#include "eksim/util/quote.hpp"

namespace eksim::scenario {
namespace {

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return util::quote(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "an undefined value";
  }
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

YAML::Node parse_or_throw(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw LoadError(SourceLocation{name, e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
}

}  // namespace

YamlReader YamlReader::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LoadError(SourceLocation{path, 0, 0}, "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  return from_string(text.str(), path);
}

YamlReader YamlReader::from_string(const std::string& text, const std::string& name) {
  return YamlReader(parse_or_throw(text, name), name);
}

YamlReader YamlReader::from_document(YAML::Node root, std::string file, std::vector<ForeignNode> foreign) {
  YamlReader r(std::move(root), std::move(file));
  r.foreign_ = std::move(foreign);
  return r;
}

SourceLocation YamlReader::at(const YAML::Node& node) const {
  const std::string* file = &file_;
  if (node.IsDefined()) {
    for (const ForeignNode& f : foreign_) {
      if (f.node.is(node)) file = &f.file;
    }
  }
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return SourceLocation{*file, 0, 0};
  return SourceLocation{*file, m.line + 1, m.column + 1};
}

void YamlReader::fail(const YAML::Node& node, const std::string& message) const {
  throw LoadError(at(node), message);
}

void YamlReader::expect_map(const YAML::Node& node, std::string_view what) const {
  if (!node.IsMap()) fail(node, std::string(what) + ": expected a mapping of keys to values, got " + describe(node));
}

void YamlReader::expect_sequence(const YAML::Node& node, std::string_view what) const {
  if (!node.IsSequence()) fail(node, std::string(what) + ": expected a list, got " + describe(node));
}

void YamlReader::check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                            std::string_view what) const {
  expect_map(map, what);
  std::set<std::string> seen;
  for (const auto& kv : map) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar()) fail(key, std::string(what) + ": keys must be plain names");
    const std::string& k = key.Scalar();
    bool known = false;
    for (std::string_view a : allowed) known = known || a == k;
    if (!known) {
      std::string msg = std::string(what) + ": unknown key " + util::quote(k) + util::did_you_mean(k, allowed);
      if (util::did_you_mean(k, allowed).empty()) {
        msg += " (expected one of:";
        for (std::string_view a : allowed) msg += " " + std::string(a);
        msg += ")";
      }
      fail(key, msg);
    }
    // yaml-cpp keeps the last of two equal keys silently; a user means one.
    if (!seen.insert(k).second) fail(key, std::string(what) + ": key " + util::quote(k) + " appears twice");
  }
}

YAML::Node YamlReader::required(const YAML::Node& map, std::string_view key, std::string_view what) const {
  expect_map(map, what);
  YAML::Node v = map[std::string(key)];
  if (!v.IsDefined() || v.IsNull()) fail(map, std::string(what) + ": missing required key " + util::quote(key));
  return v;
}

std::string YamlReader::string(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar() || node.Scalar().empty()) fail(node, std::string(what) + ": expected a name, got " + describe(node));
  return node.Scalar();
}

std::int64_t YamlReader::integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                                 std::int64_t max) const {
  if (!node.IsScalar()) fail(node, std::string(what) + ": expected a whole number, got " + describe(node));
  const std::string& s = node.Scalar();
  std::int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end || s.empty()) {
    fail(node, std::string(what) + ": expected a whole number, got " + describe(node));
  }
  if (v < min || v > max) {
    fail(node, std::string(what) + ": " + s + " is out of range [" + std::to_string(min) + ", " +
                   std::to_string(max) + "]");
  }
  return v;
}

double YamlReader::number(const YAML::Node& node, std::string_view what, double min, double max) const {
  double v = 0;
  if (!node.IsScalar() || !parse_double(node.Scalar(), v)) {
    fail(node, std::string(what) + ": expected a number, got " + describe(node));
  }
  if (v < min || v > max) {
    std::ostringstream m;
    m << what << ": " << node.Scalar() << " is out of range [" << min << ", " << max << "]";
    fail(node, m.str());
  }
  return v;
}

bool YamlReader::boolean(const YAML::Node& node, std::string_view what) const {
  // YAML 1.2 booleans only: yaml-cpp would also take "yes", "on", "y".
  if (node.IsScalar() && node.Scalar() == "true") return true;
  if (node.IsScalar() && node.Scalar() == "false") return false;
  fail(node, std::string(what) + ": expected true or false, got " + describe(node));
}

sim::Time YamlReader::duration(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) fail(node, std::string(what) + ": expected a duration such as 250us, 1.5ms or 30s, got " + describe(node));
  std::string error;
  const auto t = sim::parse_duration(node.Scalar(), &error);
  if (!t) fail(node, std::string(what) + ": " + error);
  return *t;
}

double YamlReader::rate(const YAML::Node& node, std::string_view what) const {
  const std::string expected = ": expected a rate such as 500/s, 30/m or 2/ms, got ";
  if (!node.IsScalar()) fail(node, std::string(what) + expected + describe(node));
  const std::string& s = node.Scalar();
  const auto slash = s.find('/');
  double count = 0;
  if (!parse_double(std::string_view(s).substr(0, slash), count) || count < 0) {
    fail(node, std::string(what) + expected + describe(node));
  }
  double per_second = count;
  if (slash != std::string::npos) {
    const std::string unit = s.substr(slash + 1);
    if (unit == "s") per_second = count;
    else if (unit == "ms") per_second = count * 1e3;
    else if (unit == "m" || unit == "min") per_second = count / 60.0;
    else if (unit == "h") per_second = count / 3600.0;
    else fail(node, std::string(what) + ": unknown rate unit " + util::quote(unit) + " (expected s, ms, m or h)");
  }
  return per_second;
}

std::uint64_t YamlReader::size_bytes(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) fail(node, std::string(what) + ": expected a size such as 512B, 2KiB or 1MB, got " + describe(node));
  std::string error;
  const auto bytes = parse_size(node.Scalar(), &error);
  if (!bytes) fail(node, std::string(what) + ": " + error);
  if (*bytes != std::floor(*bytes)) fail(node, std::string(what) + ": " + util::quote(node.Scalar()) + " is not a whole number of bytes");
  return static_cast<std::uint64_t>(*bytes);
}

}  // namespace eksim::scenario
