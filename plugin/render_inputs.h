#pragma once
// What `haguard render` and `haguard parameters` read, resolved with one precedence: command-line
// flags (run by hand), then Argo CD parameters (ARGOCD_APP_PARAMETERS), then the Application's
// plugin env (ARGOCD_ENV_<NAME>, name verbatim), then the sidecar's own environment (HAGUARD_<NAME>).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plugin/jsonnet_eval.h"

namespace haguard::plugin {

using Environ = std::map<std::string, std::string>;

/// The process environment as a map.
Environ current_environ();

/// Values given on the command line; unset optionals defer to the other sources.
struct RenderFlags {
  std::optional<std::string> environment;
  std::optional<std::string> namespace_;
  std::optional<std::string> root;
  std::vector<std::string> main;
  std::optional<bool> allow_empty;
  NamedValues tla_str, tla_code, ext_str, ext_code;
};

struct RenderSettings {
  std::string environment;         ///< as asked ("" = the policy's default)
  std::string environment_source;  ///< "--environment", "parameter environment", ...
  std::vector<std::string> main;   ///< entry files, relative to the app directory
  bool directory = false;          ///< every manifest file, as Argo CD's Directory source
  std::vector<std::string> manifests;  ///< directory mode: the .yaml/.yml/.json files, sorted
  std::string namespace_;          ///< destination namespace for objects lacking one ("" = none)
  std::string tanka_root;          ///< the Tanka project root, "" when the app is not in one
  bool allow_empty = false;
  JsonnetInputs jsonnet;           ///< root, work_dir, library path, ext vars and TLAs
};

struct SettingsResult {
  RenderSettings settings;
  std::string error;  ///< one line; never quotes a parameter or environment value
};

/// The ext vars every program can read, in this order: strings from Argo CD's build environment
/// (empty when it does not set one), and `argocdEnv`, an object of the Application's plugin env
/// (ARGOCD_ENV_<NAME> as NAME: value).
inline const char* const kStandardExtVars[] = {
    "environment",    "appName",        "appNamespace",   "appProject",  "repoURL",
    "sourcePath",     "targetRevision", "revision",       "revisionShort", "revisionShort8",
    "kubeVersion",    "kubeApiVersions", "argocdEnv"};

/// Names of the Argo CD parameters render understands.
inline const char* const kParameterNames[] = {"environment", "main",     "directory",
                                              "namespace",   "allow-empty", "libs",
                                              "tla-str",     "tla-code", "ext-str", "ext-code"};

/// Finds the repository root for `work_dir`: the nearest ancestor holding .git, else the directory
/// ARGOCD_APP_SOURCE_PATH says the app sits in, else `work_dir` itself. Paths are canonical.
std::string find_repository_root(const std::string& work_dir, const Environ& env);

/// The Tanka project root of `work_dir`, as Tanka finds it: the nearest ancestor holding
/// tkrc.yaml, else the nearest holding jsonnetfile.json; searched no higher than `repo_root`.
/// "" when there is none.
std::string find_tanka_root(const std::string& work_dir, const std::string& repo_root);

/// The files Argo CD's Directory source renders from `work_dir` (not recursing): regular files
/// named *.jsonnet, *.yaml, *.yml or *.json, sorted by name as Go's filepath.Walk visits them.
std::vector<std::string> directory_manifest_files(const std::string& work_dir);

/// Resolves everything but the policy. `work_dir` is the canonical current directory.
SettingsResult resolve_settings(const RenderFlags& flags, const Environ& env,
                                const std::string& work_dir);

/// Parses "key=value" (the flag form of a map entry).
std::optional<std::pair<std::string, std::string>> split_assignment(const std::string& s);

}  // namespace haguard::plugin
