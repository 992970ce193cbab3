#include "webhook/admission_review.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "webhook/text.h"

namespace haguard::webhook {
namespace {

std::string string_at(JsonNode obj, const char* key) { return std::string(obj[key].str()); }

/// The member `key` when it is an object; else absent.
JsonNode object_at(JsonNode obj, const char* key) {
  const JsonNode v = obj[key];
  return v.is_object() ? v : JsonNode();
}

/// Longest audit annotation value kept; the apiserver stores them in audit events.
constexpr std::size_t kMaxAuditValueBytes = 1024;

}  // namespace

namespace {

/// Whether `v` nests arrays and objects more than `limit` levels deep. Iterative: the copies,
/// comparisons and diffs the engine makes later recurse once per level.
bool nested_deeper_than(const json& v, std::size_t limit) {
  std::vector<std::pair<const json*, std::size_t>> stack{{&v, 1}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    if (depth > limit) return true;
    for (const json& child : *node) stack.emplace_back(&child, depth + 1);
  }
  return false;
}

}  // namespace

std::string too_deep_error() {
  return "the review nests more than " + std::to_string(kMaxReviewDepth) + " levels deep";
}

DecodeResult decode_review(JsonNode review, bool depth_checked) {
  if (!review.is_object()) return {std::nullopt, "the body is not a JSON object"};
  if (!depth_checked && review.tree() && nested_deeper_than(*review.tree(), kMaxReviewDepth))
    return {std::nullopt, too_deep_error()};
  AdmissionRequest r;
  r.api_version = string_at(review, "apiVersion");
  if (r.api_version != kAdmissionV1 && r.api_version != kAdmissionV1beta1)
    return {std::nullopt, "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1"};
  if (string_at(review, "kind") != "AdmissionReview")
    return {std::nullopt, "kind must be AdmissionReview"};
  const JsonNode req = object_at(review, "request");
  if (!req) return {std::nullopt, "request is missing"};
  r.uid = string_at(req, "uid");
  if (r.uid.empty()) return {std::nullopt, "request.uid is missing"};
  if (const JsonNode k = object_at(req, "kind")) {
    r.group = string_at(k, "group");
    r.version = string_at(k, "version");
    r.kind = string_at(k, "kind");
  }
  if (const JsonNode res = object_at(req, "resource")) r.resource = string_at(res, "resource");
  r.sub_resource = string_at(req, "subResource");
  r.operation = string_at(req, "operation");
  // Anything else would be skipped as "not judged", that is allowed: a malformed review must not
  // be a way around the policy.
  if (r.operation != "CREATE" && r.operation != "UPDATE" && r.operation != "DELETE" &&
      r.operation != "CONNECT")
    return {std::nullopt, "request.operation must be CREATE, UPDATE, DELETE or CONNECT"};
  r.namespace_ = string_at(req, "namespace");
  r.name = string_at(req, "name");
  if (const JsonNode u = object_at(req, "userInfo")) {
    r.requester.username = string_at(u, "username");
    for (JsonNode g : u["groups"].items())
      if (g.is_string()) r.requester.groups.emplace_back(g.str());
  }
  r.dry_run = req["dryRun"].is_true();
  r.object = object_at(req, "object");
  r.old_object = object_at(req, "oldObject");
  if ((r.operation == "CREATE" || r.operation == "UPDATE") && !r.object)
    return {std::nullopt, "request.object is missing for " + r.operation};
  return {std::move(r), {}};
}

json encode_review(std::string_view api_version, std::string_view uid,
                   const AdmissionResponse& response, bool with_patch) {
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
    if (key.empty()) continue;
    std::string value = v.size() > kMaxAuditValueBytes ? v.substr(0, kMaxAuditValueBytes) : v;
    audit[key] = std::move(value);  // serialized with invalid UTF-8 replaced
  }
  if (!audit.empty()) out["auditAnnotations"] = std::move(audit);
  if (with_patch && response.allowed && response.patch.is_array() && !response.patch.empty()) {
    out["patchType"] = "JSONPatch";
    out["patch"] = base64_encode(response.patch.dump());
  }
  // Member by member: an initializer list would copy `out` twice.
  json review(json::value_t::object);
  review.emplace("apiVersion", api_version);
  review.emplace("kind", "AdmissionReview");
  review.emplace("response", std::move(out));
  return review;
}

}  // namespace haguard::webhook
