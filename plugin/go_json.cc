// Follows Go's encoding/json scanner.go (grammar, error wording), decode.go (unquote: U+FFFD for
// malformed UTF-8 and lone surrogates; float64 numbers) and indent.go.

#include "plugin/go_json.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "plugin/jsonnet_go_text.h"

namespace haguard::plugin {
namespace {

constexpr unsigned kMaxDepth = 10000;  // encoding/json's own nesting bound

struct SyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// A recursive-descent reader over the whole text. With `build` unset it only validates and
/// records nothing, which is what Indent needs.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void document(GoJson* out) {
    skip();
    value(out, 0);
    skip();
    if (p_ < s_.size()) invalid("after top-level value");
  }

 private:
  [[noreturn]] void invalid(const char* context) {
    if (p_ >= s_.size()) throw SyntaxError("unexpected end of JSON input");
    char c = s_[p_];
    std::string shown = c == '\'' ? "'\\''" : c == '"' ? "'\"'" : std::string("'") + c + "'";
    if (static_cast<unsigned char>(c) < 0x20) shown = "control character";
    throw SyntaxError("invalid character " + shown + " " + context + " (offset " +
                      std::to_string(p_) + ")");
  }
  void skip() {
    while (p_ < s_.size() && is_space(s_[p_])) ++p_;
  }
  bool at(char c) const { return p_ < s_.size() && s_[p_] == c; }
  bool digit() const { return p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9'; }

  void value(GoJson* out, unsigned depth) {
    if (depth > kMaxDepth) throw SyntaxError("exceeded max depth");
    if (p_ >= s_.size()) invalid("looking for beginning of value");
    char c = s_[p_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      std::string text = string();
      if (out) {
        out->kind = GoJson::kString;
        out->text = std::move(text);
      }
      return;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(out);
    for (std::string_view word : {"true", "false", "null"}) {
      if (c != word[0]) continue;
      for (char w : word) {
        if (!at(w))
          invalid(("in literal " + std::string(word) + " (expecting '" + w + "')").c_str());
        ++p_;
      }
      if (out) {
        out->kind = word == "null" ? GoJson::kNull : GoJson::kBool;
        out->boolean = word == "true";
      }
      return;
    }
    invalid("looking for beginning of value");
  }

  void object(GoJson* out, unsigned depth) {
    ++p_;
    skip();
    std::vector<std::pair<std::string, GoJson>> fields;
    if (at('}')) {
      ++p_;
    } else {
      for (;;) {
        skip();
        if (!at('"')) invalid("looking for beginning of object key string");
        std::string key = string();
        skip();
        if (!at(':')) invalid("after object key");
        ++p_;
        skip();
        GoJson v;
        value(out ? &v : nullptr, depth + 1);
        if (out) fields.emplace_back(std::move(key), std::move(v));
        skip();
        if (at(',')) {
          ++p_;
          continue;
        }
        if (at('}')) {
          ++p_;
          break;
        }
        invalid("after object key:value pair");
      }
    }
    if (!out) return;
    // Go assigns fields in order, so the last duplicate wins; a stable sort keeps that order.
    std::stable_sort(fields.begin(), fields.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    out->kind = GoJson::kObject;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i + 1 < fields.size() && fields[i + 1].first == fields[i].first) continue;
      out->keys.push_back(std::move(fields[i].first));
      out->items.push_back(std::move(fields[i].second));
    }
  }

  void array(GoJson* out, unsigned depth) {
    ++p_;
    skip();
    if (out) out->kind = GoJson::kArray;
    if (at(']')) {
      ++p_;
      return;
    }
    for (;;) {
      skip();
      GoJson v;
      value(out ? &v : nullptr, depth + 1);
      if (out) out->items.push_back(std::move(v));
      skip();
      if (at(',')) {
        ++p_;
        continue;
      }
      if (at(']')) {
        ++p_;
        return;
      }
      invalid("after array element");
    }
  }

  void number(GoJson* out) {
    std::size_t begin = p_;
    if (at('-')) ++p_;
    if (at('0')) {
      ++p_;
    } else {
      if (!digit()) invalid("in numeric literal");
      while (digit()) ++p_;
    }
    if (at('.')) {
      ++p_;
      if (!digit()) invalid("after decimal point in numeric literal");
      while (digit()) ++p_;
    }
    if (at('e') || at('E')) {
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (!digit()) invalid("in exponent of numeric literal");
      while (digit()) ++p_;
    }
    if (!out) return;
    std::string token(s_.substr(begin, p_ - begin));
    errno = 0;
    double v = std::strtod(token.c_str(), nullptr);
    // strconv.ParseFloat: overflow is an error, underflow rounds to zero silently.
    if (errno == ERANGE && std::isinf(v))
      throw SyntaxError("json: cannot unmarshal number " + token +
                        " into Go value of type float64");
    out->kind = GoJson::kNumber;
    out->number = v;
  }

  unsigned hex4() {
    unsigned v = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      if (p_ >= s_.size()) invalid("in \\u hexadecimal character escape");
      char c = s_[p_];
      unsigned d = c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : 16;
      if (d == 16) invalid("in \\u hexadecimal character escape");
      v = v * 16 + d;
    }
    return v;
  }

  std::string string() {
    ++p_;  // the opening quote
    std::string raw;
    for (;;) {
      if (p_ >= s_.size()) invalid("in string literal");
      char c = s_[p_];
      if (c == '"') {
        ++p_;
        return go_json_utf8(raw);
      }
      if (static_cast<unsigned char>(c) < 0x20) invalid("in string literal");
      if (c != '\\') {
        raw.push_back(c);
        ++p_;
        continue;
      }
      ++p_;
      if (p_ >= s_.size()) invalid("in string escape code");
      char e = s_[p_];
      static const std::string_view kFrom = "\"\\/bfnrt", kTo = "\"\\/\b\f\n\r\t";
      if (auto k = kFrom.find(e); k != std::string_view::npos) {
        raw.push_back(kTo[k]);
        ++p_;
        continue;
      }
      if (e != 'u') invalid("in string escape code");
      ++p_;
      unsigned cp = hex4();
      if (cp >= 0xD800 && cp < 0xDC00) {
        // A high surrogate pairs only with an escaped low one; alone it is U+FFFD.
        std::size_t save = p_;
        unsigned lo = 0;
        if (p_ + 1 < s_.size() && s_[p_] == '\\' && s_[p_ + 1] == 'u') {
          p_ += 2;
          lo = hex4();
        }
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else {
          cp = 0xFFFD;
          p_ = save;
        }
      } else if (cp >= 0xDC00 && cp < 0xE000) {
        cp = 0xFFFD;
      }
      append_utf8(raw, cp);
    }
  }

  std::string_view s_;
  std::size_t p_ = 0;
};

}  // namespace

bool parse_go_json(std::string_view text, GoJson& out, std::string& error) {
  try {
    out = GoJson{};
    Scanner(text).document(&out);
    return true;
  } catch (const SyntaxError& e) {
    error = e.what();
    return false;
  }
}

bool indent_go_json(std::string_view text, std::string_view indent, std::string& out,
                    std::string& error) {
  // bytes.TrimSpace trims Unicode white space too; JSON's own is ASCII, which is what occurs.
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  try {
    Scanner(text).document(nullptr);
  } catch (const SyntaxError& e) {
    error = e.what();
    return false;
  }
  // The text is valid JSON: only white space outside strings changes.
  out.clear();
  std::size_t depth = 0;
  auto newline = [&] {
    out.push_back('\n');
    for (std::size_t i = 0; i < depth; ++i) out.append(indent);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (is_space(c)) continue;
    if (c == '"') {
      std::size_t j = i + 1;
      while (text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      out.append(text.substr(i, j - i + 1));
      i = j;
    } else if (c == '{' || c == '[') {
      out.push_back(c);
      std::size_t j = i + 1;
      while (is_space(text[j])) ++j;
      if (text[j] == '}' || text[j] == ']') {
        out.push_back(text[j]);
        i = j;
      } else {
        ++depth;
        newline();
      }
    } else if (c == '}' || c == ']') {
      --depth;
      newline();
      out.push_back(c);
    } else if (c == ',') {
      out.push_back(c);
      newline();
    } else if (c == ':') {
      out.append(": ");
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace haguard::plugin
