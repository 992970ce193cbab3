// pod-disruption-budget (set rule): each HA workload is covered by a PodDisruptionBudget that
// selects its pods and still lets at least one of them be evicted (so node drains can proceed).

#include <cmath>
#include <unordered_map>

#include "policies/label_selector.h"
#include "policies/rules/pod_spec.h"
#include "policies/rules/rule_list.h"

namespace haguard::rules {
namespace {

/// An intOrString as the disruption controller scales it (percentages round up).
std::optional<std::int64_t> scaled(const json& v, std::int64_t total) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.back() != '%') return std::nullopt;
  try {
    double pct = std::stod(s.substr(0, s.size() - 1));
    return static_cast<std::int64_t>(std::ceil(static_cast<double>(total) * pct / 100.0));
  } catch (...) {
    return std::nullopt;
  }
}

/// PDBs by one of their matchLabels pairs, so finding the budget of each of n workloads does not
/// scan every budget (the set rule runs over whole renders of a thousand objects).
class PdbIndex {
 public:
  explicit PdbIndex(const ObjectSet& set) {
    for (const json* pdb : set.pdbs_in("")) {
      const json* spec = child(*pdb, "spec");
      const json* sel = spec ? child(*spec, "selector") : nullptr;
      if (sel == nullptr || !sel->is_object() || sel->empty()) continue;  // selects nothing useful
      const json* ml = child(*sel, "matchLabels");
      if (ml && ml->is_object() && !ml->empty() && ml->begin()->is_string())
        by_label_[ml->begin().key() + '=' + ml->begin()->get<std::string>()].push_back(pdb);
      else
        others_.push_back(pdb);
    }
  }

  /// The first budget in namespace `ns` whose selector selects `labels`, or nullptr.
  const json* covering(const std::string& ns, const Labels& labels) const {
    auto check = [&](const json* pdb) {
      std::string pns = pdb->value("/metadata/namespace"_json_pointer, std::string());
      if (!pns.empty() && !ns.empty() && pns != ns) return false;
      auto m = selector_matches((*pdb)["spec"]["selector"], labels);
      return m && *m;
    };
    for (const auto& [k, v] : labels)
      if (auto it = by_label_.find(k + '=' + v); it != by_label_.end())
        for (const json* pdb : it->second)
          if (check(pdb)) return pdb;
    for (const json* pdb : others_)
      if (check(pdb)) return pdb;
    return nullptr;
  }

 private:
  std::unordered_map<std::string, std::vector<const json*>> by_label_;
  std::vector<const json*> others_;
};

class PodDisruptionBudget final : public SetRule {
 public:
  std::string_view id() const override { return "pod-disruption-budget"; }
  std::string_view description() const override {
    return "each HA workload has a PodDisruptionBudget that selects its pods and allows at least one "
           "eviction";
  }

  std::vector<SetVerdict> check(const ObjectSet& set, const Policy& policy,
                                const std::vector<std::string>& environments) const override {
    std::vector<SetVerdict> out;
    const RuleConfig* rc = policy.rule(id());
    if (rc == nullptr) return out;
    const PdbIndex index(set);
    const auto& objects = set.objects();
    for (std::size_t i = 0; i < objects.size(); ++i) {
      auto w = Workload::of(*objects[i]);
      if (!w || !w->has_replicas_field()) continue;
      std::string env = i < environments.size() ? environments[i] : policy.default_environment;
      RuleContext ctx{policy, *rc, env, &set};
      if (!is_ha(*w, ctx)) continue;
      std::int64_t replicas = w->replicas().value_or(1);
      if (const json* hpa = set.hpa_for(w->kind_name(), w->namespace_(), w->name()))
        if (auto h = Workload::of(*hpa); h && h->replicas()) replicas = *h->replicas();
      const json* covering = index.covering(w->namespace_(), w->pod_labels());
      if (covering == nullptr) {
        out.push_back({i, {Outcome::fail, "",
                           "no PodDisruptionBudget selects its pods; add one with maxUnavailable: 1 "
                           "and the workload's selector labels"}});
        continue;
      }
      const json& spec = (*covering)["spec"];
      std::string pdb_name = covering->value("/metadata/name"_json_pointer, std::string("?"));
      std::optional<std::int64_t> allowed;
      if (const json* mu = child(spec, "maxUnavailable")) {
        if (auto v = scaled(*mu, replicas)) allowed = *v;
      } else if (const json* ma = child(spec, "minAvailable")) {
        if (auto v = scaled(*ma, replicas)) allowed = replicas - *v;
      } else {
        allowed = replicas;  // neither set: the budget restricts nothing
      }
      if (!allowed) {
        out.push_back({i, {Outcome::error, "", "PodDisruptionBudget " + pdb_name +
                                                   " has a malformed minAvailable/maxUnavailable"}});
      } else if (*allowed < 1) {
        out.push_back({i, {Outcome::fail, "",
                           "PodDisruptionBudget " + pdb_name + " allows no eviction of its " +
                               std::to_string(replicas) +
                               " replicas, so node drains block; use maxUnavailable: 1"}});
      }
    }
    return out;
  }
};

}  // namespace

const SetRule& pod_disruption_budget_rule() {
  static const PodDisruptionBudget rule;
  return rule;
}

}  // namespace haguard::rules
