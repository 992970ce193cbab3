// `haguard parameters`: Argo CD's dynamic parameter announcements for this application, a JSON
// array on stdout. The values shown are the defaults render applies when the Application sets
// nothing (Argo CD never sends announced defaults back; render must apply the same ones).

#include <cstdio>
#include <filesystem>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/join.h"
#include "plugin/command.h"
#include "plugin/render_inputs.h"
#include "plugin/render_pipeline.h"

namespace haguard::plugin {
namespace {

using nlohmann::json;

struct ParametersOptions {
  std::optional<std::string> policy;
};

json announcements(const RenderSettings& s, const Policy& policy) {
  const std::string envs = join(policy.environments, ", ");
  std::string environment = s.environment.empty() ? policy.default_environment : s.environment;
  json out = json::array();
  out.push_back({{"name", "environment"},
                 {"title", "HA policy environment"},
                 {"tooltip", "Which environment's rules apply (" + envs +
                                 "); also the jsonnet ext var `environment`"},
                 {"collectionType", "string"},
                 {"string", environment}});
  out.push_back({{"name", "main"},
                 {"title", "Entry files"},
                 {"tooltip", "Jsonnet files to evaluate, relative to the application path; "
                             "each runs in its own VM"},
                 {"collectionType", "array"},
                 {"array", s.main}});
  // Argo CD runs this command without ARGOCD_APP_NAMESPACE: the announced value is then empty,
  // which render reads as the destination namespace, as when the parameter is not set.
  out.push_back({{"name", "directory"},
                 {"title", "Directory mode"},
                 {"tooltip", "true: render what Argo CD's Directory source would (every .jsonnet, "
                             ".yaml, .yml and .json file in the application path, by name), plus "
                             "the policy; main is then not used"},
                 {"itemType", "boolean"},
                 {"collectionType", "string"},
                 {"string", s.directory ? "true" : "false"}});
  out.push_back({{"name", "namespace"},
                 {"title", "Default namespace"},
                 {"tooltip", "Set on namespaced objects that have none; empty: the Application's "
                             "destination namespace"},
                 {"collectionType", "string"},
                 {"string", s.namespace_}});
  out.push_back({{"name", "allow-empty"},
                 {"title", "Allow an empty render"},
                 {"tooltip", "An empty render makes Argo CD prune the whole application; "
                             "set true only when that is intended"},
                 {"itemType", "boolean"},
                 {"collectionType", "string"},
                 {"string", s.allow_empty ? "true" : "false"}});
  out.push_back({{"name", "libs"},
                 {"title", "Library paths"},
                 {"tooltip", "Directories searched for imports after the app's own (paths "
                             "relative to the repository root, like Argo CD's jsonnet libs)"},
                 {"collectionType", "array"},
                 {"array", json::array()}});
  std::string reserved;
  for (const char* n : kStandardExtVars)
    reserved += (reserved.empty() ? "" : ", ") + std::string(n);
  const std::string ext = "; read with std.extVar(name). Reserved, set by haguard: " + reserved;
  const std::tuple<const char*, const char*, std::string> maps[] = {
      {"tla-str", "Top-level arguments (strings)",
       "name: value; an entry file whose top level is a function receives them as its arguments"},
      {"tla-code", "Top-level arguments (jsonnet code)",
       "name: jsonnet expression; an entry file whose top level is a function receives them as "
       "its arguments"},
      {"ext-str", "External variables (strings)", "name: value" + ext},
      {"ext-code", "External variables (jsonnet code)", "name: jsonnet expression" + ext},
  };
  for (const auto& [name, title, tooltip] : maps)
    out.push_back({{"name", name},
                   {"title", title},
                   {"tooltip", tooltip},
                   {"collectionType", "map"},
                   {"map", json::object()}});
  return out;
}

int run_parameters(const ParametersOptions& o) {
  Environ env = current_environ();
  env.erase("ARGOCD_APP_PARAMETERS");  // announce defaults, not the Application's own values
  std::error_code ec;
  auto cwd = std::filesystem::canonical(std::filesystem::current_path(ec), ec);
  if (ec) {
    std::fprintf(stderr, "haguard parameters: cannot resolve the working directory\n");
    return 1;
  }
  SettingsResult r = resolve_settings(RenderFlags{}, env, cwd.native());
  if (!r.error.empty()) {
    std::fprintf(stderr, "haguard parameters: %s\n", r.error.c_str());
    return 1;
  }
  PolicyChoice policy = choose_policy(o.policy, env);
  if (!policy.error.empty()) {
    std::fprintf(stderr, "haguard parameters: %s\n", policy.error.c_str());
    return 1;
  }
  std::string text = announcements(r.settings, *policy.policy).dump() + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

std::function<int()> setup_parameters(CLI::App& app) {
  auto o = std::make_shared<ParametersOptions>();
  app.add_option("--policy", o->policy,
                 "HAPolicy file (default: HAGUARD_POLICY, else the embedded default policy)");
  return [o] { return run_parameters(*o); };
}

}  // namespace haguard::plugin
