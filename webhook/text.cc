#include "webhook/text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

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
  // EVP_EncodeBlock writes the padded text and a NUL after it.
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string b64;
  b64.reserve(text.size());
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) b64.push_back(c);
  // EVP_DecodeBlock reads '=' as zero bits and counts the bytes they make: padding is checked
  // here (only at the end, at most two) and its bytes taken off the result.
  const std::size_t data_end = std::min(b64.find('='), b64.size());
  const std::size_t pad = b64.size() - data_end;
  if (b64.size() % 4 != 0 || pad > 2 || b64.find_first_not_of('=', data_end) != std::string::npos)
    return std::nullopt;
  std::string out(b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - pad);
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
