#pragma once
// Exemptions carried by annotations on the object (for a /scale request, on its parent):
//   haguard.dalp.io/exempt: "min-replicas,probes" | "*"
//   haguard.dalp.io/exempt-reason: "..."
//   haguard.dalp.io/exempt-until: RFC 3339 timestamp

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policies/policy.h"
#include "policies/workload.h"

namespace haguard {

inline constexpr std::string_view kExemptAnnotation = "haguard.dalp.io/exempt";
inline constexpr std::string_view kExemptReasonAnnotation = "haguard.dalp.io/exempt-reason";
inline constexpr std::string_view kExemptUntilAnnotation = "haguard.dalp.io/exempt-until";
inline constexpr std::string_view kMutatedAnnotation = "haguard.dalp.io/mutated";
inline constexpr std::string_view kEnvironmentLabel = "haguard.dalp.io/environment";

/// Who sends a request (AdmissionReview userInfo).
struct Requester {
  std::string username;
  std::vector<std::string> groups;
};

/// The exemption an object's annotations ask for, after the policy has judged it.
struct Exemption {
  bool requested = false;        ///< the exempt annotation is present
  bool valid = false;            ///< usable now; when false, `problem` says why
  bool all_rules = false;        ///< "*"
  std::set<std::string> rules;   ///< rule ids named (when not all_rules)
  std::string reason;
  std::string until;             ///< as written
  std::string problem;           ///< why the exemption is void, one line
  std::vector<std::string> unknown_rules;  ///< ids named that the policy does not know

  /// Whether this exemption covers `rule_id` in `env` (valid, named, not forbidden there).
  bool covers(std::string_view rule_id) const;
};

/// Parses an RFC 3339 timestamp ("2026-12-01T06:00:00Z", offsets and fractions allowed). Times
/// beyond the clock's range (before 1678, after 2261) clamp to time_point::min() / max().
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s);

/// Reads and judges the exemption annotations in `annotations` against the policy at time `now`.
Exemption read_exemption(const Labels& annotations, const Policy& policy,
                         std::chrono::system_clock::time_point now);

/// Whether the exemption annotations differ between the object and its old version (UPDATE) or are
/// new (CREATE, old == nullptr).
bool exemption_changed(const Labels& annotations, const Labels* old_annotations);

/// Whether `who` may grant exemptions under `allowed` (empty list: anyone).
bool requester_allowed(const Requester& who, const Requesters& allowed);

}  // namespace haguard
