#include "policies/rules/rule_list.h"

namespace haguard {

const std::vector<const Rule*>& all_rules() {
  static const std::vector<const Rule*> rules = {
      &rules::min_replicas_rule(),
      &rules::probes_rule(),
      &rules::soft_anti_affinity_rule(),
      &rules::no_bundled_stateful_services_rule(),
      &rules::resources_rule(),
      &rules::zone_spread_rule(),
      &rules::rolling_update_rule(),
  };
  return rules;
}

const std::vector<const SetRule*>& all_set_rules() {
  static const std::vector<const SetRule*> rules = {&rules::pod_disruption_budget_rule()};
  return rules;
}

bool is_known_rule(std::string_view id) {
  for (const Rule* r : all_rules())
    if (r->id() == id) return true;
  for (const SetRule* r : all_set_rules())
    if (r->id() == id) return true;
  return false;
}

}  // namespace haguard
