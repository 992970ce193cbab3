#pragma once
// What the min-replicas rule decides for the other rules: which workloads are meant to be highly
// available.

#include "policies/rule.h"

namespace haguard::rules {

/// Whether the workload is meant to be highly available: it asks for two or more replicas, an
/// autoscaler manages it, or it is a target of the min-replicas rule in this environment.
bool is_ha(const Workload& w, const RuleContext& ctx);

}  // namespace haguard::rules
