// soft-anti-affinity: replicas spread over nodes without blocking scheduling: a preferred pod
// anti-affinity term on the hostname topology, or a topology spread constraint on it, that selects
// the pod's own labels in its own namespace ("use anti-affinity or topology spread rules").

#include "policies/label_selector.h"
#include "policies/policy_reader.h"
#include "policies/rules/min_replicas.h"
#include "policies/rules/pod_spec.h"

namespace haguard::rules {
namespace {

struct Params final : RuleParams {
  std::string topology_key = "kubernetes.io/hostname";  ///< the topology replicas spread over
};

constexpr const char* kPreferred = "preferredDuringSchedulingIgnoredDuringExecution";
constexpr const char* kRequired = "requiredDuringSchedulingIgnoredDuringExecution";

class SoftAntiAffinity final : public Rule {
 public:
  std::string_view id() const override { return "soft-anti-affinity"; }
  std::string_view description() const override {
    return "replicas spread over nodes through a preferred pod anti-affinity term or a topology "
           "spread constraint on the hostname topology that selects the pod's own labels";
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
      return {{Outcome::skip, "",
               "the pod template is read from " + w.workload_ref().kind + " " +
                   w.workload_ref().name + " (workloadRef): judged there"}};
    if (!is_ha(w, ctx)) return {{Outcome::skip, "", "not an HA workload (fewer than 2 replicas)"}};
    const std::string& key = ctx.params<Params>().topology_key;
    const Labels own = w.pod_labels();
    // Spelled only for a verdict: most objects get none.
    const auto base = [&w] { return pod_spec_pointer(w) + "/affinity/podAntiAffinity"; };
    const JsonNode anti = pod_spec(w)["affinity"]["podAntiAffinity"];
    std::vector<Verdict> out;
    bool satisfied = false;
    std::string strays;  // preferred terms on the key that do not select the pod's own labels

    for (JsonNode c : pod_spec(w)["topologySpreadConstraints"].items()) {
      if (!c["topologyKey"].equals(key)) continue;
      auto m = selector_matches(c["labelSelector"], own);
      if (m && *m) satisfied = true;
    }
    const std::vector<JsonNode> preferred = anti[kPreferred].items();
    for (std::size_t i = 0; i < preferred.size(); ++i) {
      const JsonNode term = preferred[i]["podAffinityTerm"];
      if (!term["topologyKey"].equals(key)) continue;
      if (!in_own_namespace(term, w)) {
        strays += (strays.empty() ? "" : "; ") + std::string("term #") + std::to_string(i) +
                  " (other namespaces)";
        continue;
      }
      const JsonNode sel = term["labelSelector"];
      auto m = selector_matches(sel, own);
      if (!m)
        return {{Outcome::error, base() + "/" + kPreferred + "/" + std::to_string(i),
                 "preferred anti-affinity term #" + std::to_string(i) +
                     " has a malformed labelSelector"}};
      if (*m) satisfied = true;
      else if (!satisfied) strays += (strays.empty() ? "" : "; ") + std::string("term #") + std::to_string(i) +
                     " (" + (sel ? describe_selector(sel) : std::string("no selector")) + ")";
    }
    const std::vector<JsonNode> required = anti[kRequired].items();
    for (std::size_t i = 0; i < required.size(); ++i) {
      if (required[i]["topologyKey"].equals(key))
        out.push_back({Outcome::warn, base() + "/" + kRequired + "/" + std::to_string(i),
                       "hard (required) term #" + std::to_string(i) + " on " + key +
                           " blocks scheduling on small clusters; make it preferred"});
    }
    if (!satisfied) {
      // The fix comes before the detail: admission warnings are cut at 120 characters.
      Labels sel = own_selector_labels(w);
      bool fixable = !sel.empty();
      std::string msg = "no preferred anti-affinity term or spread constraint on " + key +
                        " selects its own pods; " +
                        (fixable ? "add a weight-1 term" : "label the pod template, then add one");
      if (!strays.empty()) msg += " (" + strays + " does not select its own pods)";
      out.insert(out.begin(), Verdict{Outcome::fail, base() + "/" + kPreferred, msg, fixable});
    }
    return out;
  }

  bool fix(json& object, std::string_view parent_kind, const RuleContext& ctx) const override {
    auto w = Workload::of(object, parent_kind);
    if (!w) return false;
    Labels sel = own_selector_labels(*w);
    json* spec = mutable_pod_spec(object, *w);
    if (spec == nullptr || sel.empty()) return false;
    json& anti = ensure_object(ensure_object(*spec, "affinity"), "podAntiAffinity");
    json& pref = anti[kPreferred];
    if (!pref.is_array()) pref = json::array();
    // Built in place, member by member: json's initializer lists copy every element twice, which
    // made this the costliest step of fixing a Deployment.
    json& term = pref.emplace_back(json::value_t::object);
    term.emplace("weight", 1);
    json& affinity_term = term["podAffinityTerm"];
    affinity_term.emplace("topologyKey", ctx.params<Params>().topology_key);
    json& match = affinity_term["labelSelector"]["matchLabels"];
    match = json::object();
    for (const auto& [k, v] : sel) match.emplace(k, v);
    return true;
  }
};

}  // namespace

const Rule& soft_anti_affinity_rule() {
  static const SoftAntiAffinity rule;
  return rule;
}

}  // namespace haguard::rules
