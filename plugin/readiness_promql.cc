// A PromQL scanner for the selectors an expression reads (see readiness_promql.h). Identifiers
// followed by "(" are functions or aggregations; the parenthesised lists after by, without, on,
// ignoring, group_left and group_right are label names; strings, numbers, durations and ranges are
// skipped whole.

#include "plugin/readiness_promql.h"

#include <algorithm>
#include <cctype>

#include <re2/re2.h>

namespace haguard::plugin {

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  PromScan run() {
    PromScan out;
    while (error_.empty()) {
      skip_space();
      if (i_ >= s_.size()) break;
      const char c = s_[i_];
      if (c == '"' || c == '\'' || c == '`') {
        std::string ignored;
        read_string(ignored);
      } else if (c == '{') {
        PromSelector sel;
        read_matchers(sel);
        out.selectors.push_back(std::move(sel));
      } else if (c == '[') {
        skip_balanced('[', ']');
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
        while (i_ < s_.size() && (ident_char(s_[i_]) || s_[i_] == '.')) ++i_;
      } else if (ident_start(c)) {
        read_identifier(out);
      } else {
        ++i_;  // operators, parentheses, commas, '@'
      }
    }
    out.error = error_;
    return out;
  }

 private:
  void read_identifier(PromScan& out) {
    const std::size_t start = i_;
    while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
    const std::string word(s_.substr(start, i_ - start));
    const std::string key = lower(word);
    skip_space();
    const bool call = i_ < s_.size() && s_[i_] == '(';
    if (key == "by" || key == "without" || key == "on" || key == "ignoring" ||
        key == "group_left" || key == "group_right") {
      if (call) skip_balanced('(', ')');
      return;
    }
    // An aggregation with its grouping first: `sum by (namespace) (...)`.
    if (next_is_word("by") || next_is_word("without")) return;
    if (call || key == "and" || key == "or" || key == "unless" || key == "bool" ||
        key == "offset" || key == "atan2" || key == "inf" || key == "nan")
      return;
    PromSelector sel;
    sel.metric = word;
    if (i_ < s_.size() && s_[i_] == '{') read_matchers(sel);
    out.selectors.push_back(std::move(sel));
  }

  /// Whether the next token is the keyword `w` (not a longer identifier starting with it).
  bool next_is_word(std::string_view w) const {
    const std::string_view rest = s_.substr(i_);
    return rest.starts_with(w) && (rest.size() == w.size() || !ident_char(rest[w.size()]));
  }

  void read_matchers(PromSelector& sel) {
    ++i_;  // '{'
    for (;;) {
      skip_space();
      if (i_ >= s_.size()) return fail("unterminated '{'");
      if (s_[i_] == '}') break;
      std::string label;
      const bool quoted = s_[i_] == '"' || s_[i_] == '\'' || s_[i_] == '`';
      if (quoted) {
        if (!read_string(label)) return;
      } else if (ident_start(s_[i_])) {
        const std::size_t start = i_;
        while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
        label = std::string(s_.substr(start, i_ - start));
      } else {
        return fail(std::string("unexpected '") + s_[i_] + "' in a label matcher");
      }
      skip_space();
      std::string op;
      for (const char* candidate : {"=~", "!~", "!=", "="})
        if (s_.substr(i_).starts_with(candidate)) {
          op = candidate;
          break;
        }
      if (op.empty()) {
        if (!quoted) return fail("label matcher " + label + " has no operator");
        sel.metric = label;  // {"metric.name"}: a quoted metric name (Prometheus 3)
      } else {
        i_ += op.size();
        skip_space();
        std::string value;
        if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\'' && s_[i_] != '`'))
          return fail("label matcher " + label + op + " has no quoted value");
        if (!read_string(value)) return;
        if (label == "__name__" && op == "=")
          sel.metric = value;
        else
          sel.matchers.push_back({label, op, value});
      }
      skip_space();
      if (i_ < s_.size() && s_[i_] == ',') ++i_;
    }
    ++i_;  // '}'
  }

  /// Reads a Go-style string literal ("..." and '...' with escapes, `...` raw) into `out`.
  bool read_string(std::string& out) {
    const char quote = s_[i_++];
    for (; i_ < s_.size(); ++i_) {
      char c = s_[i_];
      if (c == quote) {
        ++i_;
        return true;
      }
      if (c == '\\' && quote != '`' && i_ + 1 < s_.size()) {
        c = s_[++i_];
        switch (c) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '\\': case '"': case '\'': out += c; break;
          default: out += '\\'; out += c;  // kept as written: a regex escape such as \d
        }
        continue;
      }
      out += c;
    }
    fail("unterminated string");
    return false;
  }

  void skip_balanced(char open, char close) {
    int depth = 0;
    for (; i_ < s_.size(); ++i_) {
      const char c = s_[i_];
      if (c == '"' || c == '\'' || c == '`') {
        std::string ignored;
        if (!read_string(ignored)) return;
        --i_;
      } else if (c == open) {
        ++depth;
      } else if (c == close && --depth == 0) {
        ++i_;
        return;
      }
    }
    fail(std::string("unbalanced '") + open + "'");
  }

  void skip_space() {
    while (i_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[i_]))) {
        ++i_;
      } else if (s_[i_] == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
  }

  void fail(std::string what) {
    if (error_.empty()) error_ = what + " at offset " + std::to_string(i_);
    i_ = s_.size();
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string error_;
};

}  // namespace

PromScan scan_promql(std::string_view expr) { return Scanner(expr).run(); }

bool admits_namespace(const PromSelector& s, std::string_view ns) {
  for (const PromMatcher& m : s.matchers) {
    if (m.label != "namespace") continue;
    bool match;
    if (m.op == "=" || m.op == "!=") {
      match = m.value == ns;
    } else {
      const RE2 re(m.value, RE2::Quiet);
      if (!re.ok()) return false;  // Prometheus would refuse the rule: it admits nothing
      match = RE2::FullMatch(re2::StringPiece(ns.data(), ns.size()), re);
    }
    const bool negated = m.op[0] == '!';
    if (match == negated) return false;
  }
  return true;
}

}  // namespace haguard::plugin
