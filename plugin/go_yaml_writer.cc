// A port of the parts of yaml.v3's encoder that a JSON value reaches: encode.go (stringv,
// floatv), resolve.go (which strings a reader would retype), sorter.go (key order) and
// emitterc.go (indentation state, scalar analysis and style choice, the scalar writers); which
// strings a reader would retype is jsonnet_yaml_scalars' yaml.v3 resolver, the one parseYaml uses.
// The emitter's line width is unlimited in yaml.v3, so nothing here folds lines.

#include "plugin/go_yaml_writer.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <numeric>
#include <vector>

#include "plugin/jsonnet_go_text.h"
#include "plugin/jsonnet_yaml_scalars.h"

namespace haguard::plugin {
namespace {

constexpr int kIndent = 4;  // yaml.v3's default

std::size_t width(unsigned char c) {
  return c < 0x80             ? 1
         : (c & 0xE0) == 0xC0 ? 2
         : (c & 0xF0) == 0xE0 ? 3
         : (c & 0xF8) == 0xF0 ? 4
                              : 1;
}
unsigned char at(std::string_view s, std::size_t i) {
  return i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
}
bool is_break(std::string_view s, std::size_t i) {
  unsigned char b = at(s, i);
  return b == '\r' || b == '\n' || (b == 0xC2 && at(s, i + 1) == 0x85) ||
         (b == 0xE2 && at(s, i + 1) == 0x80 && (at(s, i + 2) == 0xA8 || at(s, i + 2) == 0xA9));
}
bool is_printable(std::string_view s, std::size_t i) {
  unsigned char b = at(s, i), b1 = at(s, i + 1), b2 = at(s, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) ||
         (b > 0xC2 && b < 0xED) || (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

/// encode.go's stringv: a string a YAML reader would take for something else (yaml.v3's resolve,
/// YAML 1.1's booleans and base 60 floats) is double-quoted.
bool needs_quotes(const std::string& s) {
  static const RE2 kBase60(R"([-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)");
  static const std::vector<std::string_view> kOldBool = {"y",  "Y",   "yes", "Yes", "YES", "on",
                                                         "On", "ON",  "n",   "N",   "no",  "No",
                                                         "NO", "off", "Off", "OFF"};
  return resolve_yaml_scalar("?", s, true).type != YamlScalar::kString ||
         RE2::FullMatch(s, kBase60) ||
         std::find(kOldBool.begin(), kOldBool.end(), s) != kOldBool.end();
}

/// The runes of `s` with unicode.IsLetter / unicode.IsDigit, for the key order.
struct Rune {
  std::int32_t value;
  bool letter, digit;
};
std::vector<Rune> runes(std::string_view s) {
  static const RE2 kLetter(R"(\p{L})"), kDigit(R"(\p{Nd})");
  std::vector<Rune> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t w = std::min(width(at(s, i)), s.size() - i);
    std::int32_t v = w == 1 ? at(s, i) : at(s, i) & (0x7F >> w);
    for (std::size_t k = 1; k < w; ++k) v = (v << 6) | (at(s, i + k) & 0x3F);
    re2::StringPiece piece(s.data() + i, w);
    bool ascii = w == 1;
    bool letter = ascii ? std::isalpha(at(s, i)) != 0 : RE2::FullMatch(piece, kLetter);
    bool digit = ascii ? std::isdigit(at(s, i)) != 0 : RE2::FullMatch(piece, kDigit);
    out.push_back({v, letter, digit});
    i += w;
  }
  return out;
}

/// sorter.go's keyList.Less for two strings: letters by code point, runs of digits by value.
bool key_less(const std::vector<Rune>& a, const std::vector<Rune>& b) {
  bool digits = false;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].value == b[i].value) {
      digits = a[i].digit;
      continue;
    }
    bool al = a[i].letter, bl = b[i].letter;
    if (al && bl) return a[i].value < b[i].value;
    if (al || bl) return digits ? al : bl;
    std::uint64_t an = 0, bn = 0;  // int64 in Go, wrapping alike
    if (a[i].value == '0' || b[i].value == '0') {
      for (std::size_t j = i; j-- > 0 && a[j].digit;) {
        if (a[j].value != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    std::size_t ai = i, bi = i;
    for (; ai < a.size() && a[ai].digit; ++ai)
      an = an * 10 + static_cast<std::uint64_t>(a[ai].value - '0');
    for (; bi < b.size() && b[bi].digit; ++bi)
      bn = bn * 10 + static_cast<std::uint64_t>(b[bi].value - '0');
    if (an != bn) return static_cast<std::int64_t>(an) < static_cast<std::int64_t>(bn);
    if (ai != bi) return ai < bi;
    return a[i].value < b[i].value;
  }
  return a.size() < b.size();
}

enum class Style { kPlain, kSingle, kDouble, kLiteral };

/// What yaml_emitter_analyze_scalar records about a scalar.
struct Analysis {
  bool multiline = false, block_plain = true, single = true, block = true;
};

Analysis analyze(std::string_view v) {
  Analysis a;
  if (v.empty()) {
    a.block = false;
    return a;
  }
  bool block_ind = v.substr(0, 3) == "---" || v.substr(0, 3) == "...";
  bool breaks = false, special = false, tabs = false, lead_space = false, lead_break = false,
       trail_space = false, trail_break = false, break_space = false, space_break = false,
       prev_space = false, prev_break = false, preceded_ws = true;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t w = width(at(v, i));
    bool followed_ws = i + w >= v.size() || at(v, i + w) == ' ' || at(v, i + w) == '\t';
    char c = v[i];
    if (i == 0) {
      if (std::string_view("#,[]{}&*!|>'\"%@`").find(c) != std::string_view::npos) block_ind = true;
      if ((c == '?' || c == ':' || c == '-') && followed_ws) block_ind = true;
    } else if ((c == ':' && followed_ws) || (c == '#' && preceded_ws)) {
      block_ind = true;
    }
    if (c == '\t')
      tabs = true;
    else if (!is_printable(v, i))
      special = true;
    if (c == ' ') {
      lead_space = lead_space || i == 0;
      trail_space = trail_space || i + w == v.size();
      break_space = break_space || prev_break;
      prev_space = true, prev_break = false;
    } else if (is_break(v, i)) {
      breaks = true;
      lead_break = lead_break || i == 0;
      trail_break = trail_break || i + w == v.size();
      space_break = space_break || prev_space;
      prev_space = false, prev_break = true;
    } else {
      prev_space = prev_break = false;
    }
    preceded_ws = c == ' ' || c == '\t' || c == '\0' || is_break(v, i);
    i += w;
  }
  a.multiline = breaks;
  if (lead_space || lead_break || trail_space || trail_break || breaks || block_ind)
    a.block_plain = false;
  if (trail_space) a.block = false;
  if (break_space || space_break || tabs || special) a.block_plain = a.single = false;
  if (space_break || special) a.block = false;
  return a;
}

class Emitter {
 public:
  std::string out;

  void node(const GoJson& v, bool in_seq_item, bool simple_key) {
    if (v.kind == GoJson::kObject && !v.keys.empty()) return mapping(v, in_seq_item);
    if (v.kind == GoJson::kArray && !v.items.empty()) return sequence(v, in_seq_item);
    if (v.kind == GoJson::kObject || v.kind == GoJson::kArray) {
      indicator(v.kind == GoJson::kObject ? "{" : "[", true, true, false);
      indicator(v.kind == GoJson::kObject ? "}" : "]", false, false, false);
      return;
    }
    std::string text;
    Style style = Style::kPlain;
    switch (v.kind) {
      case GoJson::kNull:
        text = "null";
        break;
      case GoJson::kBool:
        text = v.boolean ? "true" : "false";
        break;
      case GoJson::kNumber:
        text = go_g_format(v.number);
        break;
      default:
        text = v.text;
        style = text.find('\n') != std::string::npos ? Style::kLiteral
                : needs_quotes(text)                 ? Style::kDouble
                                                     : Style::kPlain;
    }
    scalar(text, style, in_seq_item, simple_key);
  }

 private:
  static std::string go_g_format(double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string sci(buf, r.ptr);
    int exp = std::stoi(sci.substr(sci.find('e') + 1));
    if (exp < -4 || exp >= 6) return sci;  // strconv 'g' with the shortest digits
    std::string fixed;
    append_go_number(fixed, v);
    return fixed;
  }

  void increase_indent(bool flow, bool in_seq_item) {
    indents_.push_back(indent_);
    if (indent_ < 0)
      indent_ = flow ? kIndent : 0;
    else if (in_seq_item)
      indent_ += 2;
    else
      indent_ = kIndent * ((indent_ + kIndent) / kIndent);
  }
  void pop_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }
  void put(char c) {
    out.push_back(c);
    ++column_;
  }
  void put_break() {
    out.push_back('\n');
    column_ = 0;
    indention_ = true;
  }
  /// Copies one character (UTF-8 sequence) of `s` at `i`.
  void write(std::string_view s, std::size_t& i) {
    std::size_t w = std::min(width(at(s, i)), s.size() - i);
    out.append(s.substr(i, w));
    ++column_;
    i += w;
  }
  void write_break(std::string_view s, std::size_t& i) {
    if (s[i] == '\n') {
      put_break();
      ++i;
    } else {
      write(s, i);
      column_ = 0;
      indention_ = true;
    }
  }
  void write_indent() {
    int indent = std::max(indent_, 0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
    while (column_ < indent) put(' ');
    whitespace_ = true;
  }
  void indicator(std::string_view text, bool need_ws, bool is_ws, bool is_indention) {
    if (need_ws && !whitespace_) put(' ');
    for (char c : text) put(c);
    whitespace_ = is_ws;
    indention_ = indention_ && is_indention;
  }

  void mapping(const GoJson& v, bool in_seq_item) {
    increase_indent(false, in_seq_item);
    std::vector<std::vector<Rune>> keys;
    for (const auto& k : v.keys) keys.push_back(runes(k));
    std::vector<std::size_t> order(v.keys.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return key_less(keys[a], keys[b]); });
    for (std::size_t i : order) {
      write_indent();
      const std::string& key = v.keys[i];
      GoJson k;
      k.kind = GoJson::kString;
      k.text = key;
      bool simple = key.size() <= 128 && !analyze(key).multiline;
      if (simple) {
        node(k, false, true);
        indicator(":", false, false, false);
      } else {
        indicator("?", true, false, true);
        node(k, false, false);
        write_indent();
        indicator(":", true, false, true);
      }
      node(v.items[i], false, false);
    }
    pop_indent();
  }

  void sequence(const GoJson& v, bool in_seq_item) {
    increase_indent(false, in_seq_item);
    for (const auto& item : v.items) {
      write_indent();
      indicator("-", true, false, true);
      node(item, true, false);
    }
    pop_indent();
  }

  void scalar(const std::string& text, Style style, bool in_seq_item, bool simple_key) {
    Analysis a = analyze(text);
    if (simple_key && a.multiline) style = Style::kDouble;
    if (style == Style::kPlain && (!a.block_plain || (text.empty() && simple_key)))
      style = Style::kSingle;
    if (style == Style::kSingle && !a.single) style = Style::kDouble;
    if (style == Style::kLiteral && (!a.block || simple_key)) style = Style::kDouble;
    increase_indent(true, in_seq_item);
    switch (style) {
      case Style::kPlain:
        plain(text);
        break;
      case Style::kSingle:
        single_quoted(text);
        break;
      case Style::kDouble:
        double_quoted(text);
        break;
      case Style::kLiteral:
        literal(text);
        break;
    }
    pop_indent();
  }

  void plain(std::string_view v) {
    if (!v.empty() && !whitespace_) put(' ');
    for (std::size_t i = 0; i < v.size();) write(v, i);
    if (!v.empty()) whitespace_ = false;
    indention_ = false;
  }

  void single_quoted(std::string_view v) {
    indicator("'", true, false, false);
    bool breaks = false;
    for (std::size_t i = 0; i < v.size();) {
      if (is_break(v, i)) {  // only U+2028/U+2029 get here: other breaks force other styles
        write_break(v, i);
        breaks = true;
        continue;
      }
      if (breaks) write_indent();
      if (v[i] == '\'') put('\'');
      write(v, i);
      indention_ = false;
      breaks = false;
    }
    indicator("'", false, false, false);
    whitespace_ = indention_ = false;
  }

  void double_quoted(std::string_view v) {
    indicator("\"", true, false, false);
    // yaml.v3 tests for a byte order mark at the start of the value at every position.
    bool bom = v.substr(0, 3) == "\xEF\xBB\xBF";
    for (std::size_t i = 0; i < v.size();) {
      unsigned char b = at(v, i);
      if (!is_printable(v, i) || bom || is_break(v, i) || b == '"' || b == '\\') {
        std::size_t w = std::min(width(b), v.size() - i);
        std::uint32_t cp = w == 1 ? b : b & (0x7F >> w);
        for (std::size_t k = 1; k < w; ++k) cp = (cp << 6) | (at(v, i + k) & 0x3F);
        i += w;
        put('\\');
        static const std::pair<std::uint32_t, char> kShort[] = {
            {0x00, '0'},  {0x07, 'a'}, {0x08, 'b'}, {0x09, 't'},   {0x0A, 'n'},
            {0x0B, 'v'},  {0x0C, 'f'}, {0x0D, 'r'}, {0x1B, 'e'},   {0x22, '"'},
            {0x5C, '\\'}, {0x85, 'N'}, {0xA0, '_'}, {0x2028, 'L'}, {0x2029, 'P'}};
        auto it = std::find_if(std::begin(kShort), std::end(kShort),
                               [&](const auto& e) { return e.first == cp; });
        if (it != std::end(kShort)) {
          put(it->second);
          continue;
        }
        int digits = cp <= 0xFF ? 2 : cp <= 0xFFFF ? 4 : 8;
        put(digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
        for (int k = (digits - 1) * 4; k >= 0; k -= 4) put("0123456789ABCDEF"[(cp >> k) & 15]);
        continue;
      }
      write(v, i);
    }
    indicator("\"", false, false, false);
    whitespace_ = indention_ = false;
  }

  void literal(std::string_view v) {
    indicator("|", true, false, false);
    if (v[0] == ' ' || is_break(v, 0))
      indicator(std::string(1, static_cast<char>('0' + kIndent)), false, false, false);
    // The chomping indicator: '-' without a final break, '+' with more than one.
    std::size_t i = v.size() - 1;
    while ((at(v, i) & 0xC0) == 0x80) --i;
    if (!is_break(v, i)) {
      indicator("-", false, false, false);
    } else if (i > 0) {
      --i;
      while ((at(v, i) & 0xC0) == 0x80) --i;
      if (is_break(v, i)) indicator("+", false, false, false);
    } else {
      indicator("+", false, false, false);
    }
    whitespace_ = true;
    bool breaks = true;
    for (std::size_t k = 0; k < v.size();) {
      if (is_break(v, k)) {
        write_break(v, k);
        breaks = true;
        continue;
      }
      if (breaks) write_indent();
      write(v, k);
      indention_ = false;
      breaks = false;
    }
  }

  int indent_ = -1, column_ = 0;
  std::vector<int> indents_;
  bool whitespace_ = true, indention_ = true;
};

}  // namespace

std::string write_go_yaml_v3(const GoJson& value) {
  Emitter e;
  e.node(value, false, false);
  // The document end: a line break unless the last line already ended.
  if (e.out.empty() || e.out.back() != '\n') e.out.push_back('\n');
  return std::move(e.out);
}

}  // namespace haguard::plugin
