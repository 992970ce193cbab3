#pragma once
// Reads an AdmissionReview body into the JSON the webhook judges. simdjson parses and validates
// the text (nlohmann's own parser took a fifth of the CPU of a small review and half of a 1 MiB
// one); nlohmann::json is built only for what the webhook reads. request.oldObject keeps nothing
// but its metadata: the engine reads the old annotations (exemption changes), the handler the old
// deletionTimestamp and name, and an UPDATE's oldObject is as large as its object.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace haguard::webhook {

struct ReadReview {
  nlohmann::json review;  ///< discarded when `error` is set
  std::string error;      ///< why the body is not JSON a review can be read from (HTTP 400)
};

/// Parses `body`. Accepts exactly the JSON nlohmann::json::parse accepts, and gives the same
/// values, but for the oldObject members dropped above and arrays and objects nested more than
/// kMaxReviewDepth + 1 levels deep (refused with too_deep_error(); decode_review refuses the one
/// level in between).
ReadReview read_review(std::string_view body);

}  // namespace haguard::webhook
