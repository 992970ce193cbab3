#pragma once
// The vocabulary every front door shares: what a rule found, and what the environment does about it.

#include <optional>
#include <string_view>

namespace haguard {

/// What one rule concluded about one object.
enum class Outcome {
  pass,   ///< the object meets the rule
  fail,   ///< the object breaks the rule
  warn,   ///< the object meets the rule in a way worth a look (e.g. a hard anti-affinity term)
  error,  ///< the rule could not evaluate the object (malformed field, missing data)
  skip,   ///< not applicable, disabled, or exempted; the message says which
};

/// What an environment does with a rule's failures.
enum class Enforcement {
  enforce,  ///< deny, or fix when the rule's fix is on
  warn,     ///< allow, return the message as a warning
  audit,    ///< allow, log and count only
  off,      ///< do not evaluate
};

std::string_view to_string(Outcome o);
std::string_view to_string(Enforcement e);
std::optional<Enforcement> parse_enforcement(std::string_view s);

}  // namespace haguard
