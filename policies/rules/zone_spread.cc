// zone-spread: HA workloads spread over zones, by a topology spread constraint or an
// anti-affinity term on the zone key that selects the pod's own labels.

#include "policies/label_selector.h"
#include "policies/policy_reader.h"
#include "policies/rules/min_replicas.h"
#include "policies/rules/pod_spec.h"

namespace haguard::rules {
namespace {

struct Params final : RuleParams {
  std::string topology_key = "topology.kubernetes.io/zone";  ///< the zone label of the nodes
};

bool term_spreads(JsonNode term, const std::string& key, const Labels& own, const Workload& w) {
  if (!term["topologyKey"].equals(key) || !in_own_namespace(term, w)) return false;
  auto m = selector_matches(term["labelSelector"], own);
  return m && *m;
}

class ZoneSpread final : public Rule {
 public:
  std::string_view id() const override { return "zone-spread"; }
  std::string_view description() const override {
    return "HA workloads spread over zones (topologySpreadConstraints or anti-affinity on the zone key)";
  }
  std::shared_ptr<const RuleParams> load_params(const PolicyReader& in, const YAML::Node& n,
                                                const std::string& path) const override {
    in.only_keys(n, path, {"topologyKey"});
    auto p = std::make_shared<Params>();
    if (n["topologyKey"]) p->topology_key = in.string(n["topologyKey"], path + ".topologyKey");
    return p;
  }
  bool applies_to(const Workload& w) const override { return w.has_replicas_field(); }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    if (!w.pod_template().present() && !w.workload_ref().empty())
      return {{Outcome::skip, "", "the pod template is read from its workloadRef: judged there"}};
    if (!is_ha(w, ctx)) return {{Outcome::skip, "", "not an HA workload (fewer than 2 replicas)"}};
    const std::string& key = ctx.params<Params>().topology_key;
    const Labels own = w.pod_labels();
    const JsonNode spec = pod_spec(w);
    for (JsonNode c : spec["topologySpreadConstraints"].items())
      if (term_spreads(c, key, own, w)) return {};
    const JsonNode anti = spec["affinity"]["podAntiAffinity"];
    for (JsonNode t : anti["preferredDuringSchedulingIgnoredDuringExecution"].items())
      if (term_spreads(t["podAffinityTerm"], key, own, w)) return {};
    for (JsonNode t : anti["requiredDuringSchedulingIgnoredDuringExecution"].items())
      if (term_spreads(t, key, own, w)) return {};
    return {{Outcome::fail, pod_spec_pointer(w) + "/topologySpreadConstraints",
             "not spread over zones; add a topologySpreadConstraint on " + key + " selecting its pods"}};
  }
};

}  // namespace

const Rule& zone_spread_rule() {
  static const ZoneSpread rule;
  return rule;
}

}  // namespace haguard::rules
