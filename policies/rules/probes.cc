// probes: the containers that serve the application have a liveness and a readiness probe.
// Which containers: by default the main ones (serving the named port, else the pod's default or
// first container), so that sidecars a chart or mesh adds are not asked for the app's probes;
// with `containers: all`, every container, native sidecars included.

#include "policies/policy_reader.h"
#include "policies/rules/pod_spec.h"

namespace haguard::rules {
namespace {

struct Params final : RuleParams {
  std::string port = "http";    ///< the named port that marks a main container, probed by the fix
  bool all_containers = false;  ///< every running container, or the main ones
};

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

std::vector<ContainerAt> judged_containers(const Workload& w, const Params& params) {
  return params.all_containers ? running_containers(w) : main_containers(w, params.port);
}

class Probes final : public Rule {
 public:
  std::string_view id() const override { return "probes"; }
  std::string_view description() const override {
    return "the containers serving the application have a liveness and a readiness probe";
  }
  std::shared_ptr<const RuleParams> load_params(const PolicyReader& in, const YAML::Node& n,
                                                const std::string& path) const override {
    in.only_keys(n, path, {"port", "containers"});
    auto p = std::make_shared<Params>();
    if (n["port"]) p->port = in.string(n["port"], path + ".port");
    if (n["containers"]) {
      const std::string c = in.string(n["containers"], path + ".containers");
      if (c != "main" && c != "all")
        in.fail(n["containers"], path + ".containers",
                "must be main (the containers serving the named port, else the default or first "
                "container) or all (sidecars too)");
      p->all_containers = c == "all";
    }
    return p;
  }
  bool applies_to(const Workload& w) const override { return w.is_long_running(); }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    if (!w.pod_template().present() && !w.workload_ref().empty())
      return {{Outcome::skip, "",
               "the pod template is read from " + w.workload_ref().kind + " " +
                   w.workload_ref().name + " (workloadRef): judged there"}};
    const JsonNode containers_node = pod_spec(w)["containers"];
    if (!containers_node.is_array())
      return {{Outcome::error, pod_spec_pointer(w) + "/containers",
               "the pod template has no containers list"}};
    std::vector<Verdict> out;
    const Params& params = ctx.params<Params>();
    const std::string& port = params.port;
    for (const ContainerAt& at : judged_containers(w, params)) {
      const JsonNode c = at.container;
      if (!c.is_object()) {
        out.push_back({Outcome::error, at.pointer(w), "container is not an object"});
        continue;
      }
      bool live = has_probe(c, "livenessProbe"), ready = has_probe(c, "readinessProbe");
      if (live && ready) continue;
      const JsonNode n = c["name"];
      std::string name = n.is_string() ? std::string(n.str()) : "#" + std::to_string(at.index);
      std::string missing = !live && !ready ? "livenessProbe and readinessProbe"
                            : !live         ? "livenessProbe"
                                            : "readinessProbe";
      std::string path = at.pointer(w) + "/" + (!live ? "livenessProbe" : "readinessProbe");
      bool fixable = has_named_port(c, port);
      out.push_back({Outcome::fail, path,
                     std::string(at.native_sidecar ? "sidecar" : "container") + " \"" + name +
                         "\" has no " + missing +
                         (fixable ? "; add it (the fix adds TCP probes on port \"" + port + "\")"
                                  : "; add one, or name a container port \"" + port +
                                        "\" for a TCP probe"),
                     fixable});
    }
    return out;
  }

  bool fix(json& object, std::string_view parent_kind, const RuleContext& ctx) const override {
    auto w = Workload::of(object, parent_kind);
    if (!w) return false;
    // The pointers of the containers to fix, read before editing the copy they point into.
    const Params& params = ctx.params<Params>();
    std::vector<std::string> pointers;
    for (const ContainerAt& at : judged_containers(*w, params)) pointers.push_back(at.pointer(*w));
    const std::string& port = params.port;
    bool changed = false;
    for (const std::string& p : pointers) {
      json& c = object[json::json_pointer(p)];
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
