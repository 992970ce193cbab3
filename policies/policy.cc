#include "policies/policy.h"

#include <algorithm>

namespace haguard {
namespace {

/// Glob match with '*' (any run) and '?' (one character); iterative, no backtracking blow-up.
bool glob_match(std::string_view pattern, std::string_view s) {
  std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == s[i])) {
      ++p, ++i;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = i;
    } else if (star != std::string_view::npos) {
      p = star + 1, i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool has(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

bool WorkloadSelector::matches_name(std::string_view kind, std::string_view object_name) const {
  if (!kinds.empty() && !has(kinds, kind)) return false;
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& p) { return glob_match(p, object_name); });
}

bool WorkloadSelector::matches(const Workload& w) const {
  // An HPA belongs to the selector of the workload it scales: judged by its target's kind and name.
  if (w.is_hpa()) return matches_name(w.hpa_target_kind(), w.hpa_target_name());
  if (!kinds.empty() && !has(kinds, w.kind_name())) return false;
  if (labels.empty() && names.empty()) return true;
  if (matches_name(w.kind_name(), w.name())) return true;
  Labels own = w.labels();
  Labels pod = w.pod_labels();
  for (const auto& [key, values] : labels) {
    for (const Labels* l : {&own, &pod}) {
      auto it = l->find(key);
      if (it != l->end() && has(values, it->second)) return true;
    }
  }
  return false;
}

const std::string& Policy::resolve_environment(std::string_view env) const {
  for (const auto& e : environments)
    if (e == env) return e;
  return default_environment;
}

const RuleConfig* Policy::rule(std::string_view rule_id) const {
  auto it = rules.find(rule_id);
  return it == rules.end() ? nullptr : &it->second;
}

Enforcement Policy::enforcement(std::string_view rule_id, std::string_view env) const {
  const RuleConfig* r = rule(rule_id);
  if (r == nullptr) return Enforcement::off;
  auto it = r->environments.find(std::string(env));
  return it == r->environments.end() ? r->enforcement : it->second;
}

bool Policy::targets(const RuleConfig& r, const Workload& w) const {
  if (r.targets.empty()) return true;
  for (const auto& t : r.targets) {
    auto it = workloads.find(t);
    if (it != workloads.end() && it->second.matches(w)) return true;
  }
  return false;
}

bool Policy::namespace_exempt(std::string_view ns) const {
  return !ns.empty() && has(exemptions.namespaces, ns);
}

bool Policy::never_exemptable(std::string_view rule_id, std::string_view env) const {
  auto it = exemptions.never.find(std::string(env));
  if (it == exemptions.never.end()) return false;
  return has(it->second, rule_id) || has(it->second, "*");
}

}  // namespace haguard
