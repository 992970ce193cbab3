#pragma once
// The oracle for read_review, written without it: nlohmann's parse of the body, with the review
// and its request cut down to the members the webhook reads, request.userInfo to its username
// and groups, request.oldObject to its metadata, and the managedFields of both objects' metadata
// dropped. Used by review_reader_test and the
// admission_review fuzz target.

#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

namespace haguard::webhook::oracle {

/// `j` (a review) cut down as read_review cuts what it reads into a tree.
inline nlohmann::json pruned(nlohmann::json j) {
  const auto keep_only = [](nlohmann::json& object, std::initializer_list<const char*> keys) {
    nlohmann::json kept = nlohmann::json::object();
    for (const char* k : keys)
      if (object.contains(k)) kept[k] = std::move(object[k]);
    object = std::move(kept);
  };
  if (j.is_object()) keep_only(j, {"apiVersion", "kind", "request"});
  if (j.is_object() && j.contains("request") && j["request"].is_object()) {
    nlohmann::json& req = j["request"];
    keep_only(req, {"uid", "kind", "resource", "subResource", "operation", "namespace", "name",
                    "userInfo", "dryRun", "object", "oldObject"});
    if (req.contains("userInfo") && req["userInfo"].is_object())
      keep_only(req["userInfo"], {"username", "groups"});
    if (req.contains("oldObject") && req["oldObject"].is_object()) {
      nlohmann::json kept = nlohmann::json::object();
      if (req["oldObject"].contains("metadata")) kept["metadata"] = req["oldObject"]["metadata"];
      req["oldObject"] = std::move(kept);
    }
    for (const char* name : {"object", "oldObject"})
      if (req.contains(name) && req[name].is_object() && req[name].contains("metadata") &&
          req[name]["metadata"].is_object())
        req[name]["metadata"].erase("managedFields");
  }
  return j;
}

/// What read_review must give for `body`; discarded when nlohmann refuses it.
inline nlohmann::json expected_review(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? j : pruned(std::move(j));
}

}  // namespace haguard::webhook::oracle
