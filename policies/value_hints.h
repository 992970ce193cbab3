#pragma once
// Hints that speak values: chart users edit values, not manifests, so a finding on an object a
// known chart rendered also names the value to set ("set dalp.dapp.replicaCount: 2
// (values-production-ha.yaml)"). The HAPolicy lists them under spec.valueHints; the chart is
// read from the object's helm.sh/chart label ("<chart>-<version>").

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "policies/workload.h"

namespace haguard {

class PolicyReader;

/// One hint: when `rule` finds against an object of `chart` whose labels hold every entry of
/// `labels`, the message also says `set` (and in which values file).
struct ValueHint {
  std::string chart;        ///< chart name, as in helm.sh/chart before the version
  std::string rule;         ///< rule id
  Labels labels;            ///< further labels the object must carry (app.kubernetes.io/name, ...)
  std::string set;          ///< "dalp.dapp.replicaCount: 2" (several joined with ", ")
  std::string values_file;  ///< "values-production-ha.yaml", or "" to name none
};

/// Reads spec.valueHints (a list) into `out`; throws PolicyLoadFailure
/// ("<source>:<line>:<col>: spec.valueHints[i].<key>: <problem>") through `r`.
void load_value_hints(const PolicyReader& r, const YAML::Node& node, std::vector<ValueHint>& out);

/// The chart name in a helm.sh/chart label value ("dalp-1.4.0" -> "dalp"), "" when it has none.
std::string chart_of_label(std::string_view value);

/// "; set X (file)" for each hint matching `rule` on `w`, "" when none does (or no hints).
std::string value_hint_suffix(const std::vector<ValueHint>& hints, std::string_view rule,
                              const Workload& w);

}  // namespace haguard
