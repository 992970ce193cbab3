// See jsonnet_yaml_scalars.h. Mirrors go-yaml v2's resolve.go and Go's strconv where it reaches.

#include "plugin/jsonnet_yaml_scalars.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <stdexcept>
#include <string_view>

#include <re2/re2.h>

namespace haguard::plugin {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what);
}

/// strconv.ParseInt/ParseUint with base 0: sign (signed only), 0x/0o/0b prefixes, a leading 0
/// meaning octal.
bool parse_go_int(std::string_view s, bool is_signed, std::int64_t& i, std::uint64_t& u) {
  bool neg = false;
  if (is_signed && !s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x')
      base = 16, s.remove_prefix(2);
    else if (p == 'o')
      base = 8, s.remove_prefix(2);
    else if (p == 'b')
      base = 2, s.remove_prefix(2);
    else
      base = 8, s.remove_prefix(1);
  }
  if (s.empty()) return false;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  if (!is_signed) return u = v, true;
  if (neg ? v > (std::uint64_t{1} << 63) : v > static_cast<std::uint64_t>(INT64_MAX)) return false;
  i = neg ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return true;
}

/// strconv.ParseFloat on the decimal forms that reach it here (a leading "+" allowed).
bool parse_double(std::string_view s, double& out) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (end != s.data() + s.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // ParseFloat fails on overflow only; an underflow reads as zero or a subnormal.
    double v = std::strtod(std::string(s).c_str(), nullptr);
    if (std::isinf(v)) return false;
    out = v;
    return true;
  }
  return ec == std::errc();
}

/// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool yaml_style_float(std::string_view s) {
  std::size_t p = 0;
  auto digits = [&] {
    std::size_t b = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    return p > b;
  };
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
  if (p < s.size() && s[p] == '.') {
    ++p;
    if (!digits()) return false;
  } else {
    if (!digits()) return false;
    if (p < s.size() && s[p] == '.') ++p, digits();
  }
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    if (!digits()) return false;
  }
  return p == s.size();
}

/// yaml.v3's parseTimestamp (time.Parse with its four layouts), as encoding/json then writes the
/// time: RFC 3339 with the fraction's trailing zeros dropped, "Z" for UTC. False when `s` is none.
bool yaml_v3_timestamp(const std::string& s, std::string& out) {
  static const RE2 kStamp(
      R"((\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?)"
      R"((Z|[+-]\d{2}:\d{2})?)?)");
  std::string y, mo, d, sep, h, mi, sec, frac, zone;
  if (!RE2::FullMatch(s, kStamp, &y, &mo, &d, &sep, &h, &mi, &sec, &frac, &zone)) return false;
  // "T"/"t" come with a zone, " " without; a date alone has neither.
  if (sep.empty() ? !h.empty() : (sep == " ") != zone.empty()) return false;
  int year = std::stoi(y), month = std::stoi(mo), day = std::stoi(d);
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] ||
      (month == 2 && day == 29 && !leap))
    return false;
  auto two = [](const std::string& v) { return v.size() == 1 ? "0" + v : v; };
  if (h.empty()) {
    out = y + "-" + two(mo) + "-" + two(d) + "T00:00:00Z";
    return true;
  }
  if (std::stoi(h) > 23 || std::stoi(mi) > 59 || std::stoi(sec) > 59) return false;
  frac = frac.substr(0, 9);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (zone.empty() || zone == "+00:00" || zone == "-00:00") zone = "Z";
  out = y + "-" + two(mo) + "-" + two(d) + "T" + two(h) + ":" + two(mi) + ":" + two(sec) +
        (frac.empty() ? "" : "." + frac) + zone;
  return true;
}

std::string short_tag(const std::string& tag) {
  static const std::string kLong = "tag:yaml.org,2002:";
  return tag.compare(0, kLong.size(), kLong) == 0 ? "!!" + tag.substr(kLong.size()) : tag;
}

}  // namespace

YamlScalar resolve_yaml_scalar(const std::string& yaml_cpp_tag, const std::string& in,
                               bool yaml_v3) {
  YamlScalar out;
  if (yaml_cpp_tag == "!") return out;  // quoted and block scalars are strings
  std::string tag = yaml_cpp_tag == "?" ? "" : short_tag(yaml_cpp_tag);
  static const char* kResolvable[] = {"",        "!!str",  "!!bool",     "!!int",
                                      "!!float", "!!null", "!!timestamp"};
  bool resolvable = false;
  for (const char* t : kResolvable) resolvable = resolvable || tag == t;
  if (yaml_v3 && (tag.empty() || tag == "!!timestamp") && yaml_v3_timestamp(in, out.time)) {
    out.type = YamlScalar::kTime;
    return out;
  }
  if (!resolvable || tag == "!!str" || tag == "!!timestamp") return out;

  static const std::map<std::string_view, YamlScalar> kWords = [] {
    std::map<std::string_view, YamlScalar> m;
    for (auto w : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
      m[w] = YamlScalar::boolean(true);
    for (auto w : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
      m[w] = YamlScalar::boolean(false);
    for (auto w : {"", "~", "null", "Null", "NULL"}) m[w].type = YamlScalar::kNull;
    for (auto w : {".nan", ".NaN", ".NAN"}) m[w] = YamlScalar::number(NAN);
    for (auto w : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
      m[w] = YamlScalar::number(INFINITY);
    for (auto w : {"-.inf", "-.Inf", "-.INF"}) m[w] = YamlScalar::number(-INFINITY);
    return m;
  }();
  char c = in.empty() ? 'N' : in[0];
  bool sign_or_digit = c == '+' || c == '-' || (c >= '0' && c <= '9');
  bool hinted = sign_or_digit || c == '.' ||
                std::string_view("yYnNtTfFoO~N").find(c) != std::string_view::npos;
  // yaml.v3 dropped YAML 1.1's other boolean words (yes, on, y...): they stay strings.
  static const std::string_view kV3Bools[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
  auto word = kWords.find(in);
  if (yaml_v3 && word != kWords.end() && word->second.type == YamlScalar::kBool &&
      std::find(std::begin(kV3Bools), std::end(kV3Bools), in) == std::end(kV3Bools))
    word = kWords.end();
  if (hinted) {
    if (word != kWords.end())
      out = word->second;
    else if (c == '.' && parse_double(in, out.f))
      out.type = YamlScalar::kFloat;
    else if (sign_or_digit) {
      std::string plain;
      for (char ch : in)
        if (ch != '_') plain.push_back(ch);
      if (parse_go_int(plain, true, out.i, out.u))
        out.type = YamlScalar::kInt;
      else if (parse_go_int(plain, false, out.i, out.u))
        out.type = YamlScalar::kUint;
      else if (yaml_style_float(plain) && parse_double(plain, out.f))
        out.type = YamlScalar::kFloat;
    }
  }
  if (tag.empty()) return out;
  static const char* kTagOf[] = {"!!null",  "!!bool", "!!int",      "!!int",
                                 "!!float", "!!str",  "!!timestamp"};
  if (tag == kTagOf[out.type]) return out;
  if (tag == "!!float" && out.type == YamlScalar::kInt) {
    out.type = YamlScalar::kFloat;
    out.f = static_cast<double>(out.i);
    return out;
  }
  fail("cannot decode " + std::string(kTagOf[out.type]) + " `" + in + "` as a " + tag);
}

std::string go_float32_key(double v) {
  if (std::isnan(v)) return ".nan";
  // Go's float32 conversion makes a value past float's range infinite (in C++ that is UB).
  if (std::isinf(v) || std::fabs(v) > std::numeric_limits<float>::max())
    return v > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto r =
      std::to_chars(buf, buf + sizeof buf, static_cast<float>(v), std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  std::string out;
  if (s[0] == '-') out.push_back('-'), s.remove_prefix(1);
  std::size_t e = s.find('e');
  std::string digits;
  for (char ch : s.substr(0, e))
    if (ch != '.') digits.push_back(ch);
  int exp = 0;
  std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(), exp);
  int nd = static_cast<int>(digits.size()), dp = exp + 1;
  if (exp < -4 || exp >= 6) {
    out += digits.substr(0, 1);
    if (nd > 1) out += "." + digits.substr(1);
    std::string ex = std::to_string(std::abs(exp));
    return out + (exp < 0 ? "e-" : "e+") + (ex.size() < 2 ? "0" : "") + ex;
  }
  if (dp <= 0) return out + "0." + std::string(static_cast<std::size_t>(-dp), '0') + digits;
  if (dp >= nd) return out + digits + std::string(static_cast<std::size_t>(dp - nd), '0');
  return out + digits.substr(0, static_cast<std::size_t>(dp)) + "." +
         digits.substr(static_cast<std::size_t>(dp));
}

}  // namespace haguard::plugin
