// no-bundled-stateful-services: in production, no in-cluster PostgreSQL, Redis/Valkey or object
// storage; managed services instead. A server is recognised by the family of its image (globs
// over the base name: "postgresql-*" takes Bitnami's postgresql-repmgr) or its name label, in any
// container that runs for the pod's life, native sidecars included; and by the operator resources
// that make database pods haguard never sees (CloudNativePG's Cluster). Jobs and CronJobs are
// clients (a pg_dump backup), and an operator's own Deployment runs no database: neither is judged.

#include <algorithm>

#include "policies/image_name.h"
#include "policies/policy_reader.h"
#include "policies/rules/pod_spec.h"

namespace haguard::rules {
namespace {

/// One bundled stateful service class, e.g. PostgreSQL, and what to use instead.
struct BundledService {
  std::string name;                    ///< "PostgreSQL"
  std::vector<std::string> labels;     ///< globs over app.kubernetes.io/name or app label values
  std::vector<std::string> images;     ///< globs over image base names ("postgresql-*")
  std::vector<std::string> except;     ///< globs over both that are clients ("*exporter*")
  std::vector<std::string> resources;  ///< operator resources that run it: "group/Kind"
  std::string instead;                 ///< what to use instead, said in the denial
};

struct Params final : RuleParams {
  std::vector<BundledService> services;
  std::vector<std::string> custom_resources() const override {
    std::vector<std::string> out;
    for (const BundledService& s : services) out.insert(out.end(), s.resources.begin(), s.resources.end());
    return out;
  }
};

BundledService load_service(const PolicyReader& in, const YAML::Node& n, const std::string& path) {
  in.only_keys(n, path, {"name", "labels", "images", "except", "resources", "instead"});
  BundledService b;
  if (!n["name"]) in.fail(n, path, "missing key name");
  b.name = in.string(n["name"], path + ".name");
  if (n["labels"]) b.labels = in.strings(n["labels"], path + ".labels");
  if (n["images"]) b.images = in.strings(n["images"], path + ".images");
  if (n["except"]) b.except = in.strings(n["except"], path + ".except");
  if (const YAML::Node res = n["resources"]) {
    if (!res.IsSequence()) in.fail(res, path + ".resources", "must be a list of strings");
    for (std::size_t k = 0; k < res.size(); ++k)
      b.resources.push_back(in.group_kind(res[k], PolicyReader::at(path + ".resources", k)));
  }
  if (n["instead"]) b.instead = in.string(n["instead"], path + ".instead");
  return b;
}

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
  std::shared_ptr<const RuleParams> load_params(const PolicyReader& in, const YAML::Node& n,
                                                const std::string& path) const override {
    in.only_keys(n, path, {"services"});
    auto p = std::make_shared<Params>();
    if (const YAML::Node s = n["services"]) {
      if (!s.IsSequence()) in.fail(s, path + ".services", "must be a list");
      for (std::size_t i = 0; i < s.size(); ++i)
        p->services.push_back(load_service(in, s[i], PolicyReader::at(path + ".services", i)));
    }
    return p;
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
    for (const BundledService& s : ctx.params<Params>().services) {
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
    for (const BundledService& s : ctx.params<Params>().services)
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
