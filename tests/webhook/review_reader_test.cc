// read_review against nlohmann::json::parse, the parser it replaces on the request path: the same
// bodies accepted and refused, the same values, and request.oldObject cut down to its metadata.

#include "webhook/review_reader.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "tests/webhook/expected_review.h"
#include "webhook/admission_review.h"

namespace haguard::webhook {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using oracle::expected_review;

/// read_review with ReadAs::dom: the same bodies refused with the same message, and the same
/// review once what it leaves in the DOM is cut down as the tree is.
void expect_dom_read_alike(std::string_view body, const std::string& what) {
  ReadReview tree = read_review(body);
  ReadReview dom = read_review(body, ReadAs::dom);  // last: its DOM is in the thread's parser
  EXPECT_EQ(dom.error, tree.error) << what;
  if (!tree.error.empty()) return;
  EXPECT_EQ(dom.depth_checked, tree.depth_checked) << what;
  if (!dom.dom) {
    EXPECT_EQ(dom.review, tree.review) << what;  // a key repeated, or simdjson refused the body
    return;
  }
  EXPECT_TRUE(dom.review.is_null()) << what;
  EXPECT_EQ(dom.root().tree(), nullptr) << what;
  const json whole = oracle::pruned(dom.dom.to_json());
  EXPECT_EQ(whole, tree.review) << what;
  EXPECT_EQ(whole.dump(), tree.review.dump()) << what;
}

/// Same value, same number kinds (dump differs for 1 vs 1.0), same result either way; and the
/// same through ReadAs::dom.
void expect_same_as_nlohmann(std::string_view body, const std::string& what) {
  expect_dom_read_alike(body, what);
  ReadReview r = read_review(body);
  json want = expected_review(body);
  if (want.is_discarded()) {
    EXPECT_FALSE(r.error.empty()) << what << ": nlohmann refuses it, read_review accepted "
                                  << r.review.dump();
    return;
  }
  ASSERT_TRUE(r.error.empty()) << what << ": " << r.error;
  EXPECT_EQ(r.review, want) << what;
  EXPECT_EQ(r.review.dump(), want.dump()) << what;
}

std::vector<fs::path> case_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(HAGUARD_CASES_DIR) / "admission"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

json update_review(std::size_t env_count) {
  json container = {
      {"name", "dapp"}, {"image", "ghcr.io/settlemint/dapp:1.0"}, {"env", json::array()}};
  for (std::size_t i = 0; i < env_count; ++i)
    container["env"].push_back(
        {{"name", "SETTING_" + std::to_string(i)},
         {"value", "https://indexer-" + std::to_string(i) + ".svc:8443/v1"}});
  json object = {
      {"apiVersion", "apps/v1"},
      {"kind", "StatefulSet"},
      {"metadata", {{"name", "indexer"}, {"namespace", "prod"}, {"annotations", {{"a", "1"}}}}},
      {"spec", {{"replicas", 3}, {"template", {{"spec", {{"containers", {container}}}}}}}},
      {"status", {{"replicas", 3}, {"ratio", 0.5}, {"delta", -2}}}};
  json old = object;
  old["metadata"]["annotations"]["a"] = "0";
  old["spec"]["replicas"] = 2;
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "u-1"}, {"operation", "UPDATE"}, {"object", object}, {"oldObject", old}}}};
}

TEST(ReadReview, EveryAdmissionCaseReadsAsNlohmannParsesIt) {
  auto files = case_files();
  ASSERT_GT(files.size(), 40u);
  std::size_t with_old = 0, with_managed_fields = 0;
  for (const auto& f : files) {
    const std::string text = slurp(f);
    expect_same_as_nlohmann(text, f.filename().string());
    ReadReview r = read_review(text);
    ASSERT_TRUE(r.error.empty()) << f;
    const json& req = r.review.at("request");
    // The object the engine judges is whole but for managedFields; an old object keeps its
    // metadata only, without managedFields either.
    json original = json::parse(text)["request"];
    for (const char* name : {"object", "oldObject"}) {
      if (original.contains(name) && original[name].contains("metadata") &&
          original[name]["metadata"].erase("managedFields"))
        ++with_managed_fields;
    }
    EXPECT_EQ(req.value("object", json()), original.value("object", json()));
    if (req.contains("oldObject") && req["oldObject"].is_object()) {
      ++with_old;
      for (const auto& [k, v] : req["oldObject"].items()) EXPECT_EQ(k, "metadata") << f;
      EXPECT_EQ(req["oldObject"].value("metadata", json()),
                original["oldObject"].value("metadata", json()));
    }
  }
  EXPECT_GT(with_old, 5u) << "the cases should include UPDATEs with an oldObject";
  EXPECT_GT(with_managed_fields, 0u) << "the cases should include an object with managedFields";
}

TEST(ReadReview, EveryAdmissionCaseIsLeftInTheDomAndDecodesTheSame) {
  // The tree drops managedFields, the DOM keeps them (nothing reads them). Of an object, or of
  // metadata itself.
  const auto without_managed_fields = [](JsonNode value) {
    json copy = value.to_json();
    if (copy.is_object()) copy.erase("managedFields");
    if (auto md = copy.find("metadata"); md != copy.end() && md->is_object())
      md->erase("managedFields");
    return copy;
  };
  const auto same = [&](const AdmissionRequest& a, const AdmissionRequest& b) {
    return std::tie(a.api_version, a.uid, a.group, a.version, a.kind, a.resource, a.sub_resource,
                    a.operation, a.namespace_, a.name, a.requester.username,
                    a.requester.groups, a.dry_run) ==
               std::tie(b.api_version, b.uid, b.group, b.version, b.kind, b.resource,
                        b.sub_resource, b.operation, b.namespace_, b.name, b.requester.username,
                        b.requester.groups, b.dry_run) &&
           without_managed_fields(a.object) == without_managed_fields(b.object) &&
           without_managed_fields(a.old_object["metadata"]) ==
               without_managed_fields(b.old_object["metadata"]);
  };
  std::size_t decoded = 0;
  for (const auto& f : case_files()) {
    const std::string text = slurp(f);
    const ReadReview tree = read_review(text);
    const ReadReview dom = read_review(text, ReadAs::dom);
    ASSERT_TRUE(dom.error.empty()) << f;
    ASSERT_TRUE(dom.dom) << f << ": a review that repeats no key stays in the DOM";
    DecodeResult a = decode_review(tree.root(), tree.depth_checked);
    DecodeResult b = decode_review(dom.root(), dom.depth_checked);
    ASSERT_EQ(a.error, b.error) << f;
    if (!a.request) continue;
    ++decoded;
    ASSERT_TRUE(b.request) << f;
    EXPECT_TRUE(same(*a.request, *b.request)) << f;
    // The DOM's object is whole, managedFields and all.
    EXPECT_EQ(b.request->object.to_json(),
              json::parse(text)["request"].value("object", json()).is_object()
                  ? json::parse(text)["request"]["object"]
                  : json())
        << f;
  }
  EXPECT_GT(decoded, 40u);
}

TEST(ReadReview, AReviewThatRepeatsAKeyIsReadIntoTheTreeKeepingTheLastValue) {
  // A DOM finds the first of two equal keys, nlohmann's tree keeps the last: the webhook must read
  // what nlohmann reads, so such a review is built into the tree.
  const std::string body = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "request":{"uid":"u","operation":"CREATE","object":{"kind":"Deployment",
      "spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"a","app":"b"}}},
      "replicas":3}}}})";
  ReadReview r = read_review(body, ReadAs::dom);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.dom);
  EXPECT_EQ(r.root().tree(), &r.review);
  EXPECT_EQ(r.review["request"]["object"]["spec"]["replicas"], 3);
  EXPECT_EQ(r.review["request"]["object"]["spec"]["template"]["metadata"]["labels"]["app"], "b");
  expect_same_as_nlohmann(body, "repeated keys");

  // In the envelope too: the last uid is the one answered.
  const std::string uid_twice = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "request":{"uid":"first","operation":"CREATE","object":{"kind":"Deployment"},"uid":"last"}})";
  r = read_review(uid_twice, ReadAs::dom);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.dom);
  DecodeResult d = decode_review(r.root(), r.depth_checked);
  ASSERT_TRUE(d.request) << d.error;
  EXPECT_EQ(d.request->uid, "last");

  // In an object of more members than are compared pairwise, too.
  json many = json::parse(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "request":{"uid":"u","operation":"CREATE","object":{"kind":"Deployment"}}})");
  std::string labels;
  for (int i = 0; i < 40; ++i) labels += "\"k" + std::to_string(i) + "\":\"v" + std::to_string(i) + "\",";
  std::string text = many.dump();
  const std::string at = R"("kind":"Deployment")";
  std::string distinct = text, repeated = text;
  distinct.replace(distinct.find(at), at.size(),
                   at + R"(,"metadata":{"labels":{)" + labels + R"("k40":"x"}})");
  repeated.replace(repeated.find(at), at.size(),
                   at + R"(,"metadata":{"labels":{)" + labels + R"("k17":"last"}})");
  r = read_review(distinct, ReadAs::dom);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.dom);
  r = read_review(repeated, ReadAs::dom);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.dom);
  EXPECT_EQ(r.review["request"]["object"]["metadata"]["labels"]["k17"], "last");
  expect_same_as_nlohmann(repeated, "a repeated key among 41");

  // What the tree leaves out is not read: a key repeated there keeps the review in the DOM.
  const std::string in_options = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "request":{"uid":"u","operation":"CREATE","object":{"kind":"Deployment"},
      "options":{"a":1,"a":2}}})";
  r = read_review(in_options, ReadAs::dom);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.dom);
  expect_same_as_nlohmann(in_options, "repeated key in options");
}

TEST(ReadReview, ALargeBodysDomOutlivesTheNextRead) {
  // A body over 64 KiB is parsed by a parser of its own, which the result keeps.
  const std::string large = update_review(2000).dump();
  ASSERT_GT(large.size(), 64u * 1024);
  ReadReview r = read_review(large, ReadAs::dom);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_TRUE(r.dom);
  EXPECT_TRUE(r.keep);
  ReadReview other = read_review(update_review(3).dump(), ReadAs::dom);
  ASSERT_TRUE(other.dom);
  EXPECT_FALSE(other.keep);
  const JsonNode object = r.dom["request"]["object"];
  EXPECT_EQ(object.to_json(), update_review(2000)["request"]["object"]);
  EXPECT_EQ(object["spec"]["template"]["spec"]["containers"].items()[0]["env"].size(), 2000u);
}

TEST(ReadReview, ASmallBodysDomKeptBeyondTheThreadOutlivesTheNextReads) {
  // A small body is parsed by the thread's parser, which the next read reuses; a review finished
  // on another thread (a /scale parent read from the API) takes that parser along instead.
  const std::string small = update_review(3).dump();
  ReadReview r = read_review(small, ReadAs::dom);
  ASSERT_TRUE(r.dom);
  EXPECT_FALSE(r.keep);
  keep_beyond_thread(r);
  EXPECT_TRUE(r.keep);
  for (int n = 1; n < 5; ++n) {  // the thread's next reads
    ReadReview other = read_review(update_review(n * 7).dump(), ReadAs::dom);
    ASSERT_TRUE(other.dom) << other.error;
    EXPECT_EQ(other.dom["request"]["object"].to_json(), update_review(n * 7)["request"]["object"]);
  }
  std::thread elsewhere([r = std::move(r)] {
    const JsonNode object = r.dom["request"]["object"];
    EXPECT_EQ(object.to_json(), update_review(3)["request"]["object"]);
  });
  elsewhere.join();
}

TEST(ReadReview, KeepsOnlyTheOldObjectsMetadataAndDecodesTheSame) {
  const json review = update_review(3);
  ReadReview r = read_review(review.dump());
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.review["request"]["oldObject"],
            json({{"metadata", review["request"]["oldObject"]["metadata"]}}));
  EXPECT_EQ(r.review["request"]["object"], review["request"]["object"]);

  // What the handler and the engine read of the old object is all there.
  DecodeResult a = decode_review(review), b = decode_review(r.review);  // trees
  ASSERT_TRUE(a.request && b.request);
  ASSERT_TRUE(a.request->old_object && b.request->old_object);
  EXPECT_EQ(a.request->old_object["metadata"].to_json(), b.request->old_object["metadata"].to_json());
  EXPECT_EQ(a.request->object.to_json(), b.request->object.to_json());
  EXPECT_EQ(a.request->operation, b.request->operation);
}

TEST(ReadReview, KeepsOfTheEnvelopeWhatDecodeReads) {
  // As kube-apiserver sends it: requestKind, requestResource, options and userInfo's uid and
  // extra are read by nothing, and not kept.
  json review = update_review(1);
  json& req = review["request"];
  req["kind"] = {{"group", "apps"}, {"version", "v1"}, {"kind", "StatefulSet"}};
  req["resource"] = {{"group", "apps"}, {"version", "v1"}, {"resource", "statefulsets"}};
  req["subResource"] = "";
  req["requestKind"] = req["kind"];
  req["requestResource"] = req["resource"];
  req["requestSubResource"] = "";
  req["namespace"] = "prod";
  req["name"] = "indexer";
  req["userInfo"] = {{"username", "system:serviceaccount:argocd:argocd-application-controller"},
                     {"uid", "4d1c"},
                     {"groups", {"system:serviceaccounts", "system:authenticated"}},
                     {"extra", {{"authentication.kubernetes.io/pod-name", {"argocd-0"}}}}};
  req["dryRun"] = true;
  req["options"] = {{"kind", "UpdateOptions"}, {"apiVersion", "meta.k8s.io/v1"},
                    {"fieldManager", "argocd-controller"}};
  review["response"] = {{"allowed", true}};
  ReadReview r = read_review(review.dump());
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.review, expected_review(review.dump()));
  for (const auto& [k, v] : r.review.items())
    EXPECT_TRUE(k == "apiVersion" || k == "kind" || k == "request") << k;
  const json& kept = r.review["request"];
  for (const char* dropped : {"requestKind", "requestResource", "requestSubResource", "options"})
    EXPECT_FALSE(kept.contains(dropped)) << dropped;
  EXPECT_EQ(kept["userInfo"], json({{"username", req["userInfo"]["username"]},
                                    {"groups", req["userInfo"]["groups"]}}));

  // Everything decode_review reads is there.
  DecodeResult a = decode_review(review), b = decode_review(r.review, r.depth_checked);
  ASSERT_TRUE(a.request && b.request) << a.error << b.error;
  const AdmissionRequest &x = *a.request, &y = *b.request;
  EXPECT_EQ(std::tie(x.api_version, x.uid, x.group, x.version, x.kind, x.resource, x.sub_resource,
                     x.operation, x.namespace_, x.name, x.requester.username, x.requester.groups,
                     x.dry_run),
            std::tie(y.api_version, y.uid, y.group, y.version, y.kind, y.resource, y.sub_resource,
                     y.operation, y.namespace_, y.name, y.requester.username, y.requester.groups,
                     y.dry_run));
  EXPECT_EQ(x.object.to_json(), y.object.to_json());

  // The same on the nlohmann path (simdjson refuses the integer beyond 64 bits in options).
  req["options"]["n"] = 1;
  std::string text = review.dump();
  text.replace(text.find("\"n\":1"), 5, "\"n\":123456789012345678901234567890");
  ReadReview big = read_review(text);
  ASSERT_TRUE(big.error.empty()) << big.error;
  EXPECT_EQ(big.review, r.review);
}

TEST(ReadReview, PrunesOnlyRequestOldObject) {
  // oldObject that is not an object is kept as it is (decode_review judges it); the name
  // elsewhere in the document is not special.
  for (
      std::string body : {
          R"({"request":{"oldObject":null}})",
          R"({"request":{"oldObject":"x"}})",
          R"({"request":{"oldObject":[{"spec":1}]}})",
          R"({"request":{"oldObject":{}}})",
          R"({"request":{"oldObject":{"spec":{"a":1}}}})",
          R"({"request":{"oldObject":{"metadata":{"name":"a"},"metadata":{"name":"b"},"spec":2}}})",
          R"({"request":{"object":{"oldObject":{"spec":1},"request":{"oldObject":{"spec":1}}}}})",
          R"({"oldObject":{"spec":1},"x":{"request":{"oldObject":{"spec":1}}}})",
          R"([{"request":{"oldObject":{"spec":1}}}])",
          R"({"request":[{"oldObject":{"spec":1}}]})",
          R"({"request":{"oldObject":{"spec":1}},"request":{"oldObject":{"spec":2,"metadata":3}}})",
      })
    expect_same_as_nlohmann(body, body);
  ReadReview r = read_review(R"({"request":{"object":{"oldObject":{"spec":1}}}})");
  EXPECT_EQ(r.review["request"]["object"]["oldObject"]["spec"], 1);
}

TEST(ReadReview, DropsManagedFieldsOfBothObjectsOnly) {
  json review = update_review(3);
  const json managed = json::parse(R"([{"manager":"argocd-controller","operation":"Apply",
      "apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}])");
  const json without = review;
  review["request"]["object"]["metadata"]["managedFields"] = managed;
  review["request"]["oldObject"]["metadata"]["managedFields"] = managed;
  ReadReview r = read_review(review.dump());
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.review, read_review(without.dump()).review);
  EXPECT_FALSE(r.review["request"]["object"]["metadata"].contains("managedFields"));
  EXPECT_EQ(r.review["request"]["object"]["metadata"]["name"],
            review["request"]["object"]["metadata"]["name"]);

  // Anywhere else the name is not special, and bodies nlohmann parses after a simdjson refusal
  // (the integer beyond 64 bits) are pruned the same way.
  for (std::string body : {
           R"({"request":{"object":{"metadata":{"managedFields":[1],"name":"a"}}}})",
           R"({"request":{"object":{"metadata":{"managedFields":[1]},"managedFields":2}}})",
           R"({"request":{"object":{"spec":{"template":{"metadata":{"managedFields":[1]}}}}}})",
           R"({"request":{"object":{"metadata":"x"},"managedFields":1},"managedFields":2})",
           R"({"request":{"object":{"metadata":[{"managedFields":1}]}}})",
           R"({"request":{"oldObject":{"metadata":{"managedFields":{},"uid":"u"},"spec":1}}})",
           R"({"request":{"object":{"metadata":{"managedFields":1}},"object":{"metadata":{"a":1}}}})",
           R"({"request":{"object":{"metadata":{"managedFields":[123456789012345678901234567890]}}}})",
           R"({"n":123456789012345678901234567890,"request":{"object":{"metadata":{"managedFields":1,"b":2}}}})",
       })
    expect_same_as_nlohmann(body, body);
  EXPECT_EQ(read_review(R"({"request":{"object":{"spec":{"metadata":{"managedFields":1}}}}})")
                .review["request"]["object"]["spec"]["metadata"]["managedFields"],
            1);
}

TEST(ReadReview, ScalarsAndEdgeCasesMatchNlohmann) {
  for (std::string body : {
           "0",
           "-0",
           "1",
           "-1",
           "1.0",
           "-0.0",
           "1E2",
           "1e-2",
           "0.1e-400",
           "1e999",
           "-1e999",
           "1.7976931348623157e309",
           "9223372036854775807",
           "9223372036854775808",
           "18446744073709551615",
           "18446744073709551616",
           "-9223372036854775808",
           "-9223372036854775809",
           "123456789012345678901234567890",
           "01",
           "1.",
           ".5",
           "+1",
           "true",
           "false",
           "null",
           "tru",
           "nul",
           "\"\"",
           "\"a\\u0000b\"",
           "\"\\ud800\"",
           "\"\\udc00\"",
           "\"\\ud800\\udc00\"",
           "\"\\u00e9\"",
           "\"caf\xc3\xa9\"",
           "\"\xff\"",
           "\"\xc3\"",
           "\"tab\there\"",
           "\"\\x\"",
           "[]",
           "{}",
           " {} ",
           "[1,2,]",
           "{\"a\":1,}",
           "{\"a\" 1}",
           "{'a':1}",
           "[1 2]",
           "1 2",
           "{} {}",
           "",
           " ",
           "[",
           "]",
           "{\"a\":1,\"a\":2}",
           "{\"\":1}",
           "[[[[[]]]]]",
           "\xef\xbb\xbf{}",
           "{\"a\":1}\n",
           "{\"a\":1}\x00",
       })
    expect_same_as_nlohmann(body, "body <" + body + ">");
}

TEST(ReadReview, RefusesBrokenJsonWithTheSameMessage) {
  const std::string good = update_review(2).dump();
  for (std::size_t cut : {std::size_t{1}, good.size() / 2, good.size() - 1}) {
    ReadReview r = read_review(std::string_view(good).substr(0, cut));
    EXPECT_EQ(r.error, "the body is not valid JSON") << cut;
  }
  EXPECT_EQ(read_review(good + "x").error, "the body is not valid JSON");
}

TEST(ReadReview, RefusesDeepNestingWithoutRecursingIntoIt) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  ReadReview r = read_review(deep);
  EXPECT_NE(r.error.find("levels deep"), std::string::npos) << r.error;
  // Inside a review: as deep as decode_review allows is read; decode_review refuses one more.
  for (std::size_t levels : {kMaxReviewDepth - 3, kMaxReviewDepth - 2, kMaxReviewDepth + 5}) {
    json review = update_review(1);
    std::string text = review.dump();
    const std::string anchor = "\"object\":{";
    // The review object is level 1, request level 2, request.object level 3: `levels` arrays
    // reach levels + 3.
    text.insert(text.find(anchor) + anchor.size(),
                "\"deep\":" + std::string(levels, '[') + std::string(levels, ']') + ",");
    ReadReview got = read_review(text);
    const bool fits = levels + 3 <= kMaxReviewDepth;
    if (!got.error.empty()) {
      EXPECT_FALSE(fits) << levels << ": " << got.error;
      EXPECT_NE(got.error.find("levels deep"), std::string::npos) << got.error;
      continue;
    }
    EXPECT_EQ(got.review, expected_review(text)) << levels;
    EXPECT_TRUE(got.depth_checked);
    DecodeResult d = decode_review(got.review);
    EXPECT_EQ(d.request.has_value(), fits) << levels << ": " << d.error;
    // The handler's call, which trusts read_review's bound instead of walking the tree again.
    EXPECT_EQ(decode_review(got.review, got.depth_checked).request.has_value(), fits) << levels;
  }
}

/// `prefix` + n zeros in an array + `suffix`.
std::string with_zeros(std::string_view prefix, std::size_t n, std::string_view suffix) {
  std::string body(prefix);
  body.reserve(prefix.size() + 2 * n + suffix.size() + 2);
  body += '[';
  for (std::size_t i = 0; i < n; ++i) body += i ? ",0" : "0";
  body += ']';
  body += suffix;
  return body;
}

void expect_value_limit(std::string_view prefix, std::size_t others, std::string_view suffix,
                        const std::string& what) {
  // `others`: the values of the body besides the zeros (the array counts itself).
  ReadReview at = read_review(with_zeros(prefix, kMaxReviewValues - others, suffix));
  EXPECT_TRUE(at.error.empty()) << what << ": " << at.error;
  ReadReview over = read_review(with_zeros(prefix, kMaxReviewValues - others + 1, suffix));
  EXPECT_EQ(over.error, too_many_values_error()) << what;
  EXPECT_TRUE(over.review.is_null()) << what;
}

TEST(ReadReview, RefusesMoreValuesThanTheLimitOnEitherParser) {
  // root, array
  expect_value_limit(R"({"a":)", 2, "}", "simdjson");
  // root, the integer beyond 64 bits (which sends the body to nlohmann's parser), array
  expect_value_limit(R"({"b":123456789012345678901234567890,"a":)", 3, "}", "nlohmann");
  // Values of oldObject's members that are not kept count too: root, request, oldObject, array.
  expect_value_limit(R"({"request":{"oldObject":{"spec":)", 4, "}}}", "pruned, simdjson");
  expect_value_limit(R"({"request":{"oldObject":{"x":123456789012345678901234567890,"spec":)", 5,
                     "}}}", "pruned, nlohmann");
  // Objects count their members' values as arrays do.
  std::string members = "{";
  for (std::size_t i = 0; i < kMaxReviewValues; ++i)
    members += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  members += "}";
  EXPECT_EQ(read_review(members).error, too_many_values_error());  // root + all the members
  EXPECT_NE(too_many_values_error().find(std::to_string(kMaxReviewValues)), std::string::npos);
}

TEST(ReadReview, LargeBodiesAndSmallOnesInTurn) {
  // Over 64 KiB a body gets a parser of its own; the thread's parser must still serve the next.
  const std::string large = update_review(4000).dump();
  ASSERT_GT(large.size(), 256u * 1024);
  const std::string small = update_review(2).dump();
  for (int round = 0; round < 3; ++round) {
    expect_same_as_nlohmann(large, "large");
    expect_same_as_nlohmann(small, "small");
  }
}

TEST(ReadReview, ThreadsReadAtOnce) {
  std::vector<std::string> bodies;
  for (const auto& f : case_files()) bodies.push_back(slurp(f));
  bodies.push_back(update_review(2000).dump());
  std::vector<json> want;
  for (const auto& b : bodies) want.push_back(expected_review(b));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round)
        for (std::size_t i = 0; i < bodies.size(); ++i) {
          std::size_t k = (i + static_cast<std::size_t>(t) * 7) % bodies.size();
          if (read_review(bodies[k]).review != want[k]) ++mismatches;
        }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace haguard::webhook
