// Calico's selector language (projectcalico.org/v3 policies, docs.tigera.io
// "Selectors"), parsed once and matched against label sets many times.
//
//   k == 'v'          k has the value v
//   k != 'v'          k is absent or has another value
//   has(k), !has(k)   k is present / absent
//   k in {'a','b'}    k is present with one of the values
//   k not in {...}    k is absent or has none of the values
//   k contains 's', k starts with 's', k ends with 's'   (false when k is absent)
//   all()             everything in the selector's scope (so is the empty selector)
//   global()          in an EntityRule namespaceSelector only: non-namespaced
//                     endpoints (host endpoints, global network sets), no pod
//   !e, e && e, e || e, ( e )   with ! binding tightest, then &&, then ||
//
// Keys are runs of [A-Za-z0-9_./-]; strings are quoted with ' or " and have no
// escapes. Only spaces and tabs separate tokens. This follows libcalico-go's
// tokenizer and parser, so a selector loads here exactly when Calico accepts it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "eksim/k8s/labels.hpp"

namespace eksim::k8s {

// A selector Calico would reject. column() is 1-based within the selector
// text, so a loader can add it to where the text starts in its file.
class CalicoSelectorError : public std::invalid_argument {
 public:
  CalicoSelectorError(std::size_t column, const std::string& problem);
  [[nodiscard]] std::size_t column() const { return column_; }
  [[nodiscard]] const std::string& problem() const { return problem_; }

 private:
  std::size_t column_;
  std::string problem_;
};

class CalicoSelector {
 public:
  // The empty selector: all().
  CalicoSelector();

  // Throws CalicoSelectorError naming the column of the first problem.
  static CalicoSelector parse(std::string_view text);

  // Evaluates the expression. global() evaluates true here, as in Calico's own
  // evaluator; what it restricts (which endpoints are in scope at all) is the
  // caller's to apply, through uses_global().
  [[nodiscard]] bool matches(const Labels& labels) const;

  // Calico's canonical form (libcalico-go Selector.String()): values in
  // double quotes (single when they hold a double quote), every && and ||
  // group in parentheses, set members sorted and deduplicated, double
  // negations dropped. "all()" for the empty selector.
  [[nodiscard]] std::string to_string() const;
  // The text as written.
  [[nodiscard]] const std::string& text() const { return text_; }
  // True for "", "all()" and anything that reduces to all() alone.
  [[nodiscard]] bool selects_all() const;
  // True when global() appears anywhere in the expression.
  [[nodiscard]] bool uses_global() const;
  // True when the whole expression is global().
  [[nodiscard]] bool is_global() const;

 private:
  enum class Op : std::uint8_t { All, Global, Has, Eq, Ne, In, NotIn, Contains, StartsWith, EndsWith, Not, And, Or };
  // One node of the expression tree, stored flat: children are indices into
  // nodes_ (Not) or into children_ (And, Or); strings are indices into
  // strings_; an In / NotIn set is a sorted range of set_values_.
  struct Node {
    Op op = Op::All;
    std::uint32_t key = 0;    // Has and comparisons: strings_ index
    std::uint32_t value = 0;  // comparisons: strings_ index; Not: child node
    std::uint32_t first = 0;  // And, Or: children_ start; In, NotIn: set_values_ start
    std::uint32_t count = 0;  // And, Or, In, NotIn: how many
  };
  class Parser;

  [[nodiscard]] bool eval(std::uint32_t node, const Labels& labels) const;
  void append(std::uint32_t node, std::string& out) const;

  std::string text_;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> children_;
  std::vector<std::string> strings_;
  std::vector<std::string> set_values_;
  std::uint32_t root_ = 0;
};

}  // namespace eksim::k8s
