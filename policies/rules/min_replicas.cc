// min-replicas: the dApp (and any workload the policy names) runs at least N replicas. An
// autoscaler's minimum counts for the workload it scales, and haguard never writes the replica
// count an autoscaler owns.

#include "policies/rules/min_replicas.h"

#include "policies/policy_reader.h"
#include "policies/rules/pod_spec.h"

namespace haguard::rules {
namespace {

constexpr std::string_view kId = "min-replicas";

struct Params final : RuleParams {
  std::int64_t minimum = 2;
};

std::string name_of(const json& object) {
  return object.value("/metadata/name"_json_pointer, std::string("?"));
}

/// Why a workload's own replica count is not judged here, or "" when it is.
std::string managed_elsewhere(const Workload& w, const ObjectSet* set) {
  if (!w.has_replicas_field() || set == nullptr) return {};
  if (const json* a = set->autoscaler_for(w.kind_name(), w.namespace_(), w.name()))
    return "replicas are managed by " + a->value("kind", std::string("an autoscaler")) + " " +
           name_of(*a) + ": min-replicas is judged on its minimum";
  if (w.kind() == WorkloadKind::deployment)
    if (const json* r = set->rollout_for(w.namespace_(), w.name()))
      return "its pod template is run by Rollout " + name_of(*r) +
             " (workloadRef): min-replicas is judged on the Rollout";
  return {};
}

class MinReplicas final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  std::string_view description() const override {
    return "HA workloads run at least the minimum number of replicas (spec.replicas, HPA "
           "minReplicas, KEDA minReplicaCount, and /scale requests)";
  }
  std::shared_ptr<const RuleParams> load_params(const PolicyReader& in, const YAML::Node& n,
                                                const std::string& path) const override {
    in.only_keys(n, path, {"minimum"});
    auto p = std::make_shared<Params>();
    if (n["minimum"]) p->minimum = in.integer(n["minimum"], path + ".minimum", 1, 1000);
    return p;
  }
  bool applies_to(const Workload& w) const override {
    return w.has_replicas_field() || w.is_autoscaler() || w.is_scale();
  }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    const std::int64_t min = ctx.params<Params>().minimum;
    const std::string n = std::to_string(min);
    if (w.replicas_malformed())
      return {{Outcome::error, w.replicas_pointer(), "the replica count is not a non-negative integer"}};
    if (std::string why = managed_elsewhere(w, ctx.set); !why.empty()) return {{Outcome::skip, "", why}};
    const std::int64_t have = *w.replicas();
    if (have >= min) return {};
    if (w.is_hpa())
      return {{Outcome::fail, "/spec/minReplicas",
               "minReplicas is " + std::to_string(have) + ", needs at least " + n +
                   "; set spec.minReplicas: " + n,
               true}};
    if (w.is_autoscaler())
      return {{Outcome::fail, "/spec/minReplicaCount",
               "minReplicaCount is " + std::to_string(have) +
                   (w.replicas_written() ? "" : " (unset means 0: scale to zero)") +
                   ", needs at least " + n + "; set spec.minReplicaCount: " + n,
               true}};
    // Zero is a workload switched off on purpose (Argo Rollouts' workloadRef pattern, a paused
    // environment): nothing runs, so there is nothing to keep available; said, never raised.
    if (have == 0 && w.replicas_written())
      return {{Outcome::warn, "/spec/replicas",
               std::string(w.is_scale() ? "scaling to 0" : "spec.replicas is 0") +
                   ": it runs no pods; expected when a Rollout's workloadRef runs its template, "
                   "otherwise run at least " + n}};
    if (w.is_scale())
      return {{Outcome::fail, "/spec/replicas",
               "scaling to " + std::to_string(have) + " replica(s), needs at least " + n +
                   "; scale to " + n + " or more, or exempt the " + w.kind_name() +
                   " with the annotations haguard.dalp.io/exempt: min-replicas, "
                   "haguard.dalp.io/exempt-reason and haguard.dalp.io/exempt-until"}};
    return {{Outcome::fail, "/spec/replicas",
             "runs " + std::to_string(have) + " replica" + (have == 1 ? "" : "s") +
                 (w.replicas_written() ? "" : " (spec.replicas unset means 1)") +
                 ", needs at least " + n + "; set spec.replicas: " + n +
                 " or use an autoscaler with a minimum >= " + n,
             true}};
  }

  bool fix(json& object, std::string_view parent_kind, const RuleContext& ctx) const override {
    auto w = Workload::of(object, parent_kind);
    if (!w || w->is_scale() || !w->replicas() || w->replicas_malformed()) return false;
    const std::int64_t min = ctx.params<Params>().minimum;
    if (*w->replicas() >= min) return false;
    if (*w->replicas() == 0 && w->replicas_written() && !w->is_autoscaler()) return false;
    // Never write the replicas of a workload an autoscaler or a Rollout runs: theirs to set.
    if (!managed_elsewhere(*w, ctx.set).empty()) return false;
    json& spec = ensure_object(object, "spec");
    if (w->is_autoscaler()) {
      const bool hpa = w->is_hpa();
      spec[hpa ? "minReplicas" : "minReplicaCount"] = min;
      if (auto max = spec.find(hpa ? "maxReplicas" : "maxReplicaCount");
          max != spec.end() && max->is_number_integer() && max->get<std::int64_t>() < min)
        *max = min;
    } else {
      spec["replicas"] = min;
    }
    return true;
  }
};

}  // namespace

bool is_ha(const Workload& w, const RuleContext& ctx) {
  if (auto r = w.replicas(); r && *r >= 2) return true;
  if (ctx.set && ctx.set->autoscaler_for(w.kind_name(), w.namespace_(), w.name())) return true;
  const RuleConfig* mr = ctx.policy.rule(kId);
  return mr != nullptr && ctx.policy.enforcement(kId, ctx.environment) != Enforcement::off &&
         !mr->targets.empty() && ctx.policy.targets(*mr, w);
}

const Rule& min_replicas_rule() {
  static const MinReplicas rule;
  return rule;
}

}  // namespace haguard::rules
