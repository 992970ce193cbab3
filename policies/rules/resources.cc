// resources: every container sets CPU and memory requests and a memory limit, so the scheduler
// can place replicas and a noisy neighbour cannot starve them.

#include "policies/rules/pod_spec.h"

namespace haguard::rules {
namespace {

bool has_quantity(JsonNode container, const char* section, const char* resource) {
  const JsonNode q = container["resources"][section][resource];
  return q && !q.is_null() && !q.equals("");
}

class Resources final : public Rule {
 public:
  std::string_view id() const override { return "resources"; }
  std::string_view description() const override {
    return "every container sets cpu and memory requests and a memory limit";
  }
  bool applies_to(const Workload& w) const override { return w.pod_template().present(); }

  std::vector<Verdict> check(const Workload& w, const RuleContext&) const override {
    const JsonNode containers_node = pod_spec(w)["containers"];
    const std::string base = pod_spec_pointer(w) + "/containers";
    if (!containers_node.is_array())
      return {{Outcome::error, base, "the pod template has no containers list"}};
    const std::vector<JsonNode> containers = containers_node.items();
    std::vector<Verdict> out;
    for (std::size_t i = 0; i < containers.size(); ++i) {
      const JsonNode c = containers[i];
      std::string missing;
      auto need = [&](const char* section, const char* res, const char* label) {
        if (!has_quantity(c, section, res)) missing += (missing.empty() ? "" : ", ") + std::string(label);
      };
      need("requests", "cpu", "requests.cpu");
      need("requests", "memory", "requests.memory");
      need("limits", "memory", "limits.memory");
      if (missing.empty()) continue;
      const JsonNode n = c["name"];
      std::string name = n.is_string() ? std::string(n.str()) : "#" + std::to_string(i);
      out.push_back({Outcome::fail, base + "/" + std::to_string(i) + "/resources",
                     "container \"" + name + "\" does not set " + missing + "; set them from measured usage"});
    }
    return out;
  }
};

}  // namespace

const Rule& resources_rule() {
  static const Resources rule;
  return rule;
}

}  // namespace haguard::rules
