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

std::string ContainerAt::pointer(const Workload& w) const {
  return pod_spec_pointer(w) + (native_sidecar ? "/initContainers/" : "/containers/") +
         std::to_string(index);
}

std::vector<ContainerAt> running_containers(const Workload& w) {
  std::vector<ContainerAt> out;
  const JsonNode spec = pod_spec(w);
  std::vector<JsonNode> containers = spec["containers"].items();
  out.reserve(containers.size());
  for (std::size_t i = 0; i < containers.size(); ++i) out.push_back({containers[i], i, false});
  if (const JsonNode init_node = spec["initContainers"]; init_node.is_array()) {
    const std::vector<JsonNode> init = init_node.items();
    for (std::size_t i = 0; i < init.size(); ++i)
      if (init[i]["restartPolicy"].equals("Always")) out.push_back({init[i], i, true});
  }
  return out;
}

std::vector<ContainerAt> main_containers(const Workload& w, const std::string& port) {
  std::vector<ContainerAt> all = running_containers(w);
  std::vector<ContainerAt> out;
  for (const ContainerAt& c : all) {
    if (c.native_sidecar) continue;
    for (JsonNode p : c.container["ports"].items())
      if (p["name"].equals(port)) {
        out.push_back(c);
        break;
      }
  }
  if (!out.empty() || all.empty() || all.front().native_sidecar) return out;
  const JsonNode named =
      w.pod_template()["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"];
  if (named.is_string())
    for (const ContainerAt& c : all)
      if (!c.native_sidecar && c.container["name"].equals(named.str())) return {c};
  return {all.front()};
}

bool in_own_namespace(JsonNode term, const Workload& w) {
  // The term looks at the namespaces listed and those its namespaceSelector selects; with
  // neither, at the pod's own. An empty selector ({}) selects every namespace.
  const JsonNode namespaces = term["namespaces"];
  if (!namespaces.empty()) {  // the object's namespace is read only for such a term
    const std::string own = w.namespace_();
    for (JsonNode ns : namespaces.items())
      if (ns.equals(own)) return true;
  }
  const JsonNode selector = term["namespaceSelector"];
  if (selector.is_object() && selector.empty()) return true;
  return namespaces.empty() && (!selector || selector.is_null());
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
