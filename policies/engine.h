#pragma once
// The policy engine: evaluates objects against a policy for an environment, fixes what it safely
// can, and computes the RFC 6902 patch between the object as received and its fixed copy.
// No I/O: callers hand in parsed JSON and get values back.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policies/exemption.h"
#include "policies/object_set.h"
#include "policies/outcome.h"
#include "policies/policy.h"

namespace haguard {

/// Pseudo rule id under which exemption problems (void, unauthorized) are reported.
inline constexpr std::string_view kExemptionRuleId = "exemption";

struct Finding {
  std::string rule;
  Outcome outcome = Outcome::pass;
  Enforcement enforcement = Enforcement::off;
  std::string path;       ///< JSON pointer concerned ("" for the whole object)
  /// What the rule says, one line: what is wrong and how to fix it. Neither the object nor the
  /// rule id: each front door names them its own way (see describe()).
  std::string message;
  bool fixable = false;
  std::string exemption;  ///< set when an exemption turned this finding into skip: its reason
};

/// A finding as a line of its own: "probes: <message>", or with `object` (a display_name())
/// "Deployment prod/dapp: probes: <message>".
std::string describe(const Finding& f, std::string_view object = {});

/// Whether a finding blocks: a failure (or an evaluation error) of an enforced rule.
bool is_blocking(const Finding& f);
/// Whether a finding is returned to the requester as a warning: a failure or error under `warn`,
/// an outcome of `warn` under enforce or warn, an exemption used, or a void exemption.
bool is_warning(const Finding& f);
/// Whether a finding is logged and counted only: a failure or error under `audit`.
bool is_audit_only(const Finding& f);

struct Evaluation {
  std::string kind;  ///< "" for an object that is not a workload (nothing evaluated)
  std::string namespace_;
  std::string name;
  std::string environment;  ///< resolved against the policy
  /// Set when the object was written by its owner's controller ("Deployment dapp"): every rule
  /// skips, since the owner is judged at its own admission.
  std::string derived_from;
  std::vector<Finding> findings;
  bool denied() const;
};

struct EvalContext {
  std::string_view environment;  ///< unknown or empty: the policy's default
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  /// UPDATE: the object before the change; exemption annotations added or changed are checked
  /// against the policy's allowed requesters when `requester` is set.
  JsonNode old_object;
  const Requester* requester = nullptr;
  const ObjectSet* set = nullptr;       ///< the other objects, for HPA awareness
  std::string_view scale_parent_kind;   ///< "Deployment"/"StatefulSet" when the object is a Scale
  const json* scale_parent = nullptr;   ///< the Scale's parent when known: exemptions live there
  /// An HPA's or ScaledObject's target when the caller read it (else found in `set`, if any).
  const json* scale_target = nullptr;
};

struct FixResult {
  json object;                     ///< the fixed copy (== input when nothing was fixed; see fix)
  json patch = json::array();      ///< RFC 6902 ops from the input to `object`
  std::vector<std::string> rules;  ///< ids of rules whose fix was applied
  Evaluation evaluation;           ///< of the fixed copy: what still fails
};

/// A whole set fixed: the fixed objects, the rules fixed on each, and every finding on the result
/// (each fixed object evaluated with the fixed set known, then the set rules).
struct SetFixResult {
  std::vector<json> objects;
  std::vector<std::vector<std::string>> rules;
  std::vector<std::pair<std::size_t, Finding>> findings;
};

class Engine {
 public:
  explicit Engine(std::shared_ptr<const Policy> policy);
  const Policy& policy() const { return *policy_; }
  const std::shared_ptr<const Policy>& policy_ptr() const { return policy_; }

  /// Evaluates every rule on `object` (a tree, or a simdjson DOM the caller parsed). An object
  /// that is not a workload yields no findings.
  Evaluation evaluate(JsonNode object, const EvalContext& ctx) const;

  /// Applies the fixes the policy enables for the environment (enforced rules with fix on, not
  /// exempted), records them in the haguard.dalp.io/mutated annotation, and evaluates the result.
  /// fix(fix(x).object).patch is empty. With `copy_unchanged` false, `object` stays null when
  /// no rule was fixed (the admission path needs only the patch; the copy is most of the cost
  /// of fixing a compliant object).
  /// `object` may be a DOM: it is read into a tree only when something is to be fixed or copied.
  FixResult fix(JsonNode object, const EvalContext& ctx, bool copy_unchanged = true) const;

  /// Runs the set rules on `set`; environments[i] is the environment of set.objects()[i].
  /// Returns (object index, finding) pairs.
  std::vector<std::pair<std::size_t, Finding>> evaluate_set(
      const ObjectSet& set, const std::vector<std::string>& environments,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  /// Fixes every object with the whole set known (an HPA keeps its workload's replicas), then
  /// judges the fixed set: what render and fn emit and report. environments[i] is objects[i]'s.
  SetFixResult fix_set(const std::vector<const json*>& objects,
                       const std::vector<std::string>& environments,
                       std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  std::shared_ptr<const Policy> policy_;
};

}  // namespace haguard
