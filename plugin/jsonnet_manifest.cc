// The writers follow go-jsonnet's builtins.go (builtinManifestJSONEx, builtinManifestYamlDoc,
// yamlBareSafe) and interpreter.go (unparseString). The reader is a small one over the VM's own
// JSON rather than simdjson: simdjson refuses integers past 2^64, which the VM writes in full
// (1e30 is "1000000000000000019884624838656").

#include "plugin/jsonnet_manifest.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace haguard::plugin {
namespace {

constexpr std::string_view kYamlIndent = "  ";

[[noreturn]] void bad(const char* what) { throw std::runtime_error(what); }

void append_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

/// Decodes one UTF-8 sequence at s[i]; U+FFFD for a malformed one (as Go's range loop does).
std::uint32_t next_rune(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) return ++i, 0xFFFD;
  std::uint32_t c = len == 1 ? b : b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto cb = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((cb & 0xC0) != 0x80) return ++i, 0xFFFD;
    c = (c << 6) | (cb & 0x3F);
  }
  i += static_cast<std::size_t>(len);
  return c;
}

void append_hex4(std::string& out, std::uint32_t c) {
  static const char* kHex = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(c >> shift) & 0xF]);
}

/// Go's encoding/json string form (SetEscapeHTML(false), Go >= 1.22): what manifestJsonEx writes.
void append_go_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t c = next_rune(s, i);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x2028 || c == 0x2029) append_hex4(out, c);
        else append_utf8(out, c);
    }
  }
  out.push_back('"');
}

/// go-jsonnet's unparseString / escapeStringJson: what manifestYamlDoc writes.
void append_jsonnet_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t c = next_rune(s, i);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) append_hex4(out, c);
        else append_utf8(out, c);
    }
  }
  out.push_back('"');
}

/// strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back, placed without an
/// exponent (1e30 is "1" and 30 zeros; to_chars' fixed form would print all its exact digits).
void append_go_number(std::string& out, double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  if (s[0] == '-') out.push_back('-'), s.remove_prefix(1);
  std::size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) if (c != '.') digits.push_back(c);
  int exp = 0;
  std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(), exp);
  int nd = static_cast<int>(digits.size()), dp = exp + 1;
  if (dp <= 0) out.append("0.").append(static_cast<std::size_t>(-dp), '0').append(digits);
  else if (dp >= nd) out.append(digits).append(static_cast<std::size_t>(dp - nd), '0');
  else out.append(digits, 0, static_cast<std::size_t>(dp)).append(".").append(digits, static_cast<std::size_t>(dp));
}

/// A cursor over the VM's JSON text.
struct Reader {
  std::string_view s;
  std::size_t p = 0;

  char peek() {
    while (p < s.size() && (s[p] == ' ' || s[p] == '\n' || s[p] == '\t' || s[p] == '\r')) ++p;
    if (p >= s.size()) bad("unexpected end of the value's JSON");
    return s[p];
  }
  void expect(char c) {
    if (peek() != c) bad("malformed JSON from the VM");
    ++p;
  }
  /// After '[' or '{' was seen at peek(): whether the container is empty (does not consume).
  bool empty_after_open() {
    std::size_t save = p++;
    char c = peek();
    p = save;
    return c == ']' || c == '}';
  }
  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (p >= s.size()) bad("unterminated string in the VM's JSON");
      char c = s[p++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (p >= s.size()) bad("unterminated escape in the VM's JSON");
      char e = s[p++];
      switch (e) {
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t c1 = hex4();
          if (c1 >= 0xD800 && c1 < 0xDC00 && s.substr(p, 2) == "\\u") {
            p += 2;
            std::uint32_t c2 = hex4();
            c1 = 0x10000 + ((c1 - 0xD800) << 10) + (c2 - 0xDC00);
          }
          append_utf8(out, c1);
          break;
        }
        default: out.push_back(e);
      }
    }
  }
  std::uint32_t hex4() {
    std::uint32_t v = 0;
    if (p + 4 > s.size()) bad("short \\u escape in the VM's JSON");
    auto r = std::from_chars(s.data() + p, s.data() + p + 4, v, 16);
    if (r.ptr != s.data() + p + 4) bad("bad \\u escape in the VM's JSON");
    p += 4;
    return v;
  }
  double number() {
    peek();
    double v = 0;
    auto r = std::from_chars(s.data() + p, s.data() + s.size(), v);
    if (r.ec != std::errc()) bad("bad number in the VM's JSON");
    p = static_cast<std::size_t>(r.ptr - s.data());
    return v;
  }
  std::string_view word() {
    peek();
    std::size_t b = p;
    while (p < s.size() && s[p] >= 'a' && s[p] <= 'z') ++p;
    return s.substr(b, p - b);
  }
  /// Calls f() for each element (arrays) or f(key) for each field (objects).
  template <class F>
  void each_element(F f) {
    expect('[');
    for (bool first = true; peek() != ']'; first = false) {
      if (!first) expect(',');
      f();
    }
    ++p;
  }
  template <class F>
  void each_field(F f) {
    expect('{');
    for (bool first = true; peek() != '}'; first = false) {
      if (!first) expect(',');
      std::string key = string();
      expect(':');
      f(key);
    }
    ++p;
  }
};

void write_scalar(Reader& in, std::string& out, bool yaml, const std::string& indent) {
  char c = in.peek();
  if (c == '"') {
    std::string s = in.string();
    if (!yaml) return append_go_json_string(out, s);
    if (s.empty()) {
      out += "\"\"";
    } else if (s.back() == '\n') {
      out.push_back('|');
      std::string_view body(s.data(), s.size() - 1);
      for (std::size_t b = 0;;) {
        std::size_t e = body.find('\n', b);
        out.push_back('\n');
        out.append(indent).append(kYamlIndent).append(body.substr(b, e - b));
        if (e == std::string_view::npos) break;
        b = e + 1;
      }
    } else {
      append_jsonnet_string(out, s);
    }
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    append_go_number(out, in.number());
  } else {
    std::string_view w = in.word();
    if (w != "null" && w != "true" && w != "false") bad("malformed JSON from the VM");
    out.append(w);
  }
}

struct JsonWriter {
  std::string_view indent, newline, kv_sep;
  std::string& out;

  void value(Reader& in, const std::string& cindent) {
    char c = in.peek();
    if (c != '[' && c != '{') return write_scalar(in, out, false, cindent);
    std::string inner = cindent + std::string(indent);
    out.push_back(c);
    out.append(newline);
    bool first = true;
    auto sep = [&] {
      if (!first) out.append(",").append(newline);
      first = false;
      out.append(inner);
    };
    if (c == '[') {
      in.each_element([&] { sep(); value(in, inner); });
    } else {
      in.each_field([&](const std::string& key) {
        sep();
        append_go_json_string(out, key);
        out.append(kv_sep);
        value(in, inner);
      });
    }
    out.append(newline).append(cindent).push_back(c == '[' ? ']' : '}');
  }
};

bool is_reserved_yaml_word(std::string_view s) {
  static const char* kReserved[] = {"true", "false", "yes", "no", "on", "off", "y", "n", ".nan",
                                    "-.inf", "+.inf", ".inf", "null", "-", "---", "''"};
  for (std::string_view r : kReserved) {
    if (r.size() != s.size()) continue;
    bool eq = true;
    for (std::size_t i = 0; i < r.size() && eq; ++i)
      eq = (s[i] | 0x20) == (r[i] | 0x20) || s[i] == r[i];
    if (eq) return true;
  }
  return false;
}

/// go-jsonnet's yamlBareSafe: a key that may be written without quotes.
bool yaml_bare_safe(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '/' || c == '.';
    if (!ok) return false;
  }
  if (is_reserved_yaml_word(s)) return false;
  // ^(?:[0-9]*-){2}[0-9]*$ : a timestamp-like run of digits and exactly two dashes.
  std::size_t dashes = 0;
  bool digits_and_dashes = true;
  for (char c : s) dashes += c == '-', digits_and_dashes = digits_and_dashes && (c == '-' || (c >= '0' && c <= '9'));
  if (digits_and_dashes && dashes == 2) return false;
  // ^[-+]?0b[0-1_]+$ and (unanchored) 0x[0-9a-fA-F_]+
  std::string_view b = s[0] == '-' ? s.substr(1) : s;
  if (b.size() > 2 && b.substr(0, 2) == "0b" && b.find_first_not_of("01_", 2) == std::string_view::npos)
    return false;
  for (std::size_t i = s.find("0x"); i != std::string_view::npos; i = s.find("0x", i + 1))
    if (i + 2 < s.size() && std::string_view("0123456789abcdefABCDEF_").find(s[i + 2]) != std::string_view::npos)
      return false;
  // strconv.Atoi: optional sign and decimal digits (within int64).
  std::string_view d = s[0] == '-' ? s.substr(1) : s;
  if (!d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos && d.size() <= 18)
    return false;
  // strconv.ParseFloat: decimal forms, inf/infinity/nan, "_" between digits; out of range
  // counts as not a number.
  std::string plain;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool between_digits = i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                          std::isdigit(static_cast<unsigned char>(s[i + 1]));
    if (s[i] != '_') plain.push_back(s[i]);
    else if (!between_digits) return true;
  }
  double v;
  auto r = std::from_chars(plain.data(), plain.data() + plain.size(), v);
  if (r.ec == std::errc() && r.ptr == plain.data() + plain.size()) return false;
  return true;
}

struct YamlWriter {
  const YamlManifestOptions& opt;
  std::string& out;

  void value(Reader& in, std::string cindent) {
    char c = in.peek();
    if (c == '[') {
      if (in.empty_after_open()) return in.each_element([] {}), void(out += "[]");
      bool first = true;
      in.each_element([&] {
        if (!first) out.append("\n").append(cindent);
        first = false;
        out.push_back('-');
        char e = in.peek();
        bool nonempty_array = e == '[' && !in.empty_after_open();
        if (nonempty_array) out.append("\n").append(cindent).append(kYamlIndent);
        else out.push_back(' ');
        value(in, e == '[' || e == '{' ? cindent + std::string(kYamlIndent) : cindent);
      });
    } else if (c == '{') {
      if (in.empty_after_open()) return in.each_field([](const std::string&) {}), void(out += "{}");
      bool first = true;
      in.each_field([&](const std::string& key) {
        if (!first) out.append("\n").append(cindent);
        first = false;
        if (opt.quote_keys || !yaml_bare_safe(key)) append_jsonnet_string(out, key);
        else out.append(key);
        out.push_back(':');
        char e = in.peek();
        std::string inner = cindent;
        if (e == '[' && !in.empty_after_open()) {
          out.append("\n").append(cindent);
          if (opt.indent_array_in_object) out.append(kYamlIndent), inner += kYamlIndent;
        } else if (e == '{' && !in.empty_after_open()) {
          out.append("\n").append(cindent).append(kYamlIndent);
          inner += kYamlIndent;
        } else {
          out.push_back(' ');
        }
        value(in, inner);
      });
    } else {
      write_scalar(in, out, true, cindent);
    }
  }
};

template <class F>
bool guarded(std::string& error, F f) {
  try {
    f();
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace

bool manifest_json_ex(std::string_view json, std::string_view indent, std::string_view newline,
                      std::string_view key_val_sep, std::string& out, std::string& error) {
  return guarded(error, [&] {
    Reader in{json};
    in.expect('[');
    JsonWriter{indent, newline, key_val_sep, out}.value(in, "");
    in.expect(']');
  });
}

bool manifest_yaml_doc(std::string_view json, const YamlManifestOptions& options, std::string& out,
                       std::string& error) {
  return guarded(error, [&] {
    Reader in{json};
    in.expect('[');
    YamlWriter{options, out}.value(in, "");
    in.expect(']');
  });
}

bool manifest_yaml_stream(std::string_view json, const YamlManifestOptions& options,
                          std::string& out, std::string& error) {
  return guarded(error, [&] {
    Reader in{json};
    if (in.peek() != '[') bad("manifestYamlStream only takes arrays");
    out += "---\n";
    bool first = true;
    in.each_element([&] {
      if (!first) out += "\n---\n";
      first = false;
      YamlWriter{options, out}.value(in, "");
    });
    out += options.c_document_end ? "\n...\n" : "\n";
  });
}

}  // namespace haguard::plugin
