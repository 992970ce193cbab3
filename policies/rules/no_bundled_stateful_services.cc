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
  bool applies_to(const Workload& w) const override { return w.pod_template() != nullptr; }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    std::vector<Verdict> out;
    const Labels labels = w.labels();
    const Labels pod = w.pod_labels();
    const json* spec = pod_spec(w);
    const json* containers = spec ? child(*spec, "containers") : nullptr;
    for (const BundledService& s : ctx.config.params.services) {
      std::string evidence, path;
      const std::pair<const Labels*, std::string> sources[] = {
          {&labels, "/metadata/labels/"}, {&pod, w.pod_template_pointer() + "/metadata/labels/"}};
      for (const char* key : {"app.kubernetes.io/name", "app"}) {
        for (const auto& [l, prefix] : sources) {
          auto it = l->find(key);
          if (evidence.empty() && it != l->end() && listed(s.labels, it->second)) {
            evidence = std::string("label ") + key + "=" + it->second;
            path = prefix + pointer_token(key);
          }
        }
      }
      if (evidence.empty() && containers && containers->is_array()) {
        for (std::size_t i = 0; i < containers->size() && evidence.empty(); ++i) {
          const json* image = child((*containers)[i], "image");
          if (image && image->is_string() && listed(s.images, image_base_name(image->get<std::string>()))) {
            evidence = "image " + image->get<std::string>();
            path = pod_spec_pointer(w) + "/containers/" + std::to_string(i) + "/image";
          }
        }
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
