#include "policies/exemption.h"

#include <algorithm>
#include <ctime>

#include "policies/rule.h"

namespace haguard {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

const std::string* find(const Labels& m, std::string_view key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  // Hand-written: std::chrono::parse is missing from GCC 12's libstdc++, and the format is small.
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    long long scale = 100'000'000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      fraction += std::chrono::nanoseconds((s[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  long offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  const std::chrono::sys_seconds secs = std::chrono::sys_days(ymd) + std::chrono::hours(h) +
                                        std::chrono::minutes(mi) + std::chrono::seconds(sec) -
                                        std::chrono::seconds(offset);
  // The clock counts nanoseconds in 64 bits (years 1678-2261): clamp rather than overflow.
  using tp = std::chrono::system_clock::time_point;
  constexpr auto kMax = std::chrono::floor<std::chrono::seconds>(tp::max().time_since_epoch()) -
                        std::chrono::seconds(1);
  constexpr auto kMin = std::chrono::ceil<std::chrono::seconds>(tp::min().time_since_epoch());
  if (secs.time_since_epoch() > kMax) return tp::max();
  if (secs.time_since_epoch() < kMin) return tp::min();
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(secs) + fraction;
}

bool Exemption::covers(std::string_view rule_id) const {
  return valid && (all_rules || rules.count(std::string(rule_id)) > 0);
}

Exemption read_exemption(const Labels& annotations, const Policy& policy,
                         std::chrono::system_clock::time_point now) {
  Exemption e;
  const std::string* list = find(annotations, kExemptAnnotation);
  if (list == nullptr) return e;
  e.requested = true;
  if (const std::string* r = find(annotations, kExemptReasonAnnotation)) e.reason = std::string(trim(*r));
  if (const std::string* u = find(annotations, kExemptUntilAnnotation)) e.until = std::string(trim(*u));

  std::string_view rest = *list;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view id = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (id.empty()) continue;
    if (id == "*") e.all_rules = true;
    else if (is_known_rule(id)) e.rules.emplace(id);
    else e.unknown_rules.emplace_back(id);
  }

  auto void_because = [&](std::string why) {
    e.valid = false;
    e.problem = std::move(why);
    return e;
  };
  if (!e.all_rules && e.rules.empty())
    return void_because(e.unknown_rules.empty()
                            ? "the exempt annotation names no rule"
                            : "the exempt annotation names no known rule (unknown: " +
                                  e.unknown_rules.front() + ")");
  if (policy.exemptions.require_reason && e.reason.empty())
    return void_because("no reason given: set haguard.dalp.io/exempt-reason");
  if (e.until.empty()) {
    if (policy.exemptions.require_expiry)
      return void_because("no expiry given: set haguard.dalp.io/exempt-until (RFC 3339)");
  } else {
    auto until = parse_rfc3339(e.until);
    if (!until) return void_because("exempt-until \"" + e.until + "\" is not an RFC 3339 time");
    if (*until <= now) return void_because("expired at " + e.until);
    auto max = policy.exemptions.max_duration;
    if (max.count() > 0 && *until - now > max)
      return void_because("exempt-until " + e.until + " is further away than the policy allows (" +
                          std::to_string(max.count() / 3600) + "h)");
  }
  e.valid = true;
  return e;
}

bool exemption_changed(const Labels& annotations, const Labels* old_annotations) {
  for (auto key : {kExemptAnnotation, kExemptReasonAnnotation, kExemptUntilAnnotation}) {
    const std::string* now = find(annotations, key);
    const std::string* before = old_annotations ? find(*old_annotations, key) : nullptr;
    if (now == nullptr) continue;  // removing an exemption is always allowed
    if (before == nullptr || *before != *now) return true;
  }
  return false;
}

bool requester_allowed(const Requester& who, const Requesters& allowed) {
  if (allowed.empty()) return true;
  auto has = [](const std::vector<std::string>& v, std::string_view x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  if (has(allowed.users, who.username)) return true;
  for (const auto& g : who.groups)
    if (has(allowed.groups, g)) return true;
  constexpr std::string_view kSa = "system:serviceaccount:";
  if (who.username.rfind(kSa, 0) == 0 && has(allowed.service_accounts, who.username.substr(kSa.size())))
    return true;
  return false;
}

}  // namespace haguard
