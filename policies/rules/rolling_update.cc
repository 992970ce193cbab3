// rolling-update: HA workloads roll out without taking every replica down at once.

#include "policies/rules/min_replicas.h"
#include "policies/rules/pod_spec.h"

namespace haguard::rules {
namespace {

std::string_view strategy_type(JsonNode object, const char* field) {
  return object["spec"][field]["type"].str();
}

class RollingUpdate final : public Rule {
 public:
  std::string_view id() const override { return "rolling-update"; }
  std::string_view description() const override {
    return "HA workloads update by rolling (no Recreate Deployments, no OnDelete StatefulSets)";
  }
  bool applies_to(const Workload& w) const override {
    return w.kind() == WorkloadKind::deployment || w.kind() == WorkloadKind::stateful_set;
  }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    if (!is_ha(w, ctx)) return {{Outcome::skip, "", "not an HA workload (fewer than 2 replicas)"}};
    if (w.kind() == WorkloadKind::deployment && strategy_type(w.object(), "strategy") == "Recreate")
      return {{Outcome::fail, "/spec/strategy/type",
               "strategy Recreate stops every replica before starting new ones; use RollingUpdate "
               "with maxUnavailable: 0 or 1"}};
    if (w.kind() == WorkloadKind::stateful_set && strategy_type(w.object(), "updateStrategy") == "OnDelete")
      return {{Outcome::fail, "/spec/updateStrategy/type",
               "updateStrategy OnDelete leaves updates to manual pod deletion; use RollingUpdate"}};
    return {};
  }
};

}  // namespace

const Rule& rolling_update_rule() {
  static const RollingUpdate rule;
  return rule;
}

}  // namespace haguard::rules
