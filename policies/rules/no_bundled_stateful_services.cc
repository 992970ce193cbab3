// no-bundled-stateful-services: in production, no in-cluster PostgreSQL, Redis/Valkey or object
// storage; managed services instead. Recognised by label or by image base name.

#include "policies/image_name.h"
#include "policies/rules/pod_spec.h"
#include "policies/rules/rule_list.h"

#include <algorithm>

namespace haguard::rules {
namespace {

bool listed(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class NoBundledStatefulServices final : public Rule {
 public:
  std::string_view id() const override { return "no-bundled-stateful-services"; }
  std::string_view description() const override {
    return "no in-cluster PostgreSQL, Redis/Valkey or object storage (RustFS, MinIO): use managed "
           "services";
  }
  bool applies_to(const Workload& w) const override { return w.pod_template().present(); }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    std::vector<Verdict> out;
    // Labels are read in place: this rule runs on every object, and copying label maps was most
    // of its cost.
    const JsonNode labels[] = {w.object()["metadata"]["labels"],
                               w.pod_template()["metadata"]["labels"]};
    constexpr const char* kKeys[] = {"app.kubernetes.io/name", "app"};
    // Read once, then matched against each service: the label values by key and source, and the
    // containers' image base names.
    std::string_view values[2][2] = {};  // [key][0: the object's labels, 1: the pod template's]
    for (int k = 0; k < 2; ++k)
      for (int src = 0; src < 2; ++src) values[k][src] = labels[src][kKeys[k]].str();
    struct Image {
      std::size_t index;
      std::string_view image;
      std::string base;
    };
    std::vector<Image> images;
    const std::vector<JsonNode> containers = pod_spec(w)["containers"].items();
    for (std::size_t i = 0; i < containers.size(); ++i)
      if (const JsonNode image = containers[i]["image"]; image.is_string())
        images.push_back({i, image.str(), image_base_name(image.str())});
    for (const BundledService& s : ctx.config.params.services) {
      std::string evidence, path;
      for (int k = 0; k < 2 && evidence.empty(); ++k) {
        for (int src = 0; src < 2 && evidence.empty(); ++src) {
          if (values[k][src].empty() || !listed(s.labels, values[k][src])) continue;
          evidence = std::string("label ") + kKeys[k] + "=" + std::string(values[k][src]);
          path = (src == 0 ? std::string() : w.pod_template_pointer()) + "/metadata/labels/" +
                 pointer_token(kKeys[k]);
        }
      }
      for (std::size_t i = 0; i < images.size() && evidence.empty(); ++i) {
        if (!listed(s.images, images[i].base)) continue;
        evidence = "image " + std::string(images[i].image);
        path = pod_spec_pointer(w) + "/containers/" + std::to_string(images[i].index) + "/image";
      }
      if (evidence.empty()) continue;
      out.push_back({Outcome::fail, path,
                     "runs an in-cluster " + s.name + " (" + evidence + "); use " +
                         (s.instead.empty() ? "a managed " + s.name : s.instead) +
                         " instead and point the application at it"});
    }
    return out;
  }
};

}  // namespace

const Rule& no_bundled_stateful_services_rule() {
  static const NoBundledStatefulServices rule;
  return rule;
}

}  // namespace haguard::rules
