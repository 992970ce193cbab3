#include "plugin/render_pipeline.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "plugin/render_output.h"
#include "policies/engine.h"

namespace haguard::plugin {

PolicyChoice choose_policy(const std::optional<std::string>& flag, const Environ& env) {
  PolicyChoice c;
  std::optional<std::string> file = flag;
  if (!file) {
    if (auto it = env.find("HAGUARD_POLICY"); it != env.end() && !it->second.empty())
      file = it->second;
  }
  if (!file) {
    c.policy = default_policy();
    c.source = "embedded default";
    if (!c.policy) c.error = "the embedded default policy does not load";
    return c;
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in) {
    c.error = "cannot read policy file " + *file;
    return c;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  PolicyLoad load = load_policy(ss.str(), *file);
  if (!load.policy) {
    c.error = "policy: " + load.error;
    return c;
  }
  c.policy = load.policy;
  c.source = *file;
  return c;
}

std::string resolve_render_environment(const Policy& policy, RenderSettings& settings,
                                       std::string& error) {
  std::string env = settings.environment;
  if (env.empty()) {
    env = policy.default_environment;
  } else if (!policy.environments.empty() &&
             std::find(policy.environments.begin(), policy.environments.end(), env) ==
                 policy.environments.end() &&
             env != policy.default_environment) {
    std::string known;
    for (const auto& e : policy.environments) known += (known.empty() ? "" : ", ") + e;
    error = "environment \"" + env + "\" (from " + settings.environment_source +
            ") is not one the policy knows: " + known;
    return {};
  }
  for (auto& [k, v] : settings.jsonnet.ext_str)
    if (k == "environment") v = env;
  return env;
}

RenderResult render(const RenderSettings& settings, const std::string& environment,
                    const Policy& policy, const JsonnetLimits& limits) {
  RenderResult r;
  const JsonnetInputs& in = settings.jsonnet;
  std::vector<std::string> secrets;
  for (const auto* list : {&in.tla_str, &in.tla_code})
    for (const auto& kv : *list) secrets.push_back(kv.second);
  for (const auto* list : {&in.ext_str, &in.ext_code})
    for (const auto& [k, v] : *list)
      if (std::find(std::begin(kStandardExtVars), std::end(kStandardExtVars), k) ==
          std::end(kStandardExtVars))
        secrets.push_back(v);

  JsonnetRun run = evaluate_jsonnet(settings.main, in, limits);
  if (!run.failure.empty()) {
    r.errors.push_back("haguard render: " + run.failure);
    return r;
  }
  std::vector<RenderedObject> objects;
  for (const auto& res : run.results) {
    if (!res.ok) {
      r.errors.push_back(redact(res.error, secrets));
      continue;
    }
    json value = json::parse(res.output, nullptr, false);
    if (value.is_discarded()) {
      r.errors.push_back(res.file + ": the jsonnet VM produced invalid JSON");
      continue;
    }
    walk_manifests(value, res.file, objects, r.errors);
  }
  if (!r.errors.empty()) return r;

  set_default_namespace(objects, settings.namespace_);
  r.errors = check_identity(objects);
  if (!r.errors.empty()) return r;
  if (objects.empty() && !settings.allow_empty) {
    r.errors.push_back(
        "haguard render: no objects rendered; refusing, because an empty render makes Argo CD "
        "prune the whole application (set the parameter allow-empty=true if that is intended)");
    return r;
  }

  assign_environments(objects, environment);
  Engine engine(std::shared_ptr<const Policy>(&policy, [](const Policy*) {}));
  PolicyReport report = apply_policy(engine, objects);
  for (const auto& f : report.fixed) r.notes.push_back("fixed " + f);
  r.warnings = std::move(report.warnings);
  if (!report.blocking.empty()) {
    r.errors.push_back("haguard render: the HA policy blocks this render (environment " +
                       environment + "):");
    for (auto& b : report.blocking) r.errors.push_back("  " + b);
    return r;
  }
  annotate_warnings(report, objects);
  for (auto& o : objects) r.objects.push_back(std::move(o.object));
  return r;
}

}  // namespace haguard::plugin
