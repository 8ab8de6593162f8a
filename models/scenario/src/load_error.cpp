#include "eksim/scenario/load_error.hpp"

namespace eksim::scenario {

std::string SourceLocation::str() const {
  std::string s = file;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (column > 0) s += ':' + std::to_string(column);
  }
  return s;
}

LoadError::LoadError(SourceLocation where, const std::string& message)
    : std::runtime_error(where.str() + ": " + message), where_(std::move(where)), message_(message) {}

}  // namespace eksim::scenario
