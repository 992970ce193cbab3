#pragma once
// Kubernetes label selectors: the structured form (matchLabels + matchExpressions) used by
// anti-affinity terms and PodDisruptionBudgets, and the string form a Scale carries in
// status.selector ("app=dapp,tier in (web)").

#include <optional>
#include <string>
#include <string_view>

#include "policies/workload.h"

namespace haguard {

/// Whether a metav1.LabelSelector (JSON) selects `labels`. An empty selector selects everything,
/// as in the API. Returns nullopt when the selector is malformed (unknown operator, wrong types).
std::optional<bool> selector_matches(JsonNode selector, const Labels& labels);

/// Parses the equality part of a label-selector string into labels: "a=b,c==d" -> {a:b, c:d}.
/// Set-based terms ("x in (a,b)", "!y") are ignored: a Scale's selector is the controller's
/// matchLabels rendered as a string, and only its equalities identify the workload.
Labels parse_selector_string(std::string_view s);

}  // namespace haguard
