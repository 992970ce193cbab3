// The YAML stream writer: a small block-style emitter. It quotes exactly the strings the reader
// (scalar_typing.h) would otherwise retype, and any a YAML 1.1 reader would.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "manifest_io/manifest_io.h"
#include "manifest_io/scalar_typing.h"
#include "manifest_io/yaml_characters.h"

namespace haguard {
namespace {

using manifest_io::code_point;
using manifest_io::is_dec;
using manifest_io::is_hex;
using manifest_io::resolve_plain;
using manifest_io::unprintable_at;

enum class Style { plain, single_quoted, double_quoted, literal };

/// Whether `s` looks like a number, a date or a time to any YAML version (1.1 octal, sexagesimal,
/// underscores, hex, timestamps): such strings are quoted so that no reader retypes them.
bool number_like(std::string_view s) {
  const char c = s[0];
  if (!is_dec(c) && c != '-' && c != '+' && c != '.') return false;
  bool digit = false;
  for (char ch : s) {
    if (is_dec(ch))
      digit = true;
    else if (!is_hex(ch) && ch != '_' && ch != '.' && ch != ':' && ch != '-' && ch != '+' &&
             ch != 'x' && ch != 'o' && ch != 'X' && ch != 'O' && ch != 'T' && ch != 't' &&
             ch != 'Z' && ch != 'z')
      return false;
  }
  return digit;
}

/// YAML 1.1 booleans and the .inf/.nan family: strings here, other types elsewhere.
bool ambiguous_word(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "y",     "Y",     "yes",   "Yes",   "YES",   "n",    "N",    "no",   "No",   "NO",
      "on",    "On",    "ON",    "off",   "Off",   "OFF",  ".inf", ".Inf", ".INF", "-.inf",
      "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN", "=",    "<<"};
  for (std::string_view w : kWords)
    if (s == w) return true;
  return false;
}
constexpr char kHex[] = "0123456789ABCDEF";

/// Characters a plain or single-quoted scalar cannot carry: C0 controls (tab aside), DEL, C1
/// controls, U+FFFE/U+FFFF, and the Unicode line breaks and byte order mark YAML treats specially.
bool needs_escape(std::string_view s, bool allow_newline) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' && allow_newline) continue;
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
    if (unprintable_at(s, i)) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) return true;
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(s[i + 2]) == 0xA9))
      return true;
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBB &&
        static_cast<unsigned char>(s[i + 2]) == 0xBF)
      return true;
  }
  return false;
}

/// Whether a multi-line string reads back exactly from a literal block scalar.
bool literal_ok(std::string_view s) {
  if (s.find_first_not_of(" \n\t") == std::string_view::npos) return false;
  if (needs_escape(s, true)) return false;
  for (std::size_t pos = 0; pos <= s.size();) {
    std::size_t nl = s.find('\n', pos);
    std::string_view line = s.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line[0] == '\t'))
      return false;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return true;
}

Style choose_style(std::string_view s, bool is_key) {
  if (s.find('\n') != std::string_view::npos)
    return !is_key && literal_ok(s) ? Style::literal : Style::double_quoted;
  if (needs_escape(s, false)) return Style::double_quoted;
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.front() == '\t' || s.back() == '\t')
    return Style::single_quoted;
  if (!resolve_plain(std::string(s)).is_string() || number_like(s) || ambiguous_word(s))
    return Style::single_quoted;
  const char c = s[0];
  if (std::string_view("[]{},#&*!|>'\"%@`").find(c) != std::string_view::npos)
    return Style::single_quoted;
  if ((c == '-' || c == '?' || c == ':') &&
      (s.size() == 1 || s[1] == ' ' || s[1] == '\t' || s.starts_with("---")))
    return Style::single_quoted;
  if (s.starts_with("...")) return Style::single_quoted;
  if (s.back() == ':' || s.find(": ") != std::string_view::npos ||
      s.find(" #") != std::string_view::npos || s.find(":\t") != std::string_view::npos ||
      s.find("\t#") != std::string_view::npos)
    return Style::single_quoted;
  if (s.find('\t') != std::string_view::npos) return Style::double_quoted;
  return Style::plain;
}

class YamlWriter {
 public:
  static constexpr std::size_t kMaxImplicitKey = 1000;  // under YAML's 1024, counting bytes

  explicit YamlWriter(std::string& out) : out_(out) {}

  void document(const json& v) {
    if (v.is_object() && !v.empty()) return mapping(v, 0, false);
    if (v.is_array() && !v.empty()) return sequence(v, 0, false);
    scalar(v, 0, false);
    out_ += '\n';
  }

 private:
  void indent(int n) { out_.append(static_cast<std::size_t>(n), ' '); }

  void mapping(const json& obj, int ind, bool first_inline) {
    bool first = true;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (!(first && first_inline)) indent(ind);
      first = false;
      const std::size_t key_start = out_.size();
      string(it.key(), ind, true, false);
      // YAML limits implicit keys to 1024 characters: a longer one is written as an explicit
      // key ("? key" then ": value" on the next line).
      const bool explicit_key = out_.size() - key_start > kMaxImplicitKey;
      if (explicit_key) {
        out_.insert(key_start, "? ");
        out_ += '\n';
        indent(ind);
      }
      out_ += ':';
      const json& v = it.value();
      if (v.is_object() && !v.empty()) {
        out_ += '\n';
        mapping(v, ind + 2, false);
      } else if (v.is_array() && !v.empty()) {
        out_ += '\n';
        sequence(v, explicit_key ? ind + 2 : ind, false);
      } else {
        out_ += ' ';
        scalar(v, ind, true);
        out_ += '\n';
      }
    }
  }

  void sequence(const json& arr, int ind, bool first_inline) {
    bool first = true;
    for (const json& v : arr) {
      if (!(first && first_inline)) indent(ind);
      first = false;
      out_ += "- ";
      if (v.is_object() && !v.empty()) {
        mapping(v, ind + 2, true);
      } else if (v.is_array() && !v.empty()) {
        sequence(v, ind + 2, true);
      } else {
        scalar(v, ind, false);
        out_ += '\n';
      }
    }
  }

  /// A scalar or empty collection; `ind` is the indentation of the key or dash before it.
  void scalar(const json& v, int ind, bool in_mapping) {
    char buf[32];
    switch (v.type()) {
      case json::value_t::null:
        out_ += "null";
        return;
      case json::value_t::boolean:
        out_ += v.get<bool>() ? "true" : "false";
        return;
      case json::value_t::object:
        out_ += "{}";
        return;
      case json::value_t::array:
        out_ += "[]";
        return;
      case json::value_t::number_integer: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.get<std::int64_t>());
        out_.append(buf, r.ptr);
        return;
      }
      case json::value_t::number_unsigned: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.get<std::uint64_t>());
        out_.append(buf, r.ptr);
        return;
      }
      case json::value_t::number_float:
        out_ += v.dump();
        return;
      case json::value_t::string:
        string(v.get_ref<const std::string&>(), ind, false, in_mapping);
        return;
      default:
        out_ += "null";
        return;
    }
  }

  void string(const std::string& s, int ind, bool is_key, bool in_mapping) {
    Style style = choose_style(s, is_key);
    // A literal whose first line starts with a space needs an indentation indicator; only the
    // mapping-value form is emitted with one (its parent indentation is unambiguous).
    std::size_t first_text = s.find_first_not_of('\n');
    bool leading_space = style == Style::literal && s[first_text] == ' ';
    if (leading_space && !in_mapping) style = Style::double_quoted;
    switch (style) {
      case Style::plain:
        out_ += s;
        return;
      case Style::single_quoted:
        out_ += '\'';
        for (char c : s) {
          if (c == '\'') out_ += '\'';
          out_ += c;
        }
        out_ += '\'';
        return;
      case Style::double_quoted:
        return double_quoted(s);
      case Style::literal:
        return literal(s, ind + 2, leading_space);
    }
  }

  void literal(std::string_view s, int content_ind, bool indicator) {
    std::size_t trailing = s.size() - s.find_last_not_of('\n') - 1;
    out_ += '|';
    if (indicator) out_ += '2';
    out_ += trailing == 0 ? "-" : trailing == 1 ? "" : "+";
    out_ += '\n';
    std::string_view body = s.substr(0, s.size() - trailing);
    for (std::size_t pos = 0;;) {
      std::size_t nl = body.find('\n', pos);
      std::string_view line = body.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
      if (!line.empty()) indent(content_ind);
      out_ += line;
      out_ += '\n';
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    for (std::size_t i = 1; i < trailing; ++i) out_ += '\n';
    out_.pop_back();  // the caller ends the line
  }

  void double_quoted(std::string_view s) {
    out_ += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      switch (c) {
        case '"':
          out_ += "\\\"";
          continue;
        case '\\':
          out_ += "\\\\";
          continue;
        case '\n':
          out_ += "\\n";
          continue;
        case '\t':
          out_ += "\\t";
          continue;
        case '\r':
          out_ += "\\r";
          continue;
        default:
          break;
      }
      if (c < 0x20 || c == 0x7f) {
        out_ += "\\x";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 15];
      } else if (std::size_t len = unprintable_at(s, i)) {
        unsigned cp = code_point(s, i, len);
        out_ += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) out_ += kHex[(cp >> shift) & 15];
        i += len - 1;
      } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) {
        out_ += "\\u0085", ++i;  // not \N: yaml-cpp reads that as the raw byte 0x85
      } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                 (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
        out_ += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\L" : "\\P", i += 2;
      } else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBB &&
                 static_cast<unsigned char>(s[i + 2]) == 0xBF) {
        out_ += "\\uFEFF", i += 2;
      } else {
        out_ += static_cast<char>(c);
      }
    }
    out_ += '"';
  }

  std::string& out_;
};

}  // namespace

std::string write_yaml_stream(const std::vector<json>& objects) {
  std::string out;
  out.reserve(objects.size() * 1024);
  YamlWriter writer(out);
  bool first = true;
  for (const json& o : objects) {
    if (!first) out += "---\n";
    first = false;
    writer.document(o);
  }
  return out;
}

}  // namespace haguard
