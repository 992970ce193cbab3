// Every rule, in evaluation order. Adding a rule: its file in policies/rules/, and its line here
// (with the declaration of its accessor, which the rule's file defines).

#include "policies/policy_reader.h"
#include "policies/rule.h"

namespace haguard {
namespace rules {

const Rule& min_replicas_rule();
const Rule& probes_rule();
const Rule& soft_anti_affinity_rule();
const Rule& no_bundled_stateful_services_rule();
const Rule& resources_rule();
const Rule& zone_spread_rule();
const Rule& rolling_update_rule();
const Rule& placement_pinning_rule();
const SetRule& pod_disruption_budget_rule();

}  // namespace rules

const std::vector<const Rule*>& all_rules() {
  static const std::vector<const Rule*> list = {
      &rules::min_replicas_rule(),
      &rules::probes_rule(),
      &rules::soft_anti_affinity_rule(),
      &rules::no_bundled_stateful_services_rule(),
      &rules::resources_rule(),
      &rules::zone_spread_rule(),
      &rules::rolling_update_rule(),
      &rules::placement_pinning_rule(),
  };
  return list;
}

const std::vector<const SetRule*>& all_set_rules() {
  static const std::vector<const SetRule*> list = {&rules::pod_disruption_budget_rule()};
  return list;
}

const RuleBase* find_rule(std::string_view id) {
  for (const Rule* r : all_rules())
    if (r->id() == id) return r;
  for (const SetRule* r : all_set_rules())
    if (r->id() == id) return r;
  return nullptr;
}

bool is_known_rule(std::string_view id) { return find_rule(id) != nullptr; }

std::shared_ptr<const RuleParams> RuleBase::load_params(const PolicyReader& in, const YAML::Node& n,
                                                        const std::string& path) const {
  in.only_keys(n, path, {});
  static const auto none = std::make_shared<const RuleParams>();
  return none;
}

}  // namespace haguard
