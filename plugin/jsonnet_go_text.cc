// See jsonnet_go_text.h. Follows go-jsonnet's builtins.go (yamlBareSafe), interpreter.go
// (unparseString) and Go's encoding/json and strconv.

#include "plugin/jsonnet_go_text.h"

#include <cctype>
#include <charconv>

#include <openssl/evp.h>

namespace haguard::plugin {
namespace {

/// Decodes one UTF-8 sequence at s[i] as Go's utf8.DecodeRune: U+FFFD and one byte for a
/// malformed, overlong or surrogate sequence.
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
  static const std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMin[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return ++i, 0xFFFD;
  i += static_cast<std::size_t>(len);
  return c;
}

void append_hex4(std::string& out, std::uint32_t c) {
  static const char* kHex = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(c >> shift) & 0xF]);
}

bool is_reserved_yaml_word(std::string_view s) {
  static const char* kReserved[] = {"true", "false", "yes",   "no",   "on",   "off", "y",   "n",
                                    ".nan", "-.inf", "+.inf", ".inf", "null", "-",   "---", "''"};
  for (std::string_view r : kReserved) {
    if (r.size() != s.size()) continue;
    bool eq = true;
    for (std::size_t i = 0; i < r.size() && eq; ++i)
      eq = (s[i] | 0x20) == (r[i] | 0x20) || s[i] == r[i];
    if (eq) return true;
  }
  return false;
}

}  // namespace

bool decode_base64(std::string_view text, std::string& out) {
  std::string b64;
  for (char c : text)
    if (c != '\n' && c != '\r') b64.push_back(c);
  if (b64.size() % 4 != 0 ||
      b64.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
          std::string::npos)
    return false;
  std::size_t data_end = b64.find('=');
  if (data_end != std::string::npos &&
      (b64.size() - data_end > 2 || b64.find_first_not_of('=', data_end) != std::string::npos))
    return false;
  out.assign(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return false;
  std::size_t pad = data_end == std::string::npos ? 0 : b64.size() - data_end;
  out.resize(static_cast<std::size_t>(n) - pad);
  return true;
}

std::string go_json_utf8(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) append_utf8(out, next_rune(s, i));
  return out;
}

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


namespace {

/// A quoted string with the short escapes both writers share; any other code point for which
/// `as_hex` holds is written \uXXXX.
template <typename AsHex>
void append_quoted(std::string& out, std::string_view s, AsHex as_hex) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const std::uint32_t c = next_rune(s, i);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (as_hex(c)) append_hex4(out, c);
        else append_utf8(out, c);
    }
  }
  out.push_back('"');
}

}  // namespace

/// Go's encoding/json string form (SetEscapeHTML(false), Go >= 1.22): what manifestJsonEx writes.
void append_go_json_string(std::string& out, std::string_view s) {
  append_quoted(out, s, [](std::uint32_t c) { return c < 0x20 || c == 0x2028 || c == 0x2029; });
}

/// go-jsonnet's unparseString / escapeStringJson: what manifestYamlDoc writes.
void append_jsonnet_string(std::string& out, std::string_view s) {
  append_quoted(out, s, [](std::uint32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); });
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
  for (char c : s.substr(0, e))
    if (c != '.') digits.push_back(c);
  int exp = 0;
  std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(), exp);
  int nd = static_cast<int>(digits.size()), dp = exp + 1;
  if (dp <= 0)
    out.append("0.").append(static_cast<std::size_t>(-dp), '0').append(digits);
  else if (dp >= nd)
    out.append(digits).append(static_cast<std::size_t>(dp - nd), '0');
  else
    out.append(digits, 0, static_cast<std::size_t>(dp))
        .append(".")
        .append(digits, static_cast<std::size_t>(dp));
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
  for (char c : s)
    dashes += c == '-',
        digits_and_dashes = digits_and_dashes && (c == '-' || (c >= '0' && c <= '9'));
  if (digits_and_dashes && dashes == 2) return false;
  // ^[-+]?0b[0-1_]+$ and (unanchored) 0x[0-9a-fA-F_]+
  std::string_view b = s[0] == '-' ? s.substr(1) : s;
  if (b.size() > 2 && b.substr(0, 2) == "0b" &&
      b.find_first_not_of("01_", 2) == std::string_view::npos)
    return false;
  for (std::size_t i = s.find("0x"); i != std::string_view::npos; i = s.find("0x", i + 1))
    if (i + 2 < s.size() &&
        std::string_view("0123456789abcdefABCDEF_").find(s[i + 2]) != std::string_view::npos)
      return false;
  // strconv.Atoi: optional sign and decimal digits (within int64).
  std::string_view d = s[0] == '-' ? s.substr(1) : s;
  if (!d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos && d.size() <= 18)
    return false;
  // strconv.ParseFloat: decimal forms, inf/infinity/nan, "_" between digits; out of range
  // counts as not a number.
  std::string plain;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool between_digits = i > 0 && i + 1 < s.size() &&
                          std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                          std::isdigit(static_cast<unsigned char>(s[i + 1]));
    if (s[i] != '_')
      plain.push_back(s[i]);
    else if (!between_digits)
      return true;
  }
  double v;
  auto r = std::from_chars(plain.data(), plain.data() + plain.size(), v);
  if (r.ec == std::errc() && r.ptr == plain.data() + plain.size()) return false;
  return true;
}

}  // namespace haguard::plugin
