// `haguard render`: the Argo CD generate command. Evaluates the application's jsonnet, makes the
// objects comply with the HA policy for the environment, and prints them as a YAML stream.

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "manifest_io/manifest_io.h"
#include "plugin/command.h"
#include "plugin/jsonnet_eval.h"
#include "plugin/render_inputs.h"
#include "plugin/render_output.h"
#include "plugin/render_pipeline.h"

namespace haguard::plugin {
namespace {

namespace fs = std::filesystem;

struct RenderOptions {
  RenderFlags flags;
  std::optional<std::string> environment, namespace_, root, policy;
  std::vector<std::string> tla_str, tla_code, ext_str, ext_code;
  bool allow_empty = false;
  unsigned max_stack = 500;
  std::size_t max_output_mib = 64;
  double timeout_seconds = 45;
  std::size_t max_memory_mib = 4096;
  unsigned jobs = 0;
  std::string helm = "helm";
};

void print_lines(const char* prefix, const std::vector<std::string>& lines) {
  for (const auto& l : lines) std::fprintf(stderr, "%s%s\n", prefix, l.c_str());
}

bool to_named(const std::vector<std::string>& in, const char* flag, NamedValues& out) {
  for (const auto& s : in) {
    auto kv = split_assignment(s);
    if (!kv) {
      std::fprintf(stderr, "haguard render: %s expects name=value\n", flag);
      return false;
    }
    out.push_back(*kv);
  }
  return true;
}

int run_render(RenderOptions& o, CLI::App& app) {
  RenderFlags& f = o.flags;
  f.environment = o.environment;
  f.namespace_ = o.namespace_;
  f.root = o.root;
  if (app.count("--allow-empty")) f.allow_empty = o.allow_empty;
  if (!to_named(o.tla_str, "--tla-str", f.tla_str) || !to_named(o.tla_code, "--tla-code", f.tla_code) ||
      !to_named(o.ext_str, "--ext-str", f.ext_str) || !to_named(o.ext_code, "--ext-code", f.ext_code))
    return 2;

  Environ env = current_environ();
  std::error_code ec;
  fs::path cwd = fs::canonical(fs::current_path(ec), ec);
  if (ec) {
    std::fprintf(stderr, "haguard render: cannot resolve the working directory\n");
    return 1;
  }
  SettingsResult resolved = resolve_settings(f, env, cwd.native());
  if (!resolved.error.empty()) {
    std::fprintf(stderr, "haguard render: %s\n", resolved.error.c_str());
    return 1;
  }
  RenderSettings& s = resolved.settings;
  s.jsonnet.helm = o.helm;

  PolicyChoice policy = choose_policy(o.policy, env);
  if (!policy.error.empty()) {
    std::fprintf(stderr, "haguard render: %s\n", policy.error.c_str());
    return 1;
  }
  std::string env_error;
  std::string environment = resolve_render_environment(*policy.policy, s, env_error);
  if (!env_error.empty()) {
    std::fprintf(stderr, "haguard render: %s\n", env_error.c_str());
    return 1;
  }

  JsonnetLimits limits;
  limits.max_stack = o.max_stack;
  limits.max_output = o.max_output_mib << 20;
  limits.timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout_seconds * 1000));
  limits.max_memory = o.max_memory_mib << 20;
  limits.jobs = o.jobs;

  RenderResult r = render(s, environment, *policy.policy, limits);
  print_lines("haguard: ", r.notes);
  print_lines("haguard: warning: ", r.warnings);
  if (!r.errors.empty()) {
    print_lines("", r.errors);
    return 1;
  }
  // YAML, unless a string holds a character Argo CD can take only through a JSON stream.
  bool as_json = std::any_of(r.objects.begin(), r.objects.end(), [](const nlohmann::json& object) {
    return yaml_reread_refuses(object);
  });
  std::string out = as_json ? write_json_stream(r.objects) : write_yaml_stream(r.objects);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

std::function<int()> setup_render(CLI::App& app) {
  auto o = std::make_shared<RenderOptions>();
  app.add_option("-e,--environment", o->environment,
                 "Policy environment (default: parameter environment, ARGOCD_ENV_ENVIRONMENT, "
                 "HAGUARD_ENVIRONMENT, else the policy's default)");
  app.add_option("--main", o->flags.main,
                 "Entry file(s), relative to the current directory (default: main.jsonnet)");
  app.add_option("-n,--namespace", o->namespace_,
                 "Namespace for namespaced objects lacking one (default: ARGOCD_APP_NAMESPACE)");
  app.add_flag("--allow-empty", o->allow_empty, "Succeed when no object is rendered");
  app.add_option("-A,--tla-str", o->tla_str, "Top-level argument name=value (string)");
  app.add_option("--tla-code", o->tla_code, "Top-level argument name=code (jsonnet)");
  app.add_option("-V,--ext-str", o->ext_str, "External variable name=value (string)");
  app.add_option("--ext-code", o->ext_code, "External variable name=code (jsonnet)");
  app.add_option("--policy", o->policy,
                 "HAPolicy file (default: HAGUARD_POLICY, else the embedded default policy)");
  app.add_option("--root", o->root,
                 "Repository root that imports may not leave (default: nearest .git ancestor, "
                 "else from ARGOCD_APP_SOURCE_PATH)");
  // The bounds are the operator's: flags or the sidecar's HAGUARD_* environment, never the
  // Application's parameters or plugin env.
  app.add_option("--max-stack", o->max_stack, "Jsonnet call depth bound")
      ->envname("HAGUARD_MAX_STACK")
      ->capture_default_str();
  app.add_option("--max-output", o->max_output_mib, "Bound on the rendered JSON, MiB")
      ->envname("HAGUARD_MAX_OUTPUT")
      ->capture_default_str();
  app.add_option("--timeout", o->timeout_seconds, "Evaluation time bound, seconds")
      ->envname("HAGUARD_TIMEOUT")
      ->capture_default_str();
  app.add_option("--max-memory", o->max_memory_mib,
                 "Address-space bound of the evaluating process, MiB (0: none); keep it below the "
                 "container's memory limit")
      ->envname("HAGUARD_MAX_MEMORY")
      ->capture_default_str();
  app.add_option("--helm", o->helm, "The helm binary std.native('helmTemplate') runs (else helm on PATH)")
      ->envname("HAGUARD_HELM");
  app.add_option("-j,--jobs", o->jobs, "Files evaluated at once (0: one per file, at most 8)");
  CLI::App* self = &app;
  return [o, self] { return run_render(*o, *self); };
}

}  // namespace haguard::plugin
