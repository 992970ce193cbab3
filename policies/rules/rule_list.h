#pragma once
// Every rule's accessor, in one place for the registry. Adding a rule: one file, one line here,
// one line in registry.cc.

#include "policies/rule.h"

namespace haguard::rules {

const Rule& min_replicas_rule();
const Rule& probes_rule();
const Rule& soft_anti_affinity_rule();
const Rule& no_bundled_stateful_services_rule();
const Rule& resources_rule();
const Rule& zone_spread_rule();
const Rule& rolling_update_rule();
const SetRule& pod_disruption_budget_rule();

}  // namespace haguard::rules
