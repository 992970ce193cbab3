#pragma once
// What kube-apiserver checks on every webhook answer, as gtest expectations: HTTP 200 with JSON,
// the request's apiVersion and uid echoed, kind AdmissionReview, patch fields only on /mutate and
// both or neither (base64 JSON Patch), warnings and audit annotation keys within limits.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/tls_client.h"
#include "webhook/text.h"

namespace haguard::webhook::testing {

using haguard::test::HttpResult;

/// Returns the parsed response review (null JSON when the answer is unusable).
inline nlohmann::json expect_apiserver_accepts(const HttpResult& r, const nlohmann::json& request,
                                               bool mutate) {
  using nlohmann::json;
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return nullptr;
  EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "", "application/json");
  json res = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(res.is_discarded()) << r.body;
  if (res.is_discarded()) return nullptr;
  EXPECT_EQ(res.value("apiVersion", ""), request.value("apiVersion", "x"));
  EXPECT_EQ(res.value("kind", ""), "AdmissionReview");
  const json& resp = res["response"];
  EXPECT_TRUE(resp.is_object());
  EXPECT_EQ(resp.value("uid", ""), request["request"].value("uid", "x"));
  EXPECT_TRUE(resp.contains("allowed") && resp["allowed"].is_boolean());
  const bool allowed = resp.value("allowed", false);
  if (!allowed) {
    EXPECT_EQ(resp["status"].value("code", 0), 403);
    EXPECT_FALSE(resp["status"].value("message", "").empty());
  }
  EXPECT_EQ(resp.contains("patch"), resp.contains("patchType")) << "patch fields: both or neither";
  if (!mutate || !allowed || request["request"].value("operation", "") == "DELETE") {
    EXPECT_FALSE(resp.contains("patch")) << "no patch on /validate, a denial or a DELETE";
  }
  if (resp.contains("patch")) {
    EXPECT_EQ(resp["patchType"], "JSONPatch");
    auto text = base64_decode(resp["patch"].get<std::string>());
    EXPECT_TRUE(text.has_value());
    if (text) {
      json patch = json::parse(*text, nullptr, false);
      EXPECT_TRUE(patch.is_array() && !patch.empty()) << *text;
    }
  }
  if (resp.contains("warnings")) {
    EXPECT_TRUE(resp["warnings"].is_array());
    for (const auto& w : resp["warnings"]) {
      EXPECT_TRUE(w.is_string());
      if (w.is_string()) {
        EXPECT_TRUE(is_valid_warning(w.get<std::string>())) << w;
      }
    }
  }
  if (resp.contains("auditAnnotations")) {
    for (const auto& [k, v] : resp["auditAnnotations"].items()) {
      EXPECT_TRUE(is_valid_audit_key(k)) << k;
      EXPECT_EQ(k.find('/'), std::string::npos) << k;
      EXPECT_TRUE(v.is_string()) << k;
    }
  }
  return res;
}

/// The JSON Patch of a response, decoded (empty array when none).
inline nlohmann::json decoded_patch(const nlohmann::json& response_review) {
  const auto& resp = response_review["response"];
  if (!resp.contains("patch")) return nlohmann::json::array();
  auto text = base64_decode(resp["patch"].get<std::string>());
  return text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json::array();
}

}  // namespace haguard::webhook::testing
