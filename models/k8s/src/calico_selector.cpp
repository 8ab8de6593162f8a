#include "eksim/k8s/calico_selector.hpp"

#include <algorithm>

namespace eksim::k8s {
namespace {

// Deep enough for any selector a person writes; stops crafted input from
// exhausting the stack in the recursive parser and evaluator.
constexpr int kMaxNesting = 100;

bool key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '/' || c == '-';
}

void append_quoted(std::string& out, const std::string& value) {
  const char quote = value.find('"') == std::string::npos ? '"' : '\'';
  out += quote;
  out += value;
  out += quote;
}

}  // namespace

CalicoSelectorError::CalicoSelectorError(std::size_t column, const std::string& problem)
    : std::invalid_argument("column " + std::to_string(column) + ": " + problem), column_(column), problem_(problem) {}

// Recursive descent over the characters, with libcalico-go's tokenizer rules
// inlined: the tokenizer's decisions depend on the previous token (after a
// key, "in" is an operator; elsewhere it is a key), which a parser that knows
// where it is gets for free.
class CalicoSelector::Parser {
 public:
  Parser(CalicoSelector& out, std::string_view text) : out_(out), text_(text) {}

  std::uint32_t parse_root() {
    skip_space();
    if (at_end()) return add(Node{Op::All, 0, 0, 0, 0});
    const std::uint32_t root = parse_or(0);
    skip_space();
    if (!at_end()) fail(pos_, "unexpected '" + std::string(1, text_[pos_]) + "' after a complete expression");
    return root;
  }

 private:
  [[noreturn]] void fail(std::size_t at, const std::string& problem) const {
    throw CalicoSelectorError(at + 1, problem);
  }
  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  void skip_space() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  [[nodiscard]] bool starts_with(std::string_view word) const { return text_.substr(pos_).starts_with(word); }

  std::uint32_t add(const Node& node) {
    out_.nodes_.push_back(node);
    return static_cast<std::uint32_t>(out_.nodes_.size() - 1);
  }
  std::uint32_t add_string(std::string_view s) {
    out_.strings_.emplace_back(s);
    return static_cast<std::uint32_t>(out_.strings_.size() - 1);
  }

  // One or more && groups joined by ||.
  std::uint32_t parse_or(int depth) {
    std::vector<std::uint32_t> terms{parse_and(depth)};
    while (true) {
      skip_space();
      if (at_end() || text_[pos_] != '|') break;
      if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '|') fail(pos_, "expected '||' ('|' alone is no operator)");
      pos_ += 2;
      terms.push_back(parse_and(depth));
    }
    return group(Op::Or, terms);
  }

  // One or more operations joined by &&.
  std::uint32_t parse_and(int depth) {
    std::vector<std::uint32_t> terms{parse_operation(depth)};
    while (true) {
      skip_space();
      if (at_end() || text_[pos_] != '&') break;
      if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '&') fail(pos_, "expected '&&' ('&' alone is no operator)");
      pos_ += 2;
      terms.push_back(parse_operation(depth));
    }
    return group(Op::And, terms);
  }

  std::uint32_t group(Op op, const std::vector<std::uint32_t>& terms) {
    if (terms.size() == 1) return terms.front();
    const auto first = static_cast<std::uint32_t>(out_.children_.size());
    out_.children_.insert(out_.children_.end(), terms.begin(), terms.end());
    return add(Node{op, 0, 0, first, static_cast<std::uint32_t>(terms.size())});
  }

  // A possibly negated has(), all(), global(), comparison or parenthesised expression.
  std::uint32_t parse_operation(int depth) {
    bool negated = false;
    skip_space();
    // Calico folds any run of '!' into one negation or none.
    while (!at_end() && text_[pos_] == '!' && !(pos_ + 1 < text_.size() && text_[pos_ + 1] == '=')) {
      negated = !negated;
      ++pos_;
      skip_space();
    }
    const std::uint32_t operand = parse_primary(depth);
    return negated ? add(Node{Op::Not, 0, operand, 0, 0}) : operand;
  }

  std::uint32_t parse_primary(int depth) {
    if (at_end()) fail(pos_, "unexpected end of selector; expected an expression");
    const std::size_t start = pos_;
    const char c = text_[pos_];
    if (c == '(') {
      if (depth >= kMaxNesting) fail(pos_, "parentheses nested more than 100 deep");
      ++pos_;
      const std::uint32_t inner = parse_or(depth + 1);
      skip_space();
      if (at_end() || text_[pos_] != ')')
        fail(pos_, "expected ')' to close the '(' at column " + std::to_string(start + 1));
      ++pos_;
      return inner;
    }
    if (starts_with("has(")) {
      pos_ += 4;
      skip_space();
      const std::string_view key = read_key();
      if (key.empty()) fail(pos_, "expected a label name in has(...)");
      skip_space();
      if (at_end() || text_[pos_] != ')') fail(pos_, "expected ')' after has(" + std::string(key));
      ++pos_;
      return add(Node{Op::Has, add_string(key), 0, 0, 0});
    }
    if (starts_with("all(")) {
      pos_ += 4;
      skip_space();
      if (at_end() || text_[pos_] != ')') fail(pos_, "expected ')' after all(: all() takes no arguments");
      ++pos_;
      return add(Node{Op::All, 0, 0, 0, 0});
    }
    if (starts_with("global(")) {
      pos_ += 7;
      skip_space();
      if (at_end() || text_[pos_] != ')') fail(pos_, "expected ')' after global(: global() takes no arguments");
      ++pos_;
      return add(Node{Op::Global, 0, 0, 0, 0});
    }
    const std::string_view key = read_key();
    if (key.empty()) {
      if (c == '\'' || c == '"') fail(pos_, "expected a label name before a quoted value");
      if (c == ')') fail(pos_, "unexpected ')'; expected an expression");
      fail(pos_, "unexpected '" + std::string(1, c) + "'; expected a label name, has(), all(), '!' or '('");
    }
    return parse_comparison(key);
  }

  std::string_view read_key() {
    const std::size_t start = pos_;
    while (!at_end() && key_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  std::uint32_t parse_comparison(std::string_view key) {
    skip_space();
    const std::string bad_operator = "expected an operator after '" + std::string(key) +
                                     "' (==, !=, in, not in, contains, starts with or ends with)";
    if (at_end()) fail(pos_, bad_operator);
    Op op = Op::Eq;
    if (starts_with("==")) {
      pos_ += 2;
    } else if (starts_with("!=")) {
      op = Op::Ne;
      pos_ += 2;
    } else if (text_[pos_] == '=') {
      fail(pos_, "expected '==' (a single '=' is not a Calico operator)");
    } else if (starts_with("contains")) {
      op = Op::Contains;
      pos_ += 8;
    } else if (starts_with("starts")) {
      pos_ += 6;
      skip_space();
      if (!starts_with("with")) fail(pos_, "expected 'with' after 'starts'");
      op = Op::StartsWith;
      pos_ += 4;
    } else if (starts_with("ends")) {
      pos_ += 4;
      skip_space();
      if (!starts_with("with")) fail(pos_, "expected 'with' after 'ends'");
      op = Op::EndsWith;
      pos_ += 4;
    } else if (starts_with("not")) {
      pos_ += 3;
      skip_space();
      if (!starts_with("in")) fail(pos_, "expected 'in' after 'not'");
      op = Op::NotIn;
      pos_ += 2;
    } else if (starts_with("in")) {
      op = Op::In;
      pos_ += 2;
    } else {
      fail(pos_, bad_operator);
    }
    const std::uint32_t key_index = add_string(key);
    if (op == Op::In || op == Op::NotIn) return parse_set(op, key_index);
    skip_space();
    const std::string_view value = read_string("a quoted value");
    return add(Node{op, key_index, add_string(value), 0, 0});
  }

  // {'a', "b", ...}: zero or more values; as in Calico a trailing comma is accepted.
  std::uint32_t parse_set(Op op, std::uint32_t key_index) {
    skip_space();
    if (at_end() || text_[pos_] != '{') fail(pos_, "expected '{' to start the set of values");
    const std::size_t open = pos_;
    ++pos_;
    std::vector<std::string> values;
    while (true) {
      skip_space();
      if (at_end() || (text_[pos_] != '\'' && text_[pos_] != '"')) break;
      values.emplace_back(read_string("a quoted value"));
      skip_space();
      if (at_end() || text_[pos_] != ',') break;
      ++pos_;
    }
    skip_space();
    if (at_end() || text_[pos_] != '}') {
      fail(pos_, "expected a quoted value, ',' or '}' to close the set opened at column " + std::to_string(open + 1));
    }
    ++pos_;
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    const auto first = static_cast<std::uint32_t>(out_.set_values_.size());
    for (std::string& v : values) out_.set_values_.push_back(std::move(v));
    return add(Node{op, key_index, 0, first, static_cast<std::uint32_t>(values.size())});
  }

  std::string_view read_string(const char* what) {
    if (at_end() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      fail(pos_, std::string("expected ") + what + " in single or double quotes");
    }
    const char quote = text_[pos_];
    const std::size_t open = pos_;
    const std::size_t close = text_.find(quote, pos_ + 1);
    if (close == std::string_view::npos) fail(open, "unterminated string: no closing " + std::string(1, quote));
    pos_ = close + 1;
    return text_.substr(open + 1, close - open - 1);
  }

  CalicoSelector& out_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

CalicoSelector::CalicoSelector() { nodes_.push_back(Node{Op::All, 0, 0, 0, 0}); }

CalicoSelector CalicoSelector::parse(std::string_view text) {
  CalicoSelector s;
  s.nodes_.clear();
  s.text_ = std::string(text);
  Parser parser(s, text);
  s.root_ = parser.parse_root();
  return s;
}

bool CalicoSelector::eval(std::uint32_t index, const Labels& labels) const {
  const Node& n = nodes_[index];
  switch (n.op) {
    case Op::All:
    case Op::Global:
      return true;
    case Op::Not:
      return !eval(n.value, labels);
    case Op::And:
      for (std::uint32_t i = 0; i < n.count; ++i) {
        if (!eval(children_[n.first + i], labels)) return false;
      }
      return true;
    case Op::Or:
      for (std::uint32_t i = 0; i < n.count; ++i) {
        if (eval(children_[n.first + i], labels)) return true;
      }
      return false;
    default:
      break;
  }
  const auto it = labels.find(strings_[n.key]);
  const bool present = it != labels.end();
  switch (n.op) {
    case Op::Has:
      return present;
    case Op::Eq:
      return present && it->second == strings_[n.value];
    case Op::Ne:
      return !present || it->second != strings_[n.value];
    case Op::Contains:
      return present && it->second.find(strings_[n.value]) != std::string::npos;
    case Op::StartsWith:
      return present && std::string_view(it->second).starts_with(strings_[n.value]);
    case Op::EndsWith:
      return present && std::string_view(it->second).ends_with(strings_[n.value]);
    case Op::In:
    case Op::NotIn: {
      const auto begin = set_values_.begin() + n.first;
      const bool listed = present && std::binary_search(begin, begin + n.count, it->second);
      return n.op == Op::In ? listed : !listed;
    }
    default:
      return false;
  }
}

bool CalicoSelector::matches(const Labels& labels) const { return eval(root_, labels); }

void CalicoSelector::append(std::uint32_t index, std::string& out) const {
  const Node& n = nodes_[index];
  const auto comparison = [&](std::string_view op) {
    out += strings_[n.key];
    out += op;
    append_quoted(out, strings_[n.value]);
  };
  switch (n.op) {
    case Op::All:
      out += "all()";
      return;
    case Op::Global:
      out += "global()";
      return;
    case Op::Has:
      out += "has(" + strings_[n.key] + ")";
      return;
    case Op::Eq:
      return comparison(" == ");
    case Op::Ne:
      return comparison(" != ");
    case Op::Contains:
      return comparison(" contains ");
    case Op::StartsWith:
      return comparison(" starts with ");
    case Op::EndsWith:
      return comparison(" ends with ");
    case Op::In:
    case Op::NotIn:
      out += strings_[n.key];
      out += n.op == Op::In ? " in {" : " not in {";
      for (std::uint32_t i = 0; i < n.count; ++i) {
        if (i > 0) out += ", ";
        append_quoted(out, set_values_[n.first + i]);
      }
      out += '}';
      return;
    case Op::Not:
      out += '!';
      append(n.value, out);
      return;
    case Op::And:
    case Op::Or:
      out += '(';
      for (std::uint32_t i = 0; i < n.count; ++i) {
        if (i > 0) out += n.op == Op::And ? " && " : " || ";
        append(children_[n.first + i], out);
      }
      out += ')';
      return;
  }
}

std::string CalicoSelector::to_string() const {
  std::string out;
  append(root_, out);
  return out;
}

bool CalicoSelector::selects_all() const { return nodes_[root_].op == Op::All; }

bool CalicoSelector::uses_global() const {
  return std::any_of(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.op == Op::Global; });
}

bool CalicoSelector::is_global() const { return nodes_[root_].op == Op::Global; }

}  // namespace eksim::k8s
