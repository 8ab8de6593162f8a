// A small streaming JSON writer with deterministic number formatting
// (shortest round-trip form), so equal results print equal bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eksim::report {

class JsonWriter {
 public:
  explicit JsonWriter(int indent = 2) : indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  // An array printed on one line, for short tuples such as histogram buckets.
  JsonWriter& begin_inline_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(std::uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();

  [[nodiscard]] const std::string& str() const { return out_; }

 private:
  void before_value();
  JsonWriter& close(char bracket);
  void newline();
  std::string out_;
  std::vector<bool> first_;   // per open container: no element written yet
  std::vector<bool> inline_;  // per open container: printed on one line
  bool after_key_ = false;
  int indent_;
};

std::string json_escape(std::string_view s);

}  // namespace eksim::report
