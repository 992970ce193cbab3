// A port of Go's time.ParseDuration (src/time/format.go): the same grammar, the same integer
// arithmetic (so "1.0000000001s" and overflow behave as in Go).

#include "common/go_duration.h"

#include <cstdint>

namespace haguard {
namespace {

constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// The leading digits of `s` as an integer (consumed); false on overflow.
bool leading_int(std::string_view& s, std::uint64_t& x) {
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (x > kLimit / 10) return false;
    x = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (x > kLimit) return false;
  }
  s.remove_prefix(i);
  return true;
}

/// The leading digits of `s` as a fraction x / scale (consumed); digits past what fits are
/// dropped, as Go drops them.
void leading_fraction(std::string_view& s, std::uint64_t& x, double& scale) {
  std::size_t i = 0;
  bool overflow = false;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (overflow) continue;
    if (x > (kLimit - 1) / 10) {
      overflow = true;
      continue;
    }
    const std::uint64_t y = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (y > kLimit) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
}

std::uint64_t unit_nanoseconds(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return 1'000;  // µ (U+00B5), μ (U+03BC)
  if (u == "ms") return 1'000'000;
  if (u == "s") return 1'000'000'000;
  if (u == "m") return 60'000'000'000;
  if (u == "h") return 3'600'000'000'000;
  return 0;
}

std::nullopt_t fail(std::string* why, std::string message) {
  if (why != nullptr) *why = std::move(message);
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s, std::string* why) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return fail(why, "no number");
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (s[0] != '.' && !is_digit(s[0])) return fail(why, "expected a number");
    std::uint64_t whole = 0;
    const std::size_t before = s.size();
    if (!leading_int(s, whole)) return fail(why, "out of range");
    const bool has_whole = s.size() != before;
    std::uint64_t fraction = 0;
    double scale = 1;
    bool has_fraction = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      const std::size_t at = s.size();
      leading_fraction(s, fraction, scale);
      has_fraction = s.size() != at;
    }
    if (!has_whole && !has_fraction) return fail(why, "expected a number");
    std::size_t unit_end = 0;
    while (unit_end < s.size() && s[unit_end] != '.' && !is_digit(s[unit_end])) ++unit_end;
    if (unit_end == 0) return fail(why, "missing unit (ns, us, ms, s, m or h)");
    const std::string_view unit = s.substr(0, unit_end);
    s.remove_prefix(unit_end);
    const std::uint64_t ns = unit_nanoseconds(unit);
    if (ns == 0)
      return fail(why,
                  "unknown unit \"" + std::string(unit) + "\" (expected ns, us, ms, s, m or h)");
    if (whole > kLimit / ns) return fail(why, "out of range");
    whole *= ns;
    if (fraction > 0) {
      whole += static_cast<std::uint64_t>(static_cast<double>(fraction) *
                                          (static_cast<double>(ns) / scale));
      if (whole > kLimit) return fail(why, "out of range");
    }
    total += whole;
    if (total > kLimit) return fail(why, "out of range");
  }
  if (negative) return std::chrono::nanoseconds(static_cast<std::int64_t>(0 - total));
  if (total > kLimit - 1) return fail(why, "out of range");
  return std::chrono::nanoseconds(static_cast<std::int64_t>(total));
}

}  // namespace haguard
