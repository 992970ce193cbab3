// no-bundled-stateful-services: in production, no in-cluster PostgreSQL, Redis/Valkey or object
// storage; managed services instead. A server is recognised by the family of its image (globs
// over the base name: "postgresql-*" takes Bitnami's postgresql-repmgr) or its name label, in any
// container that runs for the pod's life, native sidecars included; and by the operator resources
// that make database pods haguard never sees (CloudNativePG's Cluster). Jobs and CronJobs are
// clients (a pg_dump backup), and an operator's own Deployment runs no database: neither is judged.

#include "policies/image_name.h"
#include "policies/rules/pod_spec.h"
#include "policies/rules/rule_list.h"

#include <algorithm>

namespace haguard::rules {
namespace {

bool any_glob(const std::vector<std::string>& patterns, std::string_view s) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return glob_match(p, s); });
}

/// Whether `value` (a label value or an image base name) names the service's server.
bool names_server(const BundledService& s, const std::vector<std::string>& patterns,
                  std::string_view value) {
  return !value.empty() && any_glob(patterns, value) && !any_glob(s.except, value);
}

std::string advice(const BundledService& s) {
  return "use " + (s.instead.empty() ? "a managed " + s.name : s.instead) +
         " instead and point the application at it";
}

class NoBundledStatefulServices final : public Rule {
 public:
  std::string_view id() const override { return "no-bundled-stateful-services"; }
  std::string_view description() const override {
    return "no in-cluster PostgreSQL, Redis/Valkey or object storage (RustFS, MinIO): use managed "
           "services";
  }
  bool applies_to(const Workload& w) const override {
    return w.kind() == WorkloadKind::custom_resource || (w.is_long_running() && w.pod_template().present());
  }

  std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const override {
    if (w.kind() == WorkloadKind::custom_resource) return check_resource(w, ctx);
    std::vector<Verdict> out;
    // Labels are read in place: this rule runs on every object.
    const JsonNode labels[] = {w.object()["metadata"]["labels"],
                               w.pod_template()["metadata"]["labels"]};
    constexpr const char* kKeys[] = {"app.kubernetes.io/name", "app"};
    std::string_view values[2][2] = {};  // [key][0: the object's labels, 1: the pod template's]
    for (int k = 0; k < 2; ++k)
      for (int src = 0; src < 2; ++src) values[k][src] = labels[src][kKeys[k]].str();
    struct Image {
      ContainerAt at;
      std::string_view image;
      std::string base;
    };
    std::vector<Image> images;
    for (const ContainerAt& c : running_containers(w))
      if (const JsonNode image = c.container["image"]; image.is_string())
        images.push_back({c, image.str(), image_base_name(image.str())});
    for (const BundledService& s : ctx.config.params.services) {
      std::string evidence, path;
      for (int k = 0; k < 2 && evidence.empty(); ++k) {
        for (int src = 0; src < 2 && evidence.empty(); ++src) {
          if (!names_server(s, s.labels, values[k][src])) continue;
          evidence = std::string("label ") + kKeys[k] + "=" + std::string(values[k][src]);
          path = (src == 0 ? std::string() : w.pod_template_pointer()) + "/metadata/labels/" +
                 pointer_token(kKeys[k]);
        }
      }
      for (std::size_t i = 0; i < images.size() && evidence.empty(); ++i) {
        if (!names_server(s, s.images, images[i].base)) continue;
        evidence = "image " + std::string(images[i].image);
        path = images[i].at.pointer(w) + "/image";
      }
      if (evidence.empty()) continue;
      out.push_back({Outcome::fail, path, "runs an in-cluster " + s.name + " (" + evidence + "); " + advice(s)});
    }
    return out;
  }

 private:
  /// An operator's resource: a database the operator runs, when the policy names its kind.
  static std::vector<Verdict> check_resource(const Workload& w, const RuleContext& ctx) {
    const std::string_view api_version = w.object()["apiVersion"].str();
    const std::string gk =
        std::string(api_version.substr(0, api_version.find('/'))) + "/" + w.kind_name();
    for (const BundledService& s : ctx.config.params.services)
      if (std::find(s.resources.begin(), s.resources.end(), gk) != s.resources.end())
        return {{Outcome::fail, "",
                 "runs an in-cluster " + s.name + " (operator resource " + gk + "); " + advice(s)}};
    return {{Outcome::skip, "", "not a resource the policy names"}};
  }
};

}  // namespace

const Rule& no_bundled_stateful_services_rule() {
  static const NoBundledStatefulServices rule;
  return rule;
}

}  // namespace haguard::rules
