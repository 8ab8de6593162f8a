// Typed, located reading of Kubernetes objects from yaml-cpp nodes.
//
// Values are typed the way kubectl types them: sigs.k8s.io/yaml turns YAML
// into JSON with YAML 1.1 rules, so an unquoted `true`, `yes`, `8080` or
// `1.10` is not a string, and a quoted "3" is not a number. A manifest that
// kubectl would reject for a wrong type is rejected here too, with the place.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eksim/k8s/labels.hpp"
#include "eksim/k8s/manifest_set.hpp"
#include "eksim/k8s/protocol.hpp"
#include "eksim/scenario/load_error.hpp"
#include "eksim/util/closest_name.hpp"

namespace eksim::k8s::detail {

using scenario::LoadError;
using scenario::SourceLocation;

// What a YAML scalar becomes in the JSON kubectl sends.
enum class ScalarType : std::uint8_t { String, Null, Bool, Int, Float };
ScalarType scalar_type(const YAML::Node& scalar);

// Go's strconv.ParseInt(s, 0, 64) after dropping underscores, as go-yaml
// reads a plain integer: optional sign, then decimal, 0x hex, 0o / leading-0
// octal or 0b binary.
std::optional<std::int64_t> parse_yaml_int(std::string_view text);

// A value together with where it sits: the key it is under (a null node for
// list items) and its path from the object root ("spec.ports[1].port").
struct Field {
  YAML::Node key;
  YAML::Node value;
  std::string path;
};

// Whether a mapping's schema is fully modelled. Either way an unknown key that
// is a likely misspelling of a known one is an error with the suggestion, and
// any other unknown key is a warning.
class Reader {
 public:
  Reader(std::string file, std::vector<ManifestWarning>* warnings) : file_(std::move(file)), warnings_(warnings) {}

  [[nodiscard]] const std::string& file() const { return file_; }
  // Lines before the document being read: yaml-cpp numbers lines per document.
  void set_line_offset(int lines) { line_offset_ = lines; }
  [[nodiscard]] int line_offset() const { return line_offset_; }
  // The object being read, for messages: "Deployment 'web/frontend'".
  void set_object(std::string description) { object_ = std::move(description); }
  [[nodiscard]] const std::string& object() const { return object_; }

  [[nodiscard]] SourceLocation at(const YAML::Node& node) const;
  // The value's position, or its key's when the value has none (an empty value).
  [[nodiscard]] SourceLocation at(const Field& field) const;

  // "<object>: <path>: <problem>".
  [[noreturn]] void fail(const Field& field, const std::string& problem) const;
  [[noreturn]] void fail_at(const SourceLocation& where, const std::string& path, const std::string& problem) const;
  void warn(const Field& field, const std::string& problem) const;
  void warn_at(const SourceLocation& where, const std::string& path, const std::string& problem) const;

 private:
  [[nodiscard]] std::string message(const std::string& path, const std::string& problem) const;
  std::string file_;
  std::string object_;
  int line_offset_ = 0;
  std::vector<ManifestWarning>* warnings_;
};

// A mapping, checked once: keys are plain scalars and none appears twice
// (kubectl refuses both).
class MapView {
 public:
  MapView(const Reader& reader, Field field);

  // The value under `key`; nullopt when absent or null (JSON null is "unset").
  [[nodiscard]] std::optional<Field> get(std::string_view key) const;
  // True when the key is written, even with an empty value.
  [[nodiscard]] bool has(std::string_view key) const;
  // get() or fail with "missing required field".
  [[nodiscard]] Field require(std::string_view key) const;
  [[nodiscard]] const Field& self() const { return self_; }
  [[nodiscard]] std::string child_path(std::string_view key) const;
  [[nodiscard]] std::vector<Field> entries() const;

  // Compares keys against the fields of this object's Kubernetes schema:
  // `read` are the ones imported, `known` the rest. Unknown keys close to a
  // field fail with "did you mean"; other unknown keys are warnings.
  void check_fields(std::initializer_list<std::string_view> read, std::initializer_list<std::string_view> known) const;

 private:
  const Reader* reader_;
  Field self_;
  std::vector<std::pair<YAML::Node, YAML::Node>> entries_;
};

// The field's value as a mapping (fails otherwise).
MapView read_map(const Reader& r, const Field& field);
// The field's items with their paths; a null value is an empty list.
std::vector<Field> read_list(const Reader& r, const Field& field);

std::string read_string(const Reader& r, const Field& field);
std::int64_t read_int(const Reader& r, const Field& field, std::int64_t min, std::int64_t max);
bool read_bool(const Reader& r, const Field& field);
std::uint16_t read_port_number(const Reader& r, const Field& field);
// intstr.IntOrString holding a port: an unquoted number 1..65535 or an IANA
// service name.
PortRef read_port_ref(const Reader& r, const Field& field);
Protocol read_protocol(const Reader& r, const Field& field);
std::vector<std::string> read_string_list(const Reader& r, const Field& field);
// A map of strings to strings (annotations, nodeSelector); with `labels`, keys
// and values must also be valid label keys and values.
Labels read_string_map(const Reader& r, const Field& field, bool labels);

// One of `names` (case-sensitive, as Kubernetes enums are), returned as its index.
std::size_t read_choice(const Reader& r, const Field& field, std::initializer_list<std::string_view> names);

template <typename Enum>
Enum read_enum(const Reader& r, const Field& field, std::initializer_list<std::string_view> names) {
  return static_cast<Enum>(read_choice(r, field, names));
}

// "'x'".
std::string quoted(std::string_view text);
// "A, B or C".
std::string one_of(std::initializer_list<std::string_view> names);

}  // namespace eksim::k8s::detail
