#pragma once
// The oracle for encode_review, written without it: the response review built as a nlohmann
// object and dumped. Used by admission_handler_test and the admission_review fuzz target.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/admission_review.h"
#include "webhook/text.h"

namespace haguard::webhook::oracle {

inline std::string expected_answer(std::string_view api_version, std::string_view uid,
                                   const AdmissionResponse& response, bool with_patch) {
  using nlohmann::json;
  json out = json::object();
  out["uid"] = uid;
  out["allowed"] = response.allowed;
  if (!response.allowed) {
    json status = {{"metadata", json::object()},
                   {"status", "Failure"},
                   {"code", response.code ? response.code : 403},
                   {"message", response.message}};
    if (!response.reason.empty()) status["reason"] = response.reason;
    out["status"] = std::move(status);
  }
  std::vector<std::string> warnings;
  std::set<std::string> seen;
  for (const auto& w : response.warnings) {
    std::string s = sanitize_warning(w);
    if (!s.empty() && seen.insert(s).second) warnings.push_back(std::move(s));
  }
  if (!warnings.empty()) out["warnings"] = std::move(warnings);
  json audit = json::object();
  for (const auto& [k, v] : response.audit_annotations) {
    std::string key = sanitize_audit_key(k);
    if (!key.empty()) audit[key] = v.size() > 1024 ? v.substr(0, 1024) : v;
  }
  if (!audit.empty()) out["auditAnnotations"] = std::move(audit);
  if (with_patch && response.allowed && response.patch.is_array() && !response.patch.empty()) {
    out["patchType"] = "JSONPatch";
    out["patch"] = base64_encode(response.patch.dump());
  }
  json review = {{"apiVersion", api_version}, {"kind", "AdmissionReview"}, {"response", out}};
  return review.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace haguard::webhook::oracle
