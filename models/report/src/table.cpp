#include "eksim/report/table.hpp"

#include <algorithm>
#include <string>

namespace eksim::report {
namespace {
// Numbers, possibly with a unit ("402.9", "4.276ms", "-3"), but not
// addresses or ranges ("10.0.0.0/20", "1.2.3.4").
bool numeric(const std::string& s) {
  if (s.empty() || !((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '.')) return false;
  return s.find_first_of("/ ") == std::string::npos && std::count(s.begin(), s.end(), '.') <= 1;
}
}  // namespace

std::string Table::str() const {
  std::vector<std::size_t> width(header_.size(), 0);
  for (std::size_t c = 0; c < header_.size(); ++c) width[c] = header_[c].size();
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  // A column of numbers is right-aligned, header included.
  std::vector<bool> right(header_.size(), !rows_.empty());
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < right.size(); ++c) right[c] = right[c] && c < row.size() && numeric(row[c]);
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string& cell = c < row.size() ? row[c] : std::string();
      const std::size_t pad = width[c] - cell.size();
      if (c > 0) line += "  ";
      if (right[c]) line.append(pad, ' ');
      line += cell;
      if (!right[c]) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  };
  emit(header_);
  for (const auto& row : rows_) emit(row);
  return out;
}

}  // namespace eksim::report
