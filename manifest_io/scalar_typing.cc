// Scalar typing: plain scalars as the YAML 1.2 core schema types them, minus what JSON cannot
// hold (manifest_io.h lists the rules).

#include "manifest_io/scalar_typing.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace haguard::manifest_io {
namespace {

using json = nlohmann::json;

bool all_digits(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
bool is_oct(char c) {
  return c >= '0' && c <= '7';
}

/// The typed value of a YAML 1.2 core int, or nullopt when `s` is not one.
std::optional<json> parse_int(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o') &&
      digits.size() == s.size()) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
    if (!all_digits(digits, base == 16 ? is_hex : is_oct)) return std::nullopt;
  } else if (!all_digits(digits, is_dec) || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  std::uint64_t u = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
  if (ec == std::errc() && end == digits.data() + digits.size()) {
    if (!negative) return json(u);
    if (u <= static_cast<std::uint64_t>(INT64_MAX) + 1)
      return json(static_cast<std::int64_t>(0 - u));
  }
  const double d = std::strtod(std::string(s).c_str(), nullptr);  // too large: a float, as Go does
  if (!std::isfinite(d)) return std::nullopt;
  return json(d);
}

/// Whether `s` is a YAML 1.2 core float (without leading zeros, without .inf/.nan).
bool is_float(std::string_view s) {
  std::size_t i = 0, n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t int_start = i;
  while (i < n && is_dec(s[i])) ++i;
  std::size_t int_digits = i - int_start;
  if (int_digits > 1 && s[int_start] == '0') return false;
  std::size_t frac_digits = 0;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_dec(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_start = i;
    while (i < n && is_dec(s[i])) ++i;
    if (i == exp_start) return false;
  }
  return i == n;
}

}  // namespace

json resolve_plain(std::string&& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  const char c = s[0];
  if (c == 't' || c == 'T') {
    if (s == "true" || s == "True" || s == "TRUE") return true;
  } else if (c == 'f' || c == 'F') {
    if (s == "false" || s == "False" || s == "FALSE") return false;
  } else if (is_dec(c) || c == '-' || c == '+' || c == '.') {
    if (auto i = parse_int(s)) return std::move(*i);
    if (is_float(s)) {
      const double d = std::strtod(s.c_str(), nullptr);
      if (std::isfinite(d)) return d;
    }
  }
  return std::move(s);
}

json resolve_scalar(const std::string& tag, std::string value) {
  constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";
  if (tag == "?") return resolve_plain(std::move(value));
  if (tag.size() > kCoreTag.size() && tag.compare(0, kCoreTag.size(), kCoreTag) == 0) {
    std::string_view type = std::string_view(tag).substr(kCoreTag.size());
    if (type == "str") return value;
    json v = resolve_plain(std::string(value));
    if ((type == "int" && v.is_number_integer()) || (type == "bool" && v.is_boolean()) ||
        (type == "null" && v.is_null()) || (type == "float" && v.is_number()))
      return type == "float" ? json(v.get<double>()) : v;
  }
  return value;
}

}  // namespace haguard::manifest_io
