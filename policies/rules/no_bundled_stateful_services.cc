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
    // Labels are read in place: this rule runs on every object, and copying label maps was most
    // of its cost.
    const json* meta = child(w.object(), "metadata");
    const json* template_ = w.pod_template();
    const json* template_meta = template_ ? child(*template_, "metadata") : nullptr;
    const json* labels[] = {meta ? child(*meta, "labels") : nullptr,
                            template_meta ? child(*template_meta, "labels") : nullptr};
    const json* spec = pod_spec(w);
    const json* containers = spec ? child(*spec, "containers") : nullptr;
    for (const BundledService& s : ctx.config.params.services) {
      std::string evidence, path;
      for (const char* key : {"app.kubernetes.io/name", "app"}) {
        for (int src = 0; src < 2 && evidence.empty(); ++src) {
          const json* value = labels[src] ? child(*labels[src], key) : nullptr;
          if (value == nullptr || !value->is_string()) continue;
          const std::string& v = value->get_ref<const std::string&>();
          if (!listed(s.labels, v)) continue;
          evidence = std::string("label ") + key + "=" + v;
          path = (src == 0 ? std::string() : w.pod_template_pointer()) + "/metadata/labels/" + pointer_token(key);
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
