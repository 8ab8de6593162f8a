// Errors in user input (scenario files, manifests, command lines), always
// with a place: "file:line:column: what was expected (did you mean ...?)".
// The CLI turns a LoadError into exit code 2 before writing anything.
#pragma once

#include <stdexcept>
#include <string>

namespace eksim::scenario {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  [[nodiscard]] std::string str() const;
};

class LoadError : public std::runtime_error {
 public:
  LoadError(SourceLocation where, const std::string& message);
  [[nodiscard]] const SourceLocation& where() const { return where_; }
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

}  // namespace eksim::scenario
