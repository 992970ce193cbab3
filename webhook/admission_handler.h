#pragma once
// The admission decision as a pure function: a decoded request, the endpoint and environment from
// the path, the policy snapshot and (for /scale) the parent object in; the response out, with what
// the logs and metrics need. No I/O, no clock reads (the caller passes `now`).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "policies/engine.h"
#include "webhook/admission_review.h"

namespace haguard::webhook {

enum class Endpoint { validate, mutate };
std::string_view to_string(Endpoint e);

struct AdmissionInput {
  Endpoint endpoint = Endpoint::validate;
  std::string_view environment;  ///< from the path; "" or unknown: the policy's default
  const AdmissionRequest* request = nullptr;
  const Engine* engine = nullptr;
  /// For a deployments/scale, statefulsets/scale or rollouts/scale request: the parent, when it
  /// was read.
  const json* scale_parent = nullptr;
  /// For an HPA or ScaledObject: the workload it scales, when it was read (--kube-api).
  const json* autoscaler_target = nullptr;
  bool parent_lookup_configured = false;  ///< --kube-api is set
  std::string parent_lookup_error;        ///< why the parent could not be read, if it was tried
};

struct AdmissionOutcome {
  AdmissionResponse response;
  bool with_patch = false;      ///< the endpoint may carry patch fields
  std::string decision;         ///< allowed, warned, denied, patched, skipped
  std::string skip_reason;      ///< why the object was not evaluated (decision "skipped")
  std::string environment;      ///< resolved against the policy
  std::string kind, namespace_, name;
  std::vector<Finding> findings;           ///< for metrics
  std::vector<std::string> fixed_rules;    ///< mutate: fixes applied
  std::vector<std::string> exempted_rules; ///< exemptions used
  /// Whether the object's exemption below is worth recording: /validate admitted the object
  /// (judged it, or its DELETE). Not for /scale, whose exemption is on its parent.
  bool exemption_known = false;
  /// The valid exemption the object carries: the rule ids it names ("*" for all) and its
  /// expiry. No rules: it carries none.
  std::vector<std::string> exemption_rules;
  std::optional<std::chrono::system_clock::time_point> exemption_until;
};

/// Decides one admission request at time `now` (exemptions expire).
AdmissionOutcome handle_admission(const AdmissionInput& in,
                                  std::chrono::system_clock::time_point now);

/// For an HPA or KEDA ScaledObject review: the kind and name of the workload it scales, when it
/// is one the webhook can read (Deployment, StatefulSet, Rollout); else empty.
std::pair<std::string_view, std::string> autoscaler_target(const AdmissionRequest& r);

/// "Deployment" for deployments/scale, "StatefulSet" for statefulsets/scale, "Rollout" for
/// Argo Rollouts' rollouts/scale, else "".
std::string_view scale_parent_kind(const AdmissionRequest& r);

}  // namespace haguard::webhook
