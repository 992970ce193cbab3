// probes: every app container has a liveness and a readiness probe.

#include "policies/rules/pod_spec.h"
#include "policies/rules/rule_list.h"

namespace haguard::rules {
namespace {

bool has_named_port(JsonNode container, const std::string& port) {
  for (JsonNode p : container["ports"].items())
    if (p["name"].equals(port)) return true;
  return false;
}

bool has_probe(JsonNode container, const char* key) {
  JsonNode p = container[key];
  return p.is_object() && !p.empty();
}

/// The probes the fix adds. haguard.libsonnet writes the same, so rendered objects need no patch.
json tcp_probe(const std::string& port, bool liveness) {
  json probe(json::value_t::object);
  probe["tcpSocket"]["port"] = port;
  probe["periodSeconds"] = liveness ? 10 : 5;
  if (liveness) probe["initialDelaySeconds"] = 15;
  return probe;
}

class Probes final : public Rule {
 public:
  std::string_view id() const override { return "probes"; }
  std::string_view description() const override {
    return "every app container has a liveness and a readiness probe";
  }
  bool applies_to(const Workload& w) const override { return w.is_long_running(); }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    const JsonNode containers_node = pod_spec(w)["containers"];
    const std::string base = pod_spec_pointer(w) + "/containers";
    if (!containers_node.is_array())
      return {{Outcome::error, base, "the pod template has no containers list"}};
    const std::vector<JsonNode> containers = containers_node.items();
    std::vector<Verdict> out;
    const std::string& port = ctx.config.params.port;
    for (std::size_t i = 0; i < containers.size(); ++i) {
      const JsonNode c = containers[i];
      if (!c.is_object()) {
        out.push_back({Outcome::error, base + "/" + std::to_string(i), "container is not an object"});
        continue;
      }
      bool live = has_probe(c, "livenessProbe"), ready = has_probe(c, "readinessProbe");
      if (live && ready) continue;
      const JsonNode n = c["name"];
      std::string name = n.is_string() ? std::string(n.str()) : "#" + std::to_string(i);
      std::string missing = !live && !ready ? "livenessProbe and readinessProbe"
                            : !live         ? "livenessProbe"
                                            : "readinessProbe";
      std::string path = base + "/" + std::to_string(i) + "/" + (!live ? "livenessProbe" : "readinessProbe");
      bool fixable = has_named_port(c, port);
      out.push_back({Outcome::fail, path,
                     "container \"" + name + "\" has no " + missing +
                         (fixable ? "; add it (the fix adds TCP probes on port \"" + port + "\")"
                                  : "; add one, or name a container port \"" + port +
                                        "\" for a TCP probe"),
                     fixable});
    }
    return out;
  }

  bool fix(json& object, std::string_view parent_kind, const RuleContext& ctx) const override {
    auto w = Workload::of(object, parent_kind);
    json* spec = w ? mutable_pod_spec(object, *w) : nullptr;
    if (spec == nullptr) return false;
    auto containers = spec->find("containers");
    if (containers == spec->end() || !containers->is_array()) return false;
    const std::string& port = ctx.config.params.port;
    bool changed = false;
    for (json& c : *containers) {
      if (!c.is_object() || !has_named_port(c, port)) continue;
      if (!has_probe(c, "livenessProbe")) c["livenessProbe"] = tcp_probe(port, true), changed = true;
      if (!has_probe(c, "readinessProbe")) c["readinessProbe"] = tcp_probe(port, false), changed = true;
    }
    return changed;
  }
};

}  // namespace

const Rule& probes_rule() {
  static const Probes rule;
  return rule;
}

}  // namespace haguard::rules
