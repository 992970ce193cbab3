#pragma once
// The contract of a rule: one file in policies/rules/ each, with an id, a description, the
// parameters it reads from the policy, the workloads it applies to, check() and an optional fix().
// Adding a rule: its file, and its line in policies/rules/registry.cc.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policies/object_set.h"
#include "policies/outcome.h"
#include "policies/policy.h"
#include "policies/workload.h"

namespace YAML {
class Node;
}

namespace haguard {

class PolicyReader;

/// One thing a rule found. Each front door names the object and the rule its own way.
struct Verdict {
  Outcome outcome = Outcome::fail;
  std::string path;     ///< JSON pointer concerned
  std::string message;  ///< what is wrong and how to fix it, one line, no object name
  bool fixable = false; ///< fix() can repair this
};

struct RuleContext {
  const Policy& policy;
  const RuleConfig& config;
  std::string_view environment;
  const ObjectSet* set = nullptr;  ///< other objects known with this one, when any

  /// The rule's own parameters: `Params` is the type its load_params returned.
  template <class Params>
  const Params& params() const {
    return static_cast<const Params&>(*config.params);
  }
};

/// What every rule has, single-object or set: an id, a description, and its parameters.
class RuleBase {
 public:
  virtual ~RuleBase() = default;
  virtual std::string_view id() const = 0;
  virtual std::string_view description() const = 0;
  /// Reads the rule's `parameters` mapping from the policy (an empty mapping when the policy
  /// gives none: the defaults), failing through `in` with `path` on unknown keys and bad values.
  /// The default accepts no parameters.
  virtual std::shared_ptr<const RuleParams> load_params(const PolicyReader& in, const YAML::Node& n,
                                                        const std::string& path) const;
};

class Rule : public RuleBase {
 public:
  /// Whether the rule means anything for this kind of workload (else: skip, not applicable).
  virtual bool applies_to(const Workload& w) const = 0;
  /// Empty result: pass. A single `skip` verdict: not applicable, with the reason.
  virtual std::vector<Verdict> check(const Workload& w, const RuleContext& ctx) const = 0;
  /// Edits `object` (a copy of the original) so that check() passes. Returns false, leaving the
  /// object as it was, when no safe fix exists.
  virtual bool fix(json& object, std::string_view scale_parent_kind, const RuleContext& ctx) const {
    (void)object, (void)scale_parent_kind, (void)ctx;
    return false;
  }
};

/// A verdict of a set rule on one object of the set.
struct SetVerdict {
  std::size_t index;  ///< into ObjectSet::objects()
  Verdict verdict;
};

/// A rule that needs several objects at once. Runs only where the whole set is known.
class SetRule : public RuleBase {
 public:
  /// Verdicts for the objects concerned; `environment_of(i)` is object i's environment.
  virtual std::vector<SetVerdict> check(const ObjectSet& set, const Policy& policy,
                                        const std::vector<std::string>& environments) const = 0;
};

/// Every single-object rule, in evaluation order.
const std::vector<const Rule*>& all_rules();
/// Every set rule.
const std::vector<const SetRule*>& all_set_rules();
/// The rule or set rule `id`, or nullptr.
const RuleBase* find_rule(std::string_view id);
/// Whether `id` names a rule or set rule.
bool is_known_rule(std::string_view id);

}  // namespace haguard
