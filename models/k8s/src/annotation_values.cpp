#include "annotation_values.hpp"

namespace eksim::k8s::detail {

bool read_go_bool(const Reader& r, const Field& field) {
  const std::string v = read_string(r, field);
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (v == t) return true;
  }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (v == f) return false;
  }
  r.fail(field, "expected \"true\" or \"false\", got " + quoted(v));
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? s.size() : comma;
    std::string part = trim(s.substr(start, end - start));
    if (!part.empty()) parts.push_back(std::move(part));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parts;
}

std::vector<std::pair<std::string, std::string>> read_key_value_pairs(const Reader& r, const Field& field) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& pair : split_commas(read_string(r, field))) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      r.fail(field, "expected key=value pairs separated by commas, got " + quoted(pair));
    }
    pairs.emplace_back(trim(std::string_view(pair).substr(0, eq)), trim(std::string_view(pair).substr(eq + 1)));
  }
  return pairs;
}

}  // namespace eksim::k8s::detail
