#include "plugin/render_inputs.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "plugin/app_parameters.h"

extern char** environ;

namespace haguard::plugin {

// Generated from policies/haguard.libsonnet by plugin/CMakeLists.txt.
extern const std::string_view kHaguardLibsonnetText;

namespace {

namespace fs = std::filesystem;

std::optional<std::string> env_get(const Environ& env, const std::string& name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

/// "allow-empty" -> "ALLOW_EMPTY": the suffix of ARGOCD_ENV_<NAME> and HAGUARD_<NAME>.
std::string env_suffix(std::string_view name) {
  std::string s;
  for (char c : name) s += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Lookup {
  std::optional<std::string> value;
  std::string source;
};

/// A string setting from parameter, ARGOCD_ENV_<NAME>, HAGUARD_<NAME>, in that order.
Lookup lookup(const AppParameters& params, const Environ& env, std::string_view name) {
  if (const auto* p = params.find(name); p && p->string)
    return {p->string, "parameter " + std::string(name)};
  std::string suffix = env_suffix(name);
  if (auto v = env_get(env, "ARGOCD_ENV_" + suffix)) return {v, "ARGOCD_ENV_" + suffix};
  if (auto v = env_get(env, "HAGUARD_" + suffix)) return {v, "HAGUARD_" + suffix};
  return {};
}

std::optional<bool> parse_bool(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "true" || s == "1" || s == "yes") return true;
  if (s == "false" || s == "0" || s == "no" || s.empty()) return false;
  return std::nullopt;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || c == '\n') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ' && c != '\t' && c != '\r') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

/// Parameter map entries, overridden key by key by the flag entries.
NamedValues merge(const AppParameters& params, std::string_view name, const NamedValues& flags) {
  std::map<std::string, std::string> m;
  if (const auto* p = params.find(name); p && p->map) m = *p->map;
  for (const auto& [k, v] : flags) m[k] = v;
  return {m.begin(), m.end()};
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

}  // namespace

Environ current_environ() {
  Environ env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::optional<std::pair<std::string, std::string>> split_assignment(const std::string& s) {
  auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  return std::make_pair(s.substr(0, eq), s.substr(eq + 1));
}

std::string find_repository_root(const std::string& work_dir, const Environ& env) {
  for (fs::path p = work_dir;; p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists(p / ".git", ec)) return p.native();
    if (p == p.root_path() || p.empty()) break;
  }
  if (auto src = env_get(env, "ARGOCD_APP_SOURCE_PATH")) {
    fs::path rel = fs::path(*src).lexically_normal();
    fs::path dir = fs::path(work_dir);
    bool ok = !rel.is_absolute();
    std::vector<fs::path> parts;
    for (const auto& part : rel) {
      if (part == "." || part.empty()) continue;
      if (part == "..") ok = false;
      parts.push_back(part);
    }
    for (auto it = parts.rbegin(); ok && it != parts.rend(); ++it) {
      if (dir.filename() != *it) ok = false;
      dir = dir.parent_path();
    }
    if (ok && !dir.empty()) return dir.native();
  }
  return work_dir;
}

std::string find_tanka_root(const std::string& work_dir, const std::string& repo_root) {
  for (const char* marker : {"tkrc.yaml", "jsonnetfile.json"}) {
    for (fs::path p = work_dir;; p = p.parent_path()) {
      std::error_code ec;
      if (fs::is_regular_file(p / marker, ec)) return p.native();
      if (p.native() == repo_root || p == p.root_path() || p.empty()) break;
    }
  }
  return {};
}

std::vector<std::string> directory_manifest_files(const std::string& work_dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(work_dir, ec)) {
    std::error_code ec2;
    if (!e.is_regular_file(ec2)) continue;
    std::string name = e.path().filename().native();
    for (std::string_view ext : {".jsonnet", ".yaml", ".yml", ".json"})
      if (name.size() > ext.size() && name.ends_with(ext)) {
        files.push_back(name);
        break;
      }
  }
  std::sort(files.begin(), files.end());
  return files;
}

SettingsResult resolve_settings(const RenderFlags& flags, const Environ& env,
                                const std::string& work_dir) {
  SettingsResult out;
  RenderSettings& s = out.settings;
  auto fail = [&](std::string e) {
    out.error = std::move(e);
    return out;
  };

  std::string params_text;
  if (auto it = env.find("ARGOCD_APP_PARAMETERS"); it != env.end()) params_text = it->second;
  auto parsed = parse_app_parameters(params_text);
  if (!parsed.error.empty()) return fail(parsed.error);
  const AppParameters& params = parsed.parameters;
  std::set<std::string, std::less<>> known(std::begin(kParameterNames), std::end(kParameterNames));
  for (const auto& p : params.items) {
    if (!known.count(p.name)) {
      std::string list;
      for (const char* n : kParameterNames) list += std::string(list.empty() ? "" : ", ") + n;
      return fail("ARGOCD_APP_PARAMETERS: unknown parameter \"" + p.name + "\" (known: " + list + ")");
    }
    bool is_map = p.name.rfind("tla-", 0) == 0 || p.name.rfind("ext-", 0) == 0;
    if (is_map && (p.string || p.array))
      return fail("ARGOCD_APP_PARAMETERS: parameter \"" + p.name + "\" must be a map");
    if (!is_map && p.map)
      return fail("ARGOCD_APP_PARAMETERS: parameter \"" + p.name + "\" must not be a map");
    if (p.array && p.name != "main" && p.name != "libs")
      return fail("ARGOCD_APP_PARAMETERS: parameter \"" + p.name + "\" must be a string");
  }

  // environment
  if (flags.environment) {
    s.environment = *flags.environment;
    s.environment_source = "--environment";
  } else if (auto l = lookup(params, env, "environment"); l.value) {
    s.environment = *l.value;
    s.environment_source = l.source;
  }

  // directory mode: Argo CD's Directory source, plus the policy
  if (auto l = lookup(params, env, "directory"); l.value) {
    auto b = parse_bool(*l.value);
    if (!b) return fail(l.source + ": expected true or false");
    s.directory = *b;
  }
  if (s.directory) {
    // main is not used here (the UI may send its announced value back)
    for (auto& f : directory_manifest_files(work_dir))
      (f.ends_with(".jsonnet") ? s.main : s.manifests).push_back(std::move(f));
  }

  // main: entry files
  if (s.directory) {
  } else if (!flags.main.empty()) {
    s.main = flags.main;
  } else if (const auto* p = params.find("main"); p && (p->array || p->string)) {
    s.main = p->array ? *p->array : split_list(*p->string);
  } else if (auto l = lookup(params, env, "main"); l.value) {
    s.main = split_list(*l.value);
  }
  if (s.main.empty() && !s.directory) s.main = {"main.jsonnet"};
  for (const auto& m : s.main)
    if (m.empty() || fs::path(m).is_absolute())
      return fail("main: entry files are paths relative to the application directory");

  // destination namespace; an empty parameter (the announced default, sent back by the UI)
  // means the destination namespace too
  if (flags.namespace_) {
    s.namespace_ = *flags.namespace_;
  } else if (auto l = lookup(params, env, "namespace"); l.value && !l.value->empty()) {
    s.namespace_ = *l.value;
  } else if (auto v = env_get(env, "ARGOCD_APP_NAMESPACE")) {
    s.namespace_ = *v;
  }

  // allow-empty
  if (flags.allow_empty) {
    s.allow_empty = *flags.allow_empty;
  } else if (auto l = lookup(params, env, "allow-empty"); l.value) {
    auto b = parse_bool(*l.value);
    if (!b) return fail(l.source + ": expected true or false");
    s.allow_empty = *b;
  }

  // jsonnet inputs
  JsonnetInputs& j = s.jsonnet;
  j.work_dir = work_dir;
  if (flags.root) {
    std::error_code ec;
    fs::path r = fs::canonical(*flags.root, ec);
    if (ec) return fail("--root: no such directory");
    j.root = r.native();
  } else {
    j.root = find_repository_root(work_dir, env);
  }
  {
    fs::path wd(work_dir), root(j.root);
    auto rel = wd.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..")
      return fail("the application directory is not inside the repository root");
    // Tanka's order inside a Tanka project (T: its root); elsewhere the same with the repository
    // root for T, and the app's own lib/ first. Then the `libs` parameter, like Argo CD's.
    std::vector<fs::path> dirs;
    s.tanka_root = find_tanka_root(work_dir, j.root);
    if (!s.tanka_root.empty()) {
      fs::path t(s.tanka_root);
      dirs = {wd, t / "lib", wd / "vendor", t / "vendor"};
    } else {
      dirs = {wd, wd / "lib", root / "lib", wd / "vendor", root / "vendor"};
    }
    std::vector<std::string> libs;
    if (const auto* p = params.find("libs"); p && (p->array || p->string))
      libs = p->array ? *p->array : split_list(*p->string);
    else if (auto l = lookup(params, env, "libs"); l.value)
      libs = split_list(*l.value);
    for (std::size_t i = 0; i < libs.size(); ++i) {
      fs::path lib = (root / libs[i]).lexically_normal();
      auto lib_rel = lib.lexically_relative(root);
      if (fs::path(libs[i]).is_absolute() || lib_rel.empty() || *lib_rel.begin() == ".." ||
          !is_dir(lib))
        return fail("libs: entry " + std::to_string(i + 1) +
                    " is not a directory inside the repository (paths are relative to its root)");
      dirs.push_back(lib);
    }
    for (fs::path p : dirs) {
      p = p.lexically_normal();
      if (p.native().size() > 1 && p.native().back() == '/') p = p.parent_path();
      if (is_dir(p) && std::find(j.library_paths.begin(), j.library_paths.end(), p.native()) ==
                           j.library_paths.end())
        j.library_paths.push_back(p.native());
    }
  }
  j.builtin_library = std::string(kHaguardLibsonnetText);
  j.tla_str = merge(params, "tla-str", flags.tla_str);
  j.tla_code = merge(params, "tla-code", flags.tla_code);
  NamedValues user_ext_str = merge(params, "ext-str", flags.ext_str);
  NamedValues user_ext_code = merge(params, "ext-code", flags.ext_code);
  std::set<std::string, std::less<>> reserved(std::begin(kStandardExtVars),
                                               std::end(kStandardExtVars));
  for (const auto* list : {&user_ext_str, &user_ext_code})
    for (const auto& [k, v] : *list)
      if (reserved.count(k))
        return fail("ext var \"" + k + "\" is reserved: haguard sets it");
  auto standard = [&](const char* name, const char* var) {
    j.ext_str.emplace_back(name, env_get(env, var).value_or(""));
  };
  const std::string revision = env_get(env, "ARGOCD_APP_REVISION").value_or("");
  auto short_revision = [&](const char* var, std::size_t n) {
    return env_get(env, var).value_or(revision.substr(0, n));
  };
  j.ext_str.emplace_back("environment", s.environment);  // replaced by the resolved name later
  standard("appName", "ARGOCD_APP_NAME");
  j.ext_str.emplace_back("appNamespace", s.namespace_);
  standard("appProject", "ARGOCD_APP_PROJECT_NAME");
  standard("repoURL", "ARGOCD_APP_SOURCE_REPO_URL");
  standard("sourcePath", "ARGOCD_APP_SOURCE_PATH");
  standard("targetRevision", "ARGOCD_APP_SOURCE_TARGET_REVISION");
  j.ext_str.emplace_back("revision", revision);
  j.ext_str.emplace_back("revisionShort", short_revision("ARGOCD_APP_REVISION_SHORT", 7));
  j.ext_str.emplace_back("revisionShort8", short_revision("ARGOCD_APP_REVISION_SHORT_8", 8));
  standard("kubeVersion", "KUBE_VERSION");
  standard("kubeApiVersions", "KUBE_API_VERSIONS");
  j.ext_str.insert(j.ext_str.end(), user_ext_str.begin(), user_ext_str.end());
  // The plugin env as one object: names verbatim, values as strings (JSON is jsonnet code).
  nlohmann::json plugin_env = nlohmann::json::object();
  constexpr std::string_view kPrefix = "ARGOCD_ENV_";
  for (const auto& [k, v] : env)
    if (k.size() > kPrefix.size() && k.starts_with(kPrefix))
      plugin_env[k.substr(kPrefix.size())] = v;
  j.ext_code.emplace_back("argocdEnv", plugin_env.dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace));
  j.ext_code.insert(j.ext_code.end(), user_ext_code.begin(), user_ext_code.end());
  return out;
}

}  // namespace haguard::plugin
