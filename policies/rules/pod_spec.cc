#include "policies/rules/pod_spec.h"

namespace haguard::rules {

const json* child(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

json& ensure_object(json& parent, const std::string& key) {
  json& v = parent[key];
  if (!v.is_object()) v = json::object();
  return v;
}

JsonNode pod_spec(const Workload& w) {
  JsonNode s = w.pod_template()["spec"];
  return s.is_object() ? s : JsonNode();
}

std::string pod_spec_pointer(const Workload& w) {
  std::string p = w.pod_template_pointer();
  return p.empty() ? p : p + "/spec";
}

json* mutable_pod_spec(json& object, const Workload& w) {
  // The same walk as pod_spec(), by key: a json_pointer would be parsed anew on every fix.
  const std::string p = pod_spec_pointer(w);
  if (p.empty()) return nullptr;
  json* cur = &object;
  for (std::string_view rest = std::string_view(p).substr(1); cur != nullptr;) {
    const std::size_t slash = rest.find('/');
    const std::string_view key = rest.substr(0, slash);
    auto it = cur->is_object() ? cur->find(key) : cur->end();
    cur = it != cur->end() ? &*it : nullptr;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return cur != nullptr && cur->is_object() ? cur : nullptr;
}

bool is_ha(const Workload& w, const RuleContext& ctx) {
  if (auto r = w.replicas(); r && *r >= 2) return true;
  if (ctx.set && ctx.set->hpa_for(w.kind_name(), w.namespace_(), w.name())) return true;
  const RuleConfig* mr = ctx.policy.rule("min-replicas");
  return mr != nullptr && ctx.policy.enforcement("min-replicas", ctx.environment) != Enforcement::off &&
         !mr->targets.empty() && ctx.policy.targets(*mr, w);
}

std::string describe_selector(JsonNode selector) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ",") + s; };
  auto text = [](JsonNode v) { return v.is_string() ? std::string(v.str()) : v.dump(); };
  for (const auto& [key, value] : selector["matchLabels"].members())
    add(std::string(key) + "=" + text(value));
  for (JsonNode e : selector["matchExpressions"].items()) {
    JsonNode key = e["key"], op = e["operator"];
    std::string s = (key.is_string() ? std::string(key.str()) : std::string("?")) + " " +
                    (op.is_string() ? std::string(op.str()) : std::string("?"));
    if (const std::vector<JsonNode> values = e["values"].items(); !values.empty()) {
      s += " (";
      for (std::size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + text(values[i]);
      s += ")";
    }
    add(s);
  }
  return out.empty() ? "{}" : out;
}

Labels own_selector_labels(const Workload& w) {
  Labels sel = w.selector_labels();
  Labels pod = w.pod_labels();
  bool subset = !sel.empty();
  for (const auto& [k, v] : sel) {
    auto it = pod.find(k);
    subset = subset && it != pod.end() && it->second == v;
  }
  return subset ? sel : pod;
}

}  // namespace haguard::rules
