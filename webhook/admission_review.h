#pragma once
// The AdmissionReview codec: admission.k8s.io/v1 and v1beta1 in, the same version out.
// Decoding validates what a well-formed review must have; encoding enforces what kube-apiserver
// accepts (uid echoed, patch fields both or neither, warning and audit key limits).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policies/exemption.h"
#include "policies/workload.h"

namespace haguard::webhook {

using json = nlohmann::json;

inline constexpr std::string_view kAdmissionV1 = "admission.k8s.io/v1";
inline constexpr std::string_view kAdmissionV1beta1 = "admission.k8s.io/v1beta1";

/// The fields of AdmissionReview.request the webhook uses. Pointers point into the review.
struct AdmissionRequest {
  std::string api_version;  ///< of the review: answered in kind
  std::string uid;
  std::string group, version, kind;  ///< request.kind
  std::string resource_group;        ///< request.resource.group ("apps")
  std::string resource;              ///< request.resource.resource ("deployments")
  std::string sub_resource;          ///< "scale" for deployments/scale
  std::string operation;             ///< CREATE, UPDATE, DELETE, CONNECT
  std::string namespace_;
  std::string name;
  Requester requester;
  bool dry_run = false;
  /// Absent when absent or not an object (JSON null: DELETE). In the review: a tree or a DOM.
  haguard::JsonNode object;
  haguard::JsonNode old_object;
};

struct DecodeResult {
  std::optional<AdmissionRequest> request;
  std::string error;  ///< why the review is malformed (HTTP 400)
};

/// Deepest nesting of arrays and objects a review may have (Kubernetes objects stay far below;
/// a deeper one would overflow the stack in the recursive copies and diffs of the engine).
inline constexpr std::size_t kMaxReviewDepth = 1000;

/// Why a review deeper than kMaxReviewDepth is refused (HTTP 400).
std::string too_deep_error();

/// Reads a parsed AdmissionReview, a tree or a DOM (read_review's root()). `review` must outlive
/// the result. `depth_checked`: the caller has refused reviews nested deeper than
/// kMaxReviewDepth (read_review's depth_checked); a DOM is not walked again either way.
DecodeResult decode_review(haguard::JsonNode review, bool depth_checked = false);

/// What the webhook answers, before encoding.
struct AdmissionResponse {
  bool allowed = true;
  int code = 0;             ///< status.code when denied (403)
  std::string reason;       ///< status.reason ("Forbidden")
  std::string message;      ///< status.message
  std::vector<std::string> warnings;
  std::map<std::string, std::string> audit_annotations;
  json patch = json::array();  ///< RFC 6902 ops; sent only when non-empty and allowed
};

/// The response review as JSON text: apiVersion of the request, kind AdmissionReview,
/// response.uid. Warnings are sanitized and deduplicated, audit keys sanitized, the patch
/// base64-encoded with patchType JSONPatch only when `with_patch` and there are ops. The bytes
/// are those of nlohmann's dump of the same object (invalid UTF-8 replaced by U+FFFD).
std::string encode_review(std::string_view api_version, std::string_view uid,
                          const AdmissionResponse& response, bool with_patch);

}  // namespace haguard::webhook
