#pragma once
// The contract of a rule: one file in policies/rules/ each, with an id, a description, the
// workloads it applies to, check() and an optional fix().

#include <string>
#include <string_view>
#include <vector>

#include "policies/object_set.h"
#include "policies/outcome.h"
#include "policies/policy.h"
#include "policies/workload.h"

namespace haguard {

/// One thing a rule found. The engine adds the object and rule id to the message.
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
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string_view id() const = 0;
  virtual std::string_view description() const = 0;
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
class SetRule {
 public:
  virtual ~SetRule() = default;
  virtual std::string_view id() const = 0;
  virtual std::string_view description() const = 0;
  /// Verdicts for the objects concerned; `environment_of(i)` is object i's environment.
  virtual std::vector<SetVerdict> check(const ObjectSet& set, const Policy& policy,
                                        const std::vector<std::string>& environments) const = 0;
};

/// Every single-object rule, in evaluation order.
const std::vector<const Rule*>& all_rules();
/// Every set rule.
const std::vector<const SetRule*>& all_set_rules();
/// Whether `id` names a rule or set rule.
bool is_known_rule(std::string_view id);

}  // namespace haguard
