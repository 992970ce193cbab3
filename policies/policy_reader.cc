#include "policies/policy_reader.h"

namespace haguard {

void PolicyReader::fail(const YAML::Node& at, const std::string& path, const std::string& what) const {
  YAML::Mark m = at.Mark();
  std::string loc(source_);
  if (m.line >= 0) loc += ':' + std::to_string(m.line + 1) + ':' + std::to_string(m.column + 1);
  throw PolicyLoadFailure(loc + ": " + (path.empty() ? std::string("(document)") : path) + ": " + what);
}

void PolicyReader::expect_map(const YAML::Node& n, const std::string& path) const {
  if (!n.IsMap()) fail(n, path, "must be a mapping");
}

void PolicyReader::only_keys(const YAML::Node& n, const std::string& path,
                             std::initializer_list<std::string_view> allowed) const {
  expect_map(n, path);
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = scalar(it->first, path);
    bool ok = false;
    for (auto a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(it->first, join(path, key), "unknown key (expected one of: " + list + ")");
    }
  }
}

std::string PolicyReader::scalar(const YAML::Node& n, const std::string& path) const {
  if (!n.IsScalar()) fail(n, path, "must be a string");
  return n.Scalar();
}

std::string PolicyReader::string(const YAML::Node& n, const std::string& path) const {
  std::string s = scalar(n, path);
  if (s.empty()) fail(n, path, "must not be empty");
  return s;
}

bool PolicyReader::boolean(const YAML::Node& n, const std::string& path) const {
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  fail(n, path, "must be true or false");
}

std::int64_t PolicyReader::integer(const YAML::Node& n, const std::string& path, std::int64_t min,
                                   std::int64_t max) const {
  std::int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v)) fail(n, path, "must be an integer");
  if (v < min || v > max)
    fail(n, path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return v;
}

std::vector<std::string> PolicyReader::strings(const YAML::Node& n, const std::string& path) const {
  if (!n.IsSequence()) fail(n, path, "must be a list of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) out.push_back(string(n[i], at(path, i)));
  return out;
}

Enforcement PolicyReader::enforcement(const YAML::Node& n, const std::string& path) const {
  auto e = parse_enforcement(scalar(n, path));
  if (!e) fail(n, path, "unknown enforcement \"" + n.Scalar() + "\" (expected enforce, warn, audit or off)");
  return *e;
}

std::chrono::seconds PolicyReader::duration(const YAML::Node& n, const std::string& path) const {
  std::string s = scalar(n, path);
  if (s == "0") return std::chrono::seconds(0);
  std::int64_t total = 0, num = 0;
  bool digits = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      num = num * 10 + (c - '0');
      digits = true;
      if (num > 100'000'000) fail(n, path, "duration too large");
    } else if ((c == 'h' || c == 'm' || c == 's') && digits) {
      total += num * (c == 'h' ? 3600 : c == 'm' ? 60 : 1);
      num = 0;
      digits = false;
    } else {
      fail(n, path, "invalid duration \"" + s + "\" (write it like 720h, 1h30m or 90s)");
    }
  }
  if (digits || s.empty()) fail(n, path, "invalid duration \"" + s + "\" (missing unit h, m or s)");
  return std::chrono::seconds(total);
}

std::string PolicyReader::group_kind(const YAML::Node& n, const std::string& path) const {
  std::string s = string(n, path);
  const std::size_t slash = s.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == s.size())
    fail(n, path, "must be written group/Kind, like apps/Deployment or postgresql.cnpg.io/Cluster");
  return s;
}

std::string PolicyReader::join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string PolicyReader::at(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

}  // namespace haguard
