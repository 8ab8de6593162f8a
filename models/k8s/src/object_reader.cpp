#include "object_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <set>

#include "name_rules.hpp"

namespace eksim::k8s::detail {
namespace {

bool in(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// go-yaml v2's YAML 1.1 booleans.
constexpr std::array<std::string_view, 11> kTrueWords = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                                         "True", "TRUE", "on",  "On",  "ON"};
constexpr std::array<std::string_view, 11> kFalseWords = {"n",     "N",     "no",  "No",  "NO", "false",
                                                          "False", "FALSE", "off", "Off", "OFF"};

bool is_word(std::string_view s, const std::array<std::string_view, 11>& words) {
  return std::find(words.begin(), words.end(), s) != words.end();
}

bool is_digits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (const char c : s) {
    int v = -1;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    if (v < 0 || v >= base) return false;
  }
  return true;
}

// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool is_yaml_float(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  } else {
    if (!digits()) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

ScalarType plain_type(std::string_view s) {
  if (s.empty() || in(s, {"~", "null", "Null", "NULL"})) return ScalarType::Null;
  if (is_word(s, kTrueWords) || is_word(s, kFalseWords)) return ScalarType::Bool;
  if (in(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"})) {
    return ScalarType::Float;
  }
  const char c = s.front();
  if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return ScalarType::String;
  std::string plain;
  for (const char ch : s) {
    if (ch != '_') plain += ch;
  }
  if (parse_yaml_int(plain)) return ScalarType::Int;
  // Too large for 64 bits but written as an integer: still a number to kubectl.
  std::string_view body = plain;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  if (is_digits(body, 10)) return ScalarType::Int;
  if (is_yaml_float(plain)) return ScalarType::Float;
  return ScalarType::String;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      break;
    default:
      return "an undefined value";
  }
  switch (scalar_type(node)) {
    case ScalarType::Int:
      return "the number " + node.Scalar();
    case ScalarType::Float:
      return "the number " + node.Scalar();
    case ScalarType::Bool:
      return "the boolean " + node.Scalar();
    case ScalarType::Null:
      return "nothing";
    case ScalarType::String:
      break;
  }
  return quoted(node.Scalar());
}

std::string join_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path = parent;
  path += '.';
  path.append(key);
  return path;
}

bool valid_mark(const YAML::Node& node) { return node.IsDefined() && node.Mark().line >= 0; }

}  // namespace

std::string quoted(std::string_view text) {
  std::string q = "'";
  q.append(text);
  q += '\'';
  return q;
}

std::string one_of(std::initializer_list<std::string_view> names) {
  std::string out;
  std::size_t i = 0;
  for (const std::string_view n : names) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out.append(n);
    ++i;
  }
  return out;
}

std::optional<std::int64_t> parse_yaml_int(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
    base = 2;
    text.remove_prefix(2);
  } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'O')) {
    base = 8;
    text.remove_prefix(2);
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    text.remove_prefix(1);
  }
  if (!is_digits(text, base)) return std::nullopt;
  std::uint64_t magnitude = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > kMax + 1) return std::nullopt;
    return magnitude == kMax + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMax) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

ScalarType scalar_type(const YAML::Node& scalar) {
  if (!scalar.IsDefined() || scalar.IsNull()) return ScalarType::Null;
  const std::string& tag = scalar.Tag();
  if (tag == "?") return plain_type(scalar.Scalar());
  if (tag == "tag:yaml.org,2002:int") return ScalarType::Int;
  if (tag == "tag:yaml.org,2002:float") return ScalarType::Float;
  if (tag == "tag:yaml.org,2002:bool") return ScalarType::Bool;
  if (tag == "tag:yaml.org,2002:null") return ScalarType::Null;
  // "!" (quoted), !!str and any local tag: the text stays a string.
  return ScalarType::String;
}

// ---------------------------------------------------------------------------

SourceLocation Reader::at(const YAML::Node& node) const {
  if (!valid_mark(node)) return SourceLocation{file_, 0, 0};
  const YAML::Mark m = node.Mark();
  return SourceLocation{file_, m.line + 1 + line_offset_, m.column + 1};
}

SourceLocation Reader::at(const Field& field) const {
  // yaml-cpp places an empty value at the next token, often on a later line;
  // the key is where a reader looks.
  if (valid_mark(field.value) && !field.value.IsNull()) return at(field.value);
  if (valid_mark(field.key)) return at(field.key);
  return at(field.value);
}

std::string Reader::message(const std::string& path, const std::string& problem) const {
  std::string m = object_;
  if (!path.empty()) {
    if (!m.empty()) m += ": ";
    m += path;
  }
  if (!m.empty()) m += ": ";
  m += problem;
  return m;
}

void Reader::fail(const Field& field, const std::string& problem) const { fail_at(at(field), field.path, problem); }

void Reader::fail_at(const SourceLocation& where, const std::string& path, const std::string& problem) const {
  throw LoadError(where, message(path, problem));
}

void Reader::warn(const Field& field, const std::string& problem) const { warn_at(at(field), field.path, problem); }

void Reader::warn_at(const SourceLocation& where, const std::string& path, const std::string& problem) const {
  if (warnings_ != nullptr) warnings_->push_back(ManifestWarning{where, message(path, problem)});
}

// ---------------------------------------------------------------------------

MapView::MapView(const Reader& reader, Field field) : reader_(&reader), self_(std::move(field)) {
  if (!self_.value.IsMap()) reader.fail(self_, "expected a mapping of fields, got " + describe(self_.value));
  std::set<std::string, std::less<>> seen;
  for (auto it = self_.value.begin(); it != self_.value.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      reader.fail(Field{key, key, self_.path}, "field names must be plain text, got " + describe(key));
    }
    if (!seen.insert(key.Scalar()).second) {
      reader.fail(Field{key, key, join_path(self_.path, key.Scalar())},
                  "field " + quoted(key.Scalar()) + " is written twice (kubectl rejects duplicate keys)");
    }
    entries_.emplace_back(key, it->second);
  }
}

std::string MapView::child_path(std::string_view key) const { return join_path(self_.path, key); }

bool MapView::has(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const auto& e) { return e.first.Scalar() == key; });
}

std::optional<Field> MapView::get(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k.Scalar() != key) continue;
    if (v.IsNull()) return std::nullopt;
    return Field{k, v, child_path(key)};
  }
  return std::nullopt;
}

Field MapView::require(std::string_view key) const {
  if (auto f = get(key)) return *f;
  for (const auto& [k, v] : entries_) {
    if (k.Scalar() == key) reader_->fail(Field{k, v, child_path(key)}, "a value is required");
  }
  reader_->fail(self_, "missing required field " + quoted(key));
}

std::vector<Field> MapView::entries() const {
  std::vector<Field> out;
  out.reserve(entries_.size());
  for (const auto& [k, v] : entries_) out.push_back(Field{k, v, child_path(k.Scalar())});
  return out;
}

void MapView::check_fields(std::initializer_list<std::string_view> read,
                           std::initializer_list<std::string_view> known) const {
  std::vector<std::string_view> all(read);
  all.insert(all.end(), known.begin(), known.end());
  for (const auto& [k, v] : entries_) {
    const std::string& name = k.Scalar();
    if (std::find(all.begin(), all.end(), name) != all.end()) continue;
    const Field field{k, k, child_path(name)};
    if (const auto best = util::closest_name(name, all)) {
      reader_->fail(field, "unknown field " + quoted(name) + " (did you mean " + quoted(*best) + "?)");
    }
    reader_->warn(field, "unknown field " + quoted(name) + " is ignored");
  }
}

// ---------------------------------------------------------------------------

MapView read_map(const Reader& r, const Field& field) { return MapView(r, field); }

std::vector<Field> read_list(const Reader& r, const Field& field) {
  std::vector<Field> items;
  if (field.value.IsNull()) return items;
  if (!field.value.IsSequence()) r.fail(field, "expected a list, got " + describe(field.value));
  std::size_t i = 0;
  for (auto it = field.value.begin(); it != field.value.end(); ++it, ++i) {
    items.push_back(Field{YAML::Node(), *it, field.path + "[" + std::to_string(i) + "]"});
  }
  return items;
}

std::string read_string(const Reader& r, const Field& field) {
  const YAML::Node& v = field.value;
  if (v.IsNull()) return {};
  if (!v.IsScalar()) r.fail(field, "expected a string, got " + describe(v));
  const ScalarType type = scalar_type(v);
  if (type == ScalarType::Null) return {};
  if (type != ScalarType::String) {
    r.fail(field, "expected a string, got " + describe(v) + "; quote it (\"" + v.Scalar() +
                      "\"), as kubectl would otherwise reject it");
  }
  return v.Scalar();
}

std::int64_t read_int(const Reader& r, const Field& field, std::int64_t min, std::int64_t max) {
  const YAML::Node& v = field.value;
  const std::string range = " (from " + std::to_string(min) + " to " + std::to_string(max) + ")";
  if (!v.IsScalar()) r.fail(field, "expected a whole number" + range + ", got " + describe(v));
  const ScalarType type = scalar_type(v);
  if (type == ScalarType::String && parse_yaml_int(v.Scalar())) {
    r.fail(field, "expected a whole number, got the string \"" + v.Scalar() +
                      "\"; write it without quotes, as kubectl would otherwise reject it");
  }
  if (type != ScalarType::Int) r.fail(field, "expected a whole number" + range + ", got " + describe(v));
  std::string plain;
  for (const char c : v.Scalar()) {
    if (c != '_') plain += c;
  }
  const auto value = parse_yaml_int(plain);
  if (!value || *value < min || *value > max) {
    r.fail(field, v.Scalar() + " is out of range: expected a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max));
  }
  return *value;
}

bool read_bool(const Reader& r, const Field& field) {
  const YAML::Node& v = field.value;
  if (v.IsScalar() && scalar_type(v) == ScalarType::Bool) return is_word(v.Scalar(), kTrueWords);
  r.fail(field, "expected true or false, got " + describe(v));
}

std::uint16_t read_port_number(const Reader& r, const Field& field) {
  return static_cast<std::uint16_t>(read_int(r, field, 1, 65535));
}

PortRef read_port_ref(const Reader& r, const Field& field) {
  const YAML::Node& v = field.value;
  if (!v.IsScalar()) r.fail(field, "expected a port number (1 to 65535) or a port name, got " + describe(v));
  const ScalarType type = scalar_type(v);
  if (type == ScalarType::Int) return PortRef::of_number(read_port_number(r, field));
  if (type != ScalarType::String) {
    r.fail(field, "expected a port number (1 to 65535) or a port name, got " + describe(v));
  }
  const std::string& name = v.Scalar();
  if (parse_yaml_int(name)) {
    r.fail(field, "\"" + name +
                      "\" is quoted, so Kubernetes reads it as a port name, and port names must contain a "
                      "letter; write " +
                      name + " without quotes for a port number");
  }
  if (const std::string problem = port_name_problem(name); !problem.empty()) {
    r.fail(field, "invalid port name " + quoted(name) + ": " + problem);
  }
  return PortRef::of_name(name);
}

std::size_t read_choice(const Reader& r, const Field& field, std::initializer_list<std::string_view> names) {
  const YAML::Node& v = field.value;
  if (!v.IsScalar() || scalar_type(v) != ScalarType::String) {
    r.fail(field, "expected " + one_of(names) + ", got " + describe(v));
  }
  const std::string& text = v.Scalar();
  std::size_t i = 0;
  for (const std::string_view n : names) {
    if (n == text) return i;
    ++i;
  }
  const std::vector<std::string_view> candidates(names);
  r.fail(field, "expected " + one_of(names) + ", got " + quoted(text) + util::did_you_mean(text, candidates));
}

Protocol read_protocol(const Reader& r, const Field& field) {
  return read_enum<Protocol>(r, field, {"TCP", "UDP", "SCTP"});
}

std::vector<std::string> read_string_list(const Reader& r, const Field& field) {
  std::vector<std::string> out;
  for (const Field& item : read_list(r, field)) out.push_back(read_string(r, item));
  return out;
}

Labels read_string_map(const Reader& r, const Field& field, bool labels) {
  Labels out;
  const MapView map = read_map(r, field);
  for (const Field& entry : map.entries()) {
    const std::string& key = entry.key.Scalar();
    const std::string value = read_string(r, entry);
    if (labels) {
      if (const std::string problem = label_key_problem(key); !problem.empty()) {
        r.fail(Field{entry.key, entry.key, entry.path}, "invalid label key " + quoted(key) + ": " + problem);
      }
      if (const std::string problem = label_value_problem(value); !problem.empty()) {
        r.fail(entry, "invalid label value " + quoted(value) + ": " + problem);
      }
    } else if (const std::string problem = label_key_problem(key); !problem.empty()) {
      r.fail(Field{entry.key, entry.key, entry.path}, "invalid key " + quoted(key) + ": " + problem);
    }
    out.emplace(key, value);
  }
  return out;
}

}  // namespace eksim::k8s::detail
