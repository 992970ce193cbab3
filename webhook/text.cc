#include "webhook/text.h"

#include <cctype>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace haguard::webhook {
namespace {

/// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t n;
  if (b < 0x80) {
    cp = b;
    return 1;
  } else if ((b & 0xE0) == 0xC0) {
    n = 2, cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3, cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4, cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool is_control(std::uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}
bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string sanitize_warning(std::string_view s) {
  std::string out;
  std::size_t last_fit = 0;  // length of `out` at the last character boundary within the budget
  bool cut = false;
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    std::size_t n = utf8_sequence(s, i, cp);
    std::string_view piece;
    if (n == 0) {
      piece = "?";
      n = 1;
    } else if (is_control(cp)) {
      piece = " ";
    } else {
      piece = s.substr(i, n);
    }
    i += n;
    if (piece == " " && (out.empty() || out.back() == ' ')) continue;
    if (out.size() + piece.size() > kMaxWarningBytes) {
      cut = true;
      break;
    }
    out += piece;
    if (out.size() <= kMaxWarningBytes - 3) last_fit = out.size();
  }
  if (cut) {
    out.resize(last_fit);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "...";
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool is_valid_warning(std::string_view s) {
  if (s.size() > kMaxWarningBytes) return false;
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    std::size_t n = utf8_sequence(s, i, cp);
    if (n == 0 || is_control(cp)) return false;
    i += n;
  }
  return true;
}

std::string sanitize_audit_key(std::string_view s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    char k = is_key_char(l) ? l : '-';
    if (k == '-' && !out.empty() && out.back() == '-') continue;
    out += k;
  }
  if (out.size() > kMaxAuditKeyBytes) out.resize(kMaxAuditKeyBytes);
  while (!out.empty() && !is_alnum_lower(out.back())) out.pop_back();
  std::size_t start = 0;
  while (start < out.size() && !is_alnum_lower(out[start])) ++start;
  return out.substr(start);
}

bool is_valid_audit_key(std::string_view s) {
  if (s.empty() || s.size() > kMaxAuditKeyBytes) return false;
  for (char c : s)
    if (!is_key_char(c) && !(c >= 'A' && c <= 'Z')) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  return alnum(s.front()) && alnum(s.back());
}

bool is_dns1123_label(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!is_alnum_lower(c) && c != '-') return false;
  return is_alnum_lower(s.front()) && is_alnum_lower(s.back());
}

std::string base64_encode(std::string_view data) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    std::uint32_t v = (std::uint32_t(std::uint8_t(data[i])) << 16) |
                      (std::uint32_t(std::uint8_t(data[i + 1])) << 8) | std::uint8_t(data[i + 2]);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += kTable[v & 63];
  }
  if (i < data.size()) {
    std::uint32_t v = std::uint32_t(std::uint8_t(data[i])) << 16;
    if (i + 1 < data.size()) v |= std::uint32_t(std::uint8_t(data[i + 1])) << 8;
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += i + 1 < data.size() ? kTable[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') { ++pad; continue; }
    else if (std::isspace(static_cast<unsigned char>(c))) continue;
    else return std::nullopt;
    if (pad) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

}  // namespace haguard::webhook
