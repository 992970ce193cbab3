// placement-pinning: an HA workload's placement rules do not pin every replica to one zone, one
// node pool or one node ("placement rules do not pin all replicas to one node group or zone").
// A pod may run only where its nodeSelector and its required node affinity both allow: a key is
// pinned when the nodeSelector names one value for it, or when every term of the required
// affinity (the terms are ORed) allows it one value and together they allow the same one (the In
// lists of one term are ANDed). NotIn, Exists, DoesNotExist, Gt and Lt pin nothing; a term with
// no requirement matches no node and allows nothing. spec.nodeName pins to one node.

#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "policies/policy_reader.h"
#include "policies/rules/min_replicas.h"
#include "policies/rules/pod_spec.h"

namespace haguard::rules {
namespace {

constexpr const char* kRequired = "requiredDuringSchedulingIgnoredDuringExecution";

/// Node labels whose values name failure domains of one sort, and how messages call one of them.
struct DomainKeys {
  std::vector<std::string> keys;
  const char* one;  ///< "zone"
  const char* fix;  ///< what to do instead, said first (warnings are cut at 120 characters)
  const char* field = nullptr;  ///< the node field a term's matchFields may pin it by
};

struct Params final : RuleParams {
  DomainKeys zones{{"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"},
                   "zone",
                   "allow two or more zones and spread the replicas over them"};
  DomainKeys node_pools{{"cloud.google.com/gke-nodepool", "eks.amazonaws.com/nodegroup",
                         "karpenter.sh/nodepool", "kubernetes.azure.com/agentpool", "agentpool",
                         "hypershift.openshift.io/nodePool"},
                        "node pool",
                        "allow two or more node pools, or make it a preferred node affinity"};
  DomainKeys nodes{{"kubernetes.io/hostname"}, "node",
                   "remove it, or make it a preferred node affinity", "metadata.name"};
  /// The three, in the order they are reported.
  std::array<const DomainKeys*, 3> all() const { return {&zones, &node_pools, &nodes}; }
};

/// The values one term allows for `key` in its `list` ("matchExpressions" or "matchFields"): the
/// intersection of its In lists on the key; nullopt when it has none (any value, or no value).
std::optional<std::set<std::string>> term_allows(JsonNode term, const char* list, std::string_view key) {
  std::optional<std::set<std::string>> allowed;
  for (JsonNode e : term[list].items()) {
    if (!e["key"].equals(key) || !e["operator"].equals("In")) continue;
    std::set<std::string> values;
    for (JsonNode v : e["values"].items())
      if (v.is_string()) values.emplace(v.str());
    if (!allowed) {
      allowed = std::move(values);
      continue;
    }
    std::set<std::string> both;
    std::set_intersection(allowed->begin(), allowed->end(), values.begin(), values.end(),
                          std::inserter(both, both.end()));
    allowed = std::move(both);
  }
  return allowed;
}

/// The one value the required node affinity's terms allow for `key`, or "" when they allow
/// several, any, or none.
std::string affinity_pins(JsonNode terms, const char* list, std::string_view key) {
  std::set<std::string> allowed;
  for (JsonNode term : terms.items()) {
    if (term["matchExpressions"].empty() && term["matchFields"].empty()) continue;  // matches no node
    std::optional<std::set<std::string>> values = term_allows(term, list, key);
    if (!values) return {};  // this term lets the replicas go anywhere as far as `key` goes
    allowed.insert(values->begin(), values->end());
    if (allowed.size() > 1) return {};
  }
  return allowed.size() == 1 ? *allowed.begin() : std::string();
}

/// A pin found: where it is written, the key and the value.
struct Pin {
  std::string where;  ///< "nodeSelector", "required node affinity", "spec.nodeName"
  std::string path;
  std::string key;
  std::string value;
};

std::optional<Pin> find_pin(const Workload& w, JsonNode spec, const DomainKeys& domain) {
  const JsonNode selector = spec["nodeSelector"];
  for (const std::string& key : domain.keys)
    if (const JsonNode v = selector[key]; v.is_string())
      return Pin{"nodeSelector", pod_spec_pointer(w) + "/nodeSelector/" + pointer_token(key), key,
                 std::string(v.str())};
  const JsonNode terms = spec["affinity"]["nodeAffinity"][kRequired]["nodeSelectorTerms"];
  if (terms.empty()) return std::nullopt;
  const auto affinity_pin = [&](const char* list, const std::string& key) -> std::optional<Pin> {
    std::string value = affinity_pins(terms, list, key);
    if (value.empty()) return std::nullopt;
    return Pin{"required node affinity",
               pod_spec_pointer(w) + "/affinity/nodeAffinity/" + kRequired + "/nodeSelectorTerms",
               key, std::move(value)};
  };
  for (const std::string& key : domain.keys)
    if (auto pin = affinity_pin("matchExpressions", key)) return pin;
  if (domain.field != nullptr) return affinity_pin("matchFields", domain.field);
  return std::nullopt;
}

class PlacementPinning final : public Rule {
 public:
  std::string_view id() const override { return "placement-pinning"; }
  std::string_view description() const override {
    return "HA workloads' nodeSelector and required node affinity do not pin every replica to one "
           "zone, one node pool or one node";
  }
  std::shared_ptr<const RuleParams> load_params(const PolicyReader& in, const YAML::Node& n,
                                                const std::string& path) const override {
    in.only_keys(n, path, {"zoneKeys", "nodePoolKeys", "nodeKeys"});
    auto p = std::make_shared<Params>();
    const auto keys = [&](const char* name, DomainKeys& into) {
      if (!n[name]) return;
      into.keys = in.strings(n[name], path + "." + name);
      if (into.keys.empty()) in.fail(n[name], path + "." + name, "must list at least one node label");
    };
    keys("zoneKeys", p->zones);
    keys("nodePoolKeys", p->node_pools);
    keys("nodeKeys", p->nodes);
    return p;
  }
  bool applies_to(const Workload& w) const override { return w.has_replicas_field(); }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    if (!w.pod_template().present() && !w.workload_ref().empty())
      return {{Outcome::skip, "",
               "the pod template is read from " + w.workload_ref().kind + " " +
                   w.workload_ref().name + " (workloadRef): judged there"}};
    if (!is_ha(w, ctx)) return {{Outcome::skip, "", "not an HA workload (fewer than 2 replicas)"}};
    const Params& params = ctx.params<Params>();
    const JsonNode spec = pod_spec(w);
    std::vector<Verdict> out;
    const JsonNode node_name = spec["nodeName"];
    const bool named_node = node_name.is_string() && !node_name.str().empty();
    for (const DomainKeys* domain : params.all()) {
      if (domain == &params.nodes && named_node) {  // bypasses the scheduler: said on its own
        out.push_back({Outcome::fail, pod_spec_pointer(w) + "/nodeName",
                       "pins every replica to one node; remove spec.nodeName (" +
                           std::string(node_name.str()) + ") and let the scheduler place them"});
        continue;
      }
      std::optional<Pin> pin = find_pin(w, spec, *domain);
      if (!pin) continue;
      out.push_back({Outcome::fail, pin->path,
                     std::string("pins every replica to one ") + domain->one + "; " + domain->fix +
                         " (" + pin->where + " " + pin->key + "=" + pin->value + ")"});
    }
    return out;
  }
};

}  // namespace

const Rule& placement_pinning_rule() {
  static const PlacementPinning rule;
  return rule;
}

}  // namespace haguard::rules
