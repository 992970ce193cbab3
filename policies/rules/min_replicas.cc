// min-replicas: the dApp (and any workload the policy names) runs at least N replicas.

#include <algorithm>

#include "policies/rules/pod_spec.h"
#include "policies/rules/rule_list.h"

namespace haguard::rules {
namespace {

class MinReplicas final : public Rule {
 public:
  std::string_view id() const override { return "min-replicas"; }
  std::string_view description() const override {
    return "HA workloads run at least the minimum number of replicas (spec.replicas, HPA minReplicas, "
           "and /scale requests)";
  }
  bool applies_to(const Workload& w) const override {
    return w.has_replicas_field() || w.is_hpa() || w.is_scale();
  }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    const std::int64_t min = ctx.config.params.minimum;
    const std::string n = std::to_string(min);
    if (w.replicas_malformed())
      return {{Outcome::error, w.replicas_pointer(), "the replica count is not a non-negative integer"}};
    if (w.has_replicas_field() && ctx.set) {
      if (const json* hpa = ctx.set->hpa_for(w.kind_name(), w.namespace_(), w.name()))
        return {{Outcome::skip, "",
                 "replicas are managed by HorizontalPodAutoscaler " +
                     hpa->value("/metadata/name"_json_pointer, std::string("?")) +
                     ": min-replicas is judged on its minReplicas"}};
    }
    std::int64_t have = *w.replicas();
    if (have >= min) return {};
    if (w.is_hpa())
      return {{Outcome::fail, "/spec/minReplicas",
               "minReplicas is " + std::to_string(have) + ", needs at least " + n +
                   "; set spec.minReplicas: " + n,
               true}};
    if (w.is_scale())
      return {{Outcome::fail, "/spec/replicas",
               "scaling to " + std::to_string(have) + " replica(s), needs at least " + n +
                   "; scale to " + n + " or more, or exempt the " + w.kind_name() +
                   " with the annotations haguard.dalp.io/exempt: min-replicas, "
                   "haguard.dalp.io/exempt-reason and haguard.dalp.io/exempt-until"}};
    const bool absent = !w.object()["spec"]["replicas"];
    return {{Outcome::fail, "/spec/replicas",
             "runs " + std::to_string(have) + " replica" + (have == 1 ? "" : "s") +
                 (absent ? " (spec.replicas unset means 1)" : "") + ", needs at least " + n +
                 "; set spec.replicas: " + n + " or use an HPA with minReplicas >= " + n,
             true}};
  }

  bool fix(json& object, std::string_view parent_kind, const RuleContext& ctx) const override {
    auto w = Workload::of(object, parent_kind);
    if (!w || w->is_scale() || !w->replicas() || w->replicas_malformed()) return false;
    const std::int64_t min = ctx.config.params.minimum;
    if (*w->replicas() >= min) return false;
    // Never write spec.replicas of an HPA-managed workload: the HPA owns it.
    if (w->has_replicas_field() && ctx.set && ctx.set->hpa_for(w->kind_name(), w->namespace_(), w->name()))
      return false;
    json& spec = ensure_object(object, "spec");
    if (w->is_hpa()) {
      spec["minReplicas"] = min;
      if (auto max = spec.find("maxReplicas"); max != spec.end() && max->is_number_integer() &&
                                               max->get<std::int64_t>() < min)
        *max = min;
    } else {
      spec["replicas"] = min;
    }
    return true;
  }
};

}  // namespace

const Rule& min_replicas_rule() {
  static const MinReplicas rule;
  return rule;
}

}  // namespace haguard::rules
