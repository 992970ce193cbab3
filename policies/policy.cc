#include "policies/policy.h"

#include <algorithm>

namespace haguard {

// Iterative, no backtracking blow-up.
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

namespace {

bool has(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

bool WorkloadSelector::matches_name(std::string_view kind, std::string_view object_name) const {
  if (!kinds.empty() && !has(kinds, kind)) return false;
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& p) { return glob_match(p, object_name); });
}

std::vector<ControllerChildren> default_controllers() {
  // kube-controller-manager sends as one user, or with --use-service-account-credentials (kubeadm,
  // most managed clusters) as one service account per controller. The garbage collector edits
  // children's ownerReferences when an owner is deleted with --cascade=orphan.
  const std::string gc = "kube-system:generic-garbage-collector";
  return {
      {"apps", "Deployment", {"ReplicaSet"},
       {{"system:kube-controller-manager"}, {}, {"kube-system:deployment-controller", gc}}},
      {"argoproj.io", "Rollout", {"ReplicaSet"}, {{}, {}, {"argo-rollouts:argo-rollouts", gc}}},
      {"keda.sh", "ScaledObject", {"HorizontalPodAutoscaler"}, {{}, {}, {"keda:keda-operator", gc}}},
      {"batch", "CronJob", {"Job"},
       {{"system:kube-controller-manager"}, {}, {"kube-system:cronjob-controller", gc}}},
  };
}

Requesters default_autoscalers() {
  return {{"system:kube-controller-manager"},
          {},
          {"kube-system:horizontal-pod-autoscaler", "keda:keda-operator"}};
}

bool WorkloadSelector::matches(const Workload& w, const Workload* target) const {
  // An autoscaler belongs to the selector of the workload it scales.
  if (w.is_autoscaler()) {
    if (target != nullptr && !target->is_autoscaler()) return matches(*target);
    const ObjectRef t = w.scale_target();
    return matches_name(t.kind, t.name);
  }
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

bool Policy::targets(const RuleConfig& r, const Workload& w, const Workload* target) const {
  if (r.targets.empty()) return true;
  for (const auto& t : r.targets) {
    auto it = workloads.find(t);
    if (it != workloads.end() && it->second.matches(w, target)) return true;
  }
  return false;
}

const ControllerChildren* Policy::controller_of(const Workload& w) const {
  return controller_of(w.kind_name(), w.controller_owner());
}

const ControllerChildren* Policy::controller_of(std::string_view kind, const ObjectRef& owner) const {
  if (owner.kind.empty()) return nullptr;
  for (const ControllerChildren& c : controllers)
    if (c.owner_kind == owner.kind && c.owner_group == owner.group && has(c.kinds, kind)) return &c;
  return nullptr;
}

bool Policy::names_resource(std::string_view group, std::string_view kind) const {
  if (custom_resources.empty()) return false;
  std::string gk;
  gk.append(group).append("/").append(kind);
  return custom_resources.count(gk) != 0;
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
