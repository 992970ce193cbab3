#include "webhook/admission_review.h"

#include <algorithm>
#include <map>
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
  if (const JsonNode res = object_at(req, "resource")) {
    r.resource_group = string_at(res, "group");
    r.resource = string_at(res, "resource");
  }
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

std::string encode_review(std::string_view api_version, std::string_view uid,
                          const AdmissionResponse& response, bool with_patch) {
  // Written as text, members in key order as nlohmann's std::map would list them. Hand-written
  // for a measured gain: building the nlohmann object and dumping it
  // (tests/webhook/expected_answer.h, which the tests hold this equal to) cost 17.4k more
  // instructions per small review, 15% of what Session::on_body spends on it (callgrind,
  // bench/README.md "Webhook load").
  std::string out;
  out.reserve(256 + response.message.size());
  out += R"({"apiVersion":)";
  append_json_string(out, api_version);
  out += R"(,"kind":"AdmissionReview","response":{"allowed":)";
  out += response.allowed ? "true" : "false";
  std::map<std::string, std::string> audit;  // keys sanitized: the last of two alike is kept
  for (const auto& [k, v] : response.audit_annotations) {
    std::string key = sanitize_audit_key(k);
    if (!key.empty())
      audit.insert_or_assign(std::move(key), v.substr(0, kMaxAuditValueBytes));
  }
  if (!audit.empty()) {
    out += R"(,"auditAnnotations":{)";
    for (auto it = audit.begin(); it != audit.end(); ++it) {
      if (it != audit.begin()) out += ',';
      append_json_string(out, it->first);
      out += ':';
      append_json_string(out, it->second);  // a value cut mid-character: U+FFFD, as nlohmann
    }
    out += '}';
  }
  if (with_patch && response.allowed && response.patch.is_array() && !response.patch.empty()) {
    out += R"(,"patch":)";
    append_json_string(out, base64_encode(response.patch.dump()));
    out += R"(,"patchType":"JSONPatch")";
  }
  if (!response.allowed) {
    out += R"(,"status":{"code":)";
    out += std::to_string(response.code ? response.code : 403);
    out += R"(,"message":)";
    append_json_string(out, response.message);
    out += R"(,"metadata":{})";
    if (!response.reason.empty()) {
      out += R"(,"reason":)";
      append_json_string(out, response.reason);
    }
    out += R"(,"status":"Failure"})";
  }
  out += R"(,"uid":)";
  append_json_string(out, uid);
  std::set<std::string> seen;
  bool first = true;
  for (const auto& w : response.warnings) {
    std::string s = sanitize_warning(w);
    if (s.empty() || !seen.insert(s).second) continue;
    out += first ? R"(,"warnings":[)" : ",";
    first = false;
    append_json_string(out, s);
  }
  if (!first) out += ']';
  out += "}}";
  return out;
}

}  // namespace haguard::webhook
