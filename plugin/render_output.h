#pragma once
// From evaluated jsonnet values to the objects Argo CD receives: the Tanka-style walk, the
// destination namespace, identity checks, and the policy (fixes per environment, set rules).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policies/engine.h"

namespace haguard::plugin {

using json = nlohmann::json;

struct RenderedObject {
  json object;
  std::string source;       ///< "main.jsonnet .dapp.deployment": where the walk found it
  std::string environment;  ///< the environment its policy is judged in
};

/// Walks `value` as Tanka does: an object with string `apiVersion` and `kind` is a manifest
/// (`kind: List` and `*List` kinds with `items` are expanded; an inline Tanka `Environment` is
/// replaced by its `data`, its spec.namespace the default there; more than one is an error),
/// other objects and arrays are walked into (keys in order), null is skipped, any other value
/// is an error naming its path.
void walk_manifests(const json& value, const std::string& file, std::vector<RenderedObject>& out,
                    std::vector<std::string>& errors);

/// Kinds that live outside namespaces (core and common extension APIs).
bool is_cluster_scoped(std::string_view kind);

/// Sets metadata.namespace to `ns` on namespaced objects that lack one.
void set_default_namespace(std::vector<RenderedObject>& objects, const std::string& ns);

/// metadata.name present and a string, no two objects with the same group, kind, namespace, name.
std::vector<std::string> check_identity(const std::vector<RenderedObject>& objects);

/// Each object's environment: `environment`, unless a Namespace in the render that holds it carries
/// the haguard.dalp.io/environment label (the webhook routes by that label, so it wins).
void assign_environments(std::vector<RenderedObject>& objects, const std::string& environment);

/// The annotation that carries an object's policy warnings to Argo CD, which shows the rendered
/// manifest but drops a successful plugin's stderr.
inline constexpr std::string_view kWarningsAnnotation = "haguard.dalp.io/warnings";

struct PolicyReport {
  std::vector<std::string> blocking;  ///< one line each: source, object, rule, fix
  std::vector<std::string> warnings;
  std::vector<std::string> fixed;     ///< "Deployment ns/x: min-replicas, probes"
  std::vector<std::string> object_warnings;  ///< per object: its warnings, one line each
};

/// Writes each object's warnings into kWarningsAnnotation, one line each in the engine's order
/// (no time, no count of renders: the same input gives the same text), and removes the
/// annotation from objects without warnings. Only metadata changes: no rule reads it, so the
/// webhook's mutate of the result stays an empty patch.
void annotate_warnings(const PolicyReport& report, std::vector<RenderedObject>& objects);

/// Engine::fix_set over rendered objects, each with its own environment.
SetFixResult fix_all(const Engine& engine, const std::vector<RenderedObject>& objects);

/// Applies the engine's fixes to every object (in place) and runs the set rules over the result.
PolicyReport apply_policy(const Engine& engine, std::vector<RenderedObject>& objects);

/// Replaces every occurrence of each secret (values of 6 characters or more) with "<redacted>".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace haguard::plugin
