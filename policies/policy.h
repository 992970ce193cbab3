#pragma once
// The HAPolicy: environments, named workload selectors, rules with per-environment enforcement and
// parameters, and exemption settings. Loaded from YAML text (the caller reads the file); every
// unknown key or bad value is an error naming the source, line, column and key path.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policies/outcome.h"
#include "policies/workload.h"

namespace haguard {

/// A named set of workloads: kind in `kinds` and (any label listed matches, or the name matches a
/// pattern). A selector with neither labels nor names matches every workload of its kinds.
struct WorkloadSelector {
  std::string name;
  std::vector<std::string> kinds;
  std::map<std::string, std::vector<std::string>> labels;  ///< key -> accepted values (any)
  std::vector<std::string> names;                          ///< glob patterns: "*" and "?"
  /// Whether the selector takes `w`. An autoscaler belongs to the selector of the workload it
  /// scales: `target` when the caller found it, else judged by the target's kind and name.
  bool matches(const Workload& w, const Workload* target = nullptr) const;
  bool matches_name(std::string_view kind, std::string_view object_name) const;
};

/// Glob match with '*' (any run) and '?' (one character).
bool glob_match(std::string_view pattern, std::string_view s);

/// A rule's parameters as the rule read them from its `parameters` block. A rule with parameters
/// derives its own struct, fills it in Rule::load_params and reads it in check() and fix() with
/// RuleContext::params<T>().
struct RuleParams {
  virtual ~RuleParams() = default;
  /// Custom resources ("group/Kind") these parameters make the rule judge: objects without a pod
  /// template that the engine evaluates all the same (an operator's database cluster).
  virtual std::vector<std::string> custom_resources() const { return {}; }
};

struct RuleConfig {
  std::string id;
  Enforcement enforcement = Enforcement::warn;        ///< everywhere unless overridden
  std::map<std::string, Enforcement> environments;    ///< per-environment overrides
  bool fix = true;                                    ///< fix failures where enforced
  std::vector<std::string> targets;                   ///< workload selector names; empty = all
  std::shared_ptr<const RuleParams> params;           ///< the rule's own; never null once loaded
};

struct Requesters {
  std::vector<std::string> users;
  std::vector<std::string> groups;
  std::vector<std::string> service_accounts;  ///< "namespace:name"
  bool empty() const { return users.empty() && groups.empty() && service_accounts.empty(); }
};

/// Objects a controller writes for an owner (a Deployment's ReplicaSets): judged on the owner.
struct ControllerChildren {
  std::string owner_group;         ///< "apps"
  std::string owner_kind;          ///< "Deployment"
  std::vector<std::string> kinds;  ///< the children's kinds: ReplicaSet
  Requesters writers;              ///< who the owner's controller sends its requests as
};

/// The defaults when a policy does not say: kube-controller-manager's controllers (with and
/// without --use-service-account-credentials), the garbage collector, Argo Rollouts and KEDA.
std::vector<ControllerChildren> default_controllers();
/// Autoscalers whose /scale requests are not judged (their minimum is, on the HPA or ScaledObject).
Requesters default_autoscalers();

struct ExemptionSettings {
  bool require_reason = true;
  bool require_expiry = true;
  std::chrono::seconds max_duration{std::chrono::hours(24 * 30)};  ///< 0 = unlimited
  std::map<std::string, std::vector<std::string>> never;           ///< env -> rule ids ("*")
  Requesters allowed;                                              ///< empty = anyone
  std::vector<std::string> namespaces;                             ///< exempt from every rule
};

/// What `haguard readiness` accepts as evidence.
struct ReadinessSettings {
  /// How long a namespace's attestation (haguard.dalp.io/attest.<check>) stays valid.
  std::chrono::seconds attestation_max_age{std::chrono::hours(24 * 90)};
};

struct Policy {
  std::string name;
  std::vector<std::string> environments;
  std::string default_environment = "default";
  std::map<std::string, WorkloadSelector> workloads;
  std::map<std::string, RuleConfig, std::less<>> rules;
  ExemptionSettings exemptions;
  ReadinessSettings readiness;
  std::vector<ControllerChildren> controllers = default_controllers();
  Requesters autoscalers = default_autoscalers();
  /// "group/Kind" of the custom resources the configured rules judge (RuleParams::custom_resources).
  std::set<std::string, std::less<>> custom_resources;
  std::string hash;  ///< sha-like digest of the source text, for metrics and logs

  /// `env` if the policy knows it, else the default environment.
  const std::string& resolve_environment(std::string_view env) const;
  /// Enforcement of `rule_id` in `env` (off for a rule the policy does not configure).
  Enforcement enforcement(std::string_view rule_id, std::string_view env) const;
  const RuleConfig* rule(std::string_view rule_id) const;
  /// Whether `w` is among the targets of `rule` (no targets: every workload). For an autoscaler,
  /// `target` is the workload it scales when the caller found it.
  bool targets(const RuleConfig& rule, const Workload& w, const Workload* target = nullptr) const;
  /// The entry of `controllers` whose owner is `w`'s controller ownerReference and whose kinds
  /// hold `w`'s kind, or nullptr: `w` was written by that owner's controller.
  const ControllerChildren* controller_of(const Workload& w) const;
  /// The same for an object of kind `kind` owned by `owner`.
  const ControllerChildren* controller_of(std::string_view kind, const ObjectRef& owner) const;
  /// Whether a configured rule judges custom resources of `group/kind`.
  bool names_resource(std::string_view group, std::string_view kind) const;
  bool namespace_exempt(std::string_view ns) const;
  bool never_exemptable(std::string_view rule_id, std::string_view env) const;
};

struct PolicyLoad {
  std::shared_ptr<const Policy> policy;  ///< null on error
  std::string error;                     ///< "<source>:<line>:<col>: <key path>: <problem>"
};

/// Parses and validates HAPolicy YAML. `source` names the text in errors (a file path).
PolicyLoad load_policy(std::string_view yaml_text, std::string_view source);

/// The policy compiled into the binaries (policies/default.yaml).
std::string_view default_policy_text();
/// The embedded default, parsed once.
std::shared_ptr<const Policy> default_policy();

}  // namespace haguard
