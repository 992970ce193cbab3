// pod-disruption-budget (set rule): each HA workload is covered by one PodDisruptionBudget that
// selects its pods and still lets at least one of them be evicted (so node drains can proceed;
// the eviction API refuses outright a pod that two budgets select).

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "policies/label_selector.h"
#include "policies/rules/min_replicas.h"
#include "policies/rules/pod_spec.h"

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

/// metadata.`key` when it is a non-empty string, else `otherwise`.
std::string metadata_string(const json& object, std::string_view key, std::string otherwise = {}) {
  const json* md = child(object, "metadata");
  const json* v = md ? child(*md, key) : nullptr;
  if (v == nullptr || !v->is_string() || v->get_ref<const std::string&>().empty()) return otherwise;
  return v->get<std::string>();
}

std::string pair_key(const std::string& key, const std::string& value) {
  std::string out;
  out.reserve(key.size() + 1 + value.size());
  return out.append(key).append(1, '=').append(value);
}

/// PDBs by the rarest of their matchLabels pairs, so that finding the budget of each of n
/// workloads looks at the few budgets that can select it (the set rule runs over whole renders of
/// a thousand objects, whose budgets share their app and part-of labels).
class PdbIndex {
 public:
  explicit PdbIndex(const ObjectSet& set) {
    std::vector<const json*> pdbs = set.pdbs_in("");
    std::unordered_map<std::string, std::size_t> count;  // of each string matchLabels pair
    std::vector<std::vector<std::string>> pairs(pdbs.size());
    for (std::size_t i = 0; i < pdbs.size(); ++i) {
      const json* spec = child(*pdbs[i], "spec");
      const json* sel = spec ? child(*spec, "selector") : nullptr;
      if (sel == nullptr || !sel->is_object() || sel->empty()) continue;  // selects nothing useful
      entries_.push_back({i, metadata_string(*pdbs[i], "namespace"), pdbs[i]});
      if (const json* ml = child(*sel, "matchLabels"); ml && ml->is_object())
        for (const auto& [k, v] : ml->items())
          if (v.is_string())
            ++count[pairs[i].emplace_back(pair_key(k, v.get_ref<const std::string&>()))];
    }
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      const auto& mine = pairs[entries_[e].order];
      auto rarest = std::min_element(mine.begin(), mine.end(), [&](const auto& a, const auto& b) {
        return count[a] < count[b];
      });
      if (rarest == mine.end()) others_.push_back(e);
      else by_label_[*rarest].push_back(e);
    }
  }

  /// The budgets in namespace `ns` whose selectors select `labels`, in the set's order.
  std::vector<const json*> covering(const std::string& ns, const Labels& labels) const {
    std::vector<std::size_t> found;
    auto consider = [&](const std::vector<std::size_t>& candidates) {
      for (std::size_t e : candidates) {
        const Entry& c = entries_[e];
        if (!c.ns.empty() && !ns.empty() && c.ns != ns) continue;
        auto m = selector_matches((*c.pdb)["spec"]["selector"], labels);
        if (m && *m) found.push_back(e);
      }
    };
    for (const auto& [k, v] : labels)
      if (auto it = by_label_.find(pair_key(k, v)); it != by_label_.end()) consider(it->second);
    consider(others_);
    std::sort(found.begin(), found.end());  // an entry sits in one list only: no repeats
    std::vector<const json*> out;
    for (std::size_t e : found) out.push_back(entries_[e].pdb);
    return out;
  }

 private:
  struct Entry {
    std::size_t order;  ///< among the set's budgets
    std::string ns;
    const json* pdb;
  };
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_label_;  ///< entries by a pair
  std::vector<std::size_t> others_;  ///< entries without a string matchLabels pair
};

class PodDisruptionBudget final : public SetRule {
 public:
  std::string_view id() const override { return "pod-disruption-budget"; }
  std::string_view description() const override {
    return "each HA workload has one PodDisruptionBudget that selects its pods and allows at least "
           "one eviction";
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
      // A Deployment whose template a Rollout runs has no pods of its own: judged on the Rollout.
      if (w->kind() == WorkloadKind::deployment && set.rollout_for(w->namespace_(), w->name())) continue;
      std::int64_t replicas = w->replicas().value_or(1);
      if (const json* a = set.autoscaler_for(w->kind_name(), w->namespace_(), w->name()))
        if (auto h = Workload::of(*a); h && h->replicas()) replicas = std::max<std::int64_t>(*h->replicas(), 1);
      auto covering = index.covering(w->namespace_(), w->pod_labels());
      if (covering.empty()) {
        out.push_back({i, {Outcome::fail, "",
                           "no PodDisruptionBudget selects its pods; add one with maxUnavailable: 1 "
                           "and the workload's selector labels"}});
        continue;
      }
      std::string pdb_name = metadata_string(*covering[0], "name", "?");
      if (covering.size() > 1) {  // the eviction API refuses a pod with more than one budget
        out.push_back({i, {Outcome::fail, "",
                           "PodDisruptionBudgets " + pdb_name + " and " +
                               metadata_string(*covering[1], "name", "?") +
                               " both select its pods, and the eviction API refuses to evict a pod "
                               "with more than one budget, so node drains block; keep one"}});
        continue;
      }
      const json& spec = (*covering[0])["spec"];
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
