// The pure admission handler and codec, in-process over the embedded default policy.
#include "webhook/admission_handler.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/webhook/expected_answer.h"
#include "webhook/review_reader.h"
#include "webhook/text.h"

namespace haguard::webhook {
namespace {

json deployment(int replicas = 1) {
  json d = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "dapp", "namespace": "prod", "labels": {"app.kubernetes.io/name": "dapp"}},
    "spec": {"selector": {"matchLabels": {"app": "dapp"}},
             "template": {"metadata": {"labels": {"app": "dapp"}},
                          "spec": {"containers": [{"name": "app", "image": "dapp:1",
                                                   "ports": [{"name": "http", "containerPort": 8080}]}]}}}
  })");
  d["spec"]["replicas"] = replicas;
  return d;
}

json review(const json& object, std::string operation = "CREATE",
            std::string api_version = "admission.k8s.io/v1") {
  return {{"apiVersion", api_version},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "3c0d6f9e-uid"},
            {"kind", {{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}}},
            {"resource", {{"group", "apps"}, {"version", "v1"}, {"resource", "deployments"}}},
            {"namespace", "prod"},
            {"name", "dapp"},
            {"operation", operation},
            {"userInfo", {{"username", "alice"}, {"groups", {"dev"}}}},
            {"object", object},
            {"dryRun", false}}}};
}

/// The handler's input for `request`, as the router fills it.
AdmissionInput input_for(const AdmissionRequest& request, const Engine& engine, Endpoint endpoint,
                         std::string_view env, const json* parent) {
  AdmissionInput in;
  in.endpoint = endpoint;
  in.environment = env;
  in.request = &request;
  in.engine = &engine;
  in.scale_parent = parent;
  return in;
}

class HandlerTest : public ::testing::Test {
 protected:
  Engine engine{default_policy()};

  /// Decodes, handles and encodes like the server does; checks the contract on the way.
  json run(const json& rev, Endpoint endpoint, std::string_view env, const json* parent = nullptr,
           bool kube_api = false) {
    DecodeResult d = decode_review(rev);
    EXPECT_TRUE(d.request) << d.error;
    AdmissionInput in = input_for(*d.request, engine, endpoint, env, parent);
    in.parent_lookup_configured = kube_api;
    AdmissionOutcome out = handle_admission(in, std::chrono::system_clock::now());
    const std::string text =
        encode_review(d.request->api_version, d.request->uid, out.response, out.with_patch);
    EXPECT_EQ(text, oracle::expected_answer(d.request->api_version, d.request->uid, out.response,
                                            out.with_patch));
    json res = json::parse(text);
    EXPECT_EQ(res["apiVersion"], rev["apiVersion"]);
    EXPECT_EQ(res["kind"], "AdmissionReview");
    EXPECT_EQ(res["response"]["uid"], rev["request"]["uid"]);
    const json& r = res["response"];
    EXPECT_EQ(r.contains("patch"), r.contains("patchType"));
    if (endpoint == Endpoint::validate) {
      EXPECT_FALSE(r.contains("patch"));
    }
    const json warnings = r.value("warnings", json::array());
    for (const auto& w : warnings) EXPECT_TRUE(is_valid_warning(w.get<std::string>())) << w;
    const json audit = r.value("auditAnnotations", json::object());
    for (const auto& [k, v] : audit.items()) {
      EXPECT_TRUE(is_valid_audit_key(k)) << k;
      EXPECT_TRUE(v.is_string());
    }
    return res;
  }

  static json decoded_patch(const json& res) {
    auto text = base64_decode(res["response"]["patch"].get<std::string>());
    EXPECT_TRUE(text);
    return json::parse(*text);
  }
};

TEST_F(HandlerTest, ValidateDeniesInProductionNamingObjectRulesAndFix) {
  json res = run(review(deployment(1)), Endpoint::validate, "production");
  const json& r = res["response"];
  EXPECT_FALSE(r["allowed"].get<bool>());
  EXPECT_EQ(r["status"]["code"], 403);
  std::string msg = r["status"]["message"];
  EXPECT_NE(msg.find("Deployment prod/dapp"), std::string::npos) << msg;
  EXPECT_NE(msg.find("min-replicas"), std::string::npos) << msg;
  EXPECT_NE(msg.find("probes"), std::string::npos) << msg;
  EXPECT_NE(msg.find("spec.replicas: 2"), std::string::npos) << msg;
}

TEST_F(HandlerTest, ValidateWarnsInStaging) {
  json res = run(review(deployment(1)), Endpoint::validate, "staging");
  EXPECT_TRUE(res["response"]["allowed"].get<bool>());
  EXPECT_FALSE(res["response"]["warnings"].empty());
}

TEST_F(HandlerTest, UnknownEnvironmentIsTheDefault) {
  json res = run(review(deployment(1)), Endpoint::validate, "no-such-env");
  EXPECT_TRUE(res["response"]["allowed"].get<bool>());
}

TEST_F(HandlerTest, MutatePatchAppliesAndFixesWhatProductionEnforces) {
  json obj = deployment(1);
  json res = run(review(obj), Endpoint::mutate, "production");
  const json& r = res["response"];
  EXPECT_TRUE(r["allowed"].get<bool>());
  EXPECT_EQ(r["patchType"], "JSONPatch");
  json fixed = obj.patch(decoded_patch(res));
  EXPECT_EQ(fixed["spec"]["replicas"], 2);
  EXPECT_TRUE(fixed["metadata"]["annotations"].contains("haguard.dalp.io/mutated"));
  // The fixed object passes /validate, and a second /mutate changes nothing.
  EXPECT_TRUE(run(review(fixed), Endpoint::validate, "production")["response"]["allowed"].get<bool>());
  EXPECT_FALSE(run(review(fixed), Endpoint::mutate, "production")["response"].contains("patch"));
}

// Found by admission_review_fuzz: the patch was computed against a copy with metadata.namespace
// filled in from the request, so it did not apply to an object without metadata; metadata that is
// a string or a namespace that is a number threw out of the handler.
TEST_F(HandlerTest, MutatePatchAppliesToTheObjectAsReceivedWithoutNamespace) {
  const std::vector<std::optional<json>> metadatas = {
      std::nullopt, json(nullptr), json::object(), json{{"name", "dapp"}},
      json{{"name", "dapp"}, {"namespace", ""}}};
  for (const auto& metadata : metadatas) {
    json obj = deployment(1);
    if (metadata) obj["metadata"] = *metadata;
    else obj.erase("metadata");
    json res = run(review(obj), Endpoint::mutate, "production");
    ASSERT_TRUE(res["response"].contains("patch")) << res.dump();
    json fixed = obj.patch(decoded_patch(res));  // throws if the patch does not apply
    EXPECT_EQ(fixed["spec"]["replicas"], 2);
    EXPECT_EQ(fixed["metadata"].value("namespace", ""), "") << fixed["metadata"].dump();
  }
  for (const json& metadata : {json("dapp"), json{{"name", "dapp"}, {"namespace", 5}}}) {
    json obj = deployment(1);
    obj["metadata"] = metadata;
    run(review(obj), Endpoint::mutate, "production");
    run(review(obj), Endpoint::validate, "production");
  }
}

TEST_F(HandlerTest, MutateOfCompliantObjectHasNoPatchFields) {
  json res = run(review(deployment(1)), Endpoint::mutate, "staging");
  EXPECT_FALSE(res["response"].contains("patch"));
  EXPECT_FALSE(res["response"].contains("patchType"));
}

TEST_F(HandlerTest, DeleteIsNeverJudgedNorPatched) {
  json rev = review(deployment(1), "DELETE");
  rev["request"]["oldObject"] = rev["request"]["object"];
  rev["request"]["object"] = nullptr;
  for (Endpoint e : {Endpoint::validate, Endpoint::mutate}) {
    json res = run(rev, e, "production");
    EXPECT_TRUE(res["response"]["allowed"].get<bool>());
    EXPECT_FALSE(res["response"].contains("patch"));
  }
}

TEST_F(HandlerTest, ValidateReportsTheExemptionAnAdmittedObjectCarries) {
  using std::chrono::hours;
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
  json obj = deployment(1);
  obj["metadata"]["annotations"] = {{"haguard.dalp.io/exempt", "min-replicas,probes"},
                                    {"haguard.dalp.io/exempt-reason", "maintenance, CHG-1"},
                                    {"haguard.dalp.io/exempt-until", "2026-11-19T00:00:00Z"}};
  const auto outcome = [&](const json& rev, Endpoint endpoint, std::string_view env) {
    DecodeResult d = decode_review(rev);
    EXPECT_TRUE(d.request) << d.error;
    return handle_admission(input_for(*d.request, engine, endpoint, env, nullptr), now);
  };
  AdmissionOutcome out = outcome(review(obj), Endpoint::validate, "staging");
  EXPECT_TRUE(out.response.allowed) << out.response.message;
  EXPECT_TRUE(out.exemption_known);
  EXPECT_EQ(out.exemption_rules, (std::vector<std::string>{"min-replicas", "probes"}));
  EXPECT_EQ(out.exemption_until, parse_rfc3339("2026-11-19T00:00:00Z"));
  EXPECT_FALSE(outcome(review(obj), Endpoint::mutate, "staging").exemption_known)
      << "/validate alone decides";

  // Expired: the object carries no valid exemption.
  obj["metadata"]["annotations"]["haguard.dalp.io/exempt-until"] = "2026-11-01T00:00:00Z";
  out = outcome(review(obj), Endpoint::validate, "staging");
  EXPECT_TRUE(out.exemption_known);
  EXPECT_TRUE(out.exemption_rules.empty());

  // Without the annotations, and deleted: known, none.
  out = outcome(review(deployment(1)), Endpoint::validate, "staging");
  EXPECT_TRUE(out.exemption_known);
  EXPECT_TRUE(out.exemption_rules.empty());
  json del = review(deployment(1), "DELETE");
  del["request"]["oldObject"] = del["request"]["object"];
  del["request"]["object"] = nullptr;
  out = outcome(del, Endpoint::validate, "staging");
  EXPECT_TRUE(out.exemption_known);
  EXPECT_TRUE(out.exemption_rules.empty());
}

TEST_F(HandlerTest, UpdateOfObjectBeingDeletedIsAllowed) {
  json obj = deployment(1);
  obj["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  obj["metadata"]["finalizers"] = json::array();
  json rev = review(obj, "UPDATE");
  rev["request"]["oldObject"] = obj;
  EXPECT_TRUE(run(rev, Endpoint::validate, "production")["response"]["allowed"].get<bool>());
  EXPECT_FALSE(run(rev, Endpoint::mutate, "production")["response"].contains("patch"));
}

TEST_F(HandlerTest, DryRunIsJudgedLikeARealRequest) {
  json rev = review(deployment(1));
  rev["request"]["dryRun"] = true;
  EXPECT_FALSE(run(rev, Endpoint::validate, "production")["response"]["allowed"].get<bool>());
}

TEST_F(HandlerTest, V1beta1IsAnsweredInKind) {
  json res = run(review(deployment(1), "CREATE", "admission.k8s.io/v1beta1"), Endpoint::validate,
                 "production");
  EXPECT_EQ(res["apiVersion"], "admission.k8s.io/v1beta1");
}

TEST_F(HandlerTest, ObjectWithoutNamespaceTakesTheRequests) {
  json obj = deployment(1);
  obj["metadata"].erase("namespace");
  json res = run(review(obj), Endpoint::validate, "production");
  std::string msg = res["response"]["status"]["message"];
  EXPECT_NE(msg.find("Deployment prod/dapp"), std::string::npos) << msg;
  // The patch still applies to the object as received (no namespace in it).
  json mres = run(review(obj), Endpoint::mutate, "production");
  json fixed = obj.patch(decoded_patch(mres));
  EXPECT_FALSE(fixed["metadata"].contains("namespace"));
}

json scale_review(int replicas, std::string user = "bob") {
  json scale = {{"apiVersion", "autoscaling/v1"},
                {"kind", "Scale"},
                {"metadata", {{"name", "dapp"}, {"namespace", "prod"}}},
                {"spec", {{"replicas", replicas}}},
                {"status", {{"replicas", 2}, {"selector", "app=dapp"}}}};
  json rev = review(scale, "UPDATE");
  rev["request"]["kind"] = {{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}};
  rev["request"]["subResource"] = "scale";
  rev["request"]["oldObject"] = scale;
  rev["request"]["userInfo"]["username"] = user;
  return rev;
}

TEST_F(HandlerTest, ScaleBelowMinimumWithoutKubeApiSaysHowToScaleWithAnExemption) {
  json res = run(scale_review(1), Endpoint::validate, "production");
  EXPECT_FALSE(res["response"]["allowed"].get<bool>());
  std::string msg = res["response"]["status"]["message"];
  EXPECT_NE(msg.find("--kube-api"), std::string::npos) << msg;
  EXPECT_TRUE(run(scale_review(3), Endpoint::validate, "production")["response"]["allowed"].get<bool>());
}

TEST_F(HandlerTest, ScaleByAnAutoscalerIsAllowed) {
  for (const char* user : {"system:serviceaccount:kube-system:horizontal-pod-autoscaler",
                           "system:kube-controller-manager", "system:serviceaccount:keda:keda-operator"}) {
    json res = run(scale_review(1, user), Endpoint::validate, "production");
    EXPECT_TRUE(res["response"]["allowed"].get<bool>()) << user;
  }
  // The same scale by anyone else is judged.
  json res = run(scale_review(1, "system:serviceaccount:kube-system:deployment-controller"),
                 Endpoint::validate, "production");
  EXPECT_FALSE(res["response"]["allowed"].get<bool>());
}

TEST_F(HandlerTest, DecodeRejectsMalformedReviews) {
  EXPECT_FALSE(decode_review(json::array()).request);
  EXPECT_FALSE(decode_review(json{{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}}).request);
  json rev = review(deployment(1));
  rev["request"].erase("uid");
  EXPECT_FALSE(decode_review(rev).request);
  rev = review(deployment(1));
  rev["apiVersion"] = "admission.k8s.io/v2";
  EXPECT_FALSE(decode_review(rev).request);
}

TEST(EncodeReview, EnforcesWhatTheApiserverAccepts) {
  AdmissionResponse r;
  r.warnings = {"line one\nline two", std::string(300, 'w'), "line one line two"};
  r.audit_annotations["haguard.dalp.io/exempt"] = "x";
  r.audit_annotations[std::string(80, 'k')] = "y";
  r.patch = json::parse(R"([{"op":"add","path":"/a","value":1}])");
  json v = json::parse(encode_review(kAdmissionV1, "u", r, false))["response"];
  EXPECT_FALSE(v.contains("patch"));
  EXPECT_FALSE(v.contains("patchType"));
  EXPECT_EQ(v["warnings"].size(), 2u);  // the first two sanitize to distinct texts, the third dups
  for (const auto& w : v["warnings"]) EXPECT_TRUE(is_valid_warning(w.get<std::string>()));
  for (const auto& [k, val] : v["auditAnnotations"].items()) EXPECT_TRUE(is_valid_audit_key(k)) << k;
  json m = json::parse(encode_review(kAdmissionV1, "u", r, true))["response"];
  EXPECT_EQ(m["patchType"], "JSONPatch");
  r.allowed = false;
  json d = json::parse(encode_review(kAdmissionV1, "u", r, true))["response"];
  EXPECT_FALSE(d.contains("patch"));
  EXPECT_EQ(d["status"]["code"], 403);
}

TEST(EncodeReview, WritesTheBytesNlohmannWouldDump) {
  AdmissionResponse r;
  const auto same = [&](std::string_view api_version, std::string_view uid, bool with_patch) {
    EXPECT_EQ(encode_review(api_version, uid, r, with_patch),
              oracle::expected_answer(api_version, uid, r, with_patch));
  };
  same(kAdmissionV1, "u", false);  // allowed, nothing else
  r.patch = json::parse(R"([{"op":"add","path":"/a","value":"\u00e9"}])");
  same(kAdmissionV1, "u", true);
  same(kAdmissionV1, "u", false);
  r.warnings = {"b", "a", "b", "tab\there", "bad \xff byte", ""};
  r.audit_annotations = {{"Z.key", "z"}, {"z.key", "last of two alike"}, {"a/b", "slash"},
                         {"haguard.dalp.io/exempt", std::string(1023, 'x') + "\xc3\xa9"},
                         {"", "no key"}};
  same("admission.k8s.io/v1\"quoted\"", "uid-\x01", true);
  r.allowed = false;
  r.code = 0;  // 403
  r.message = "line\nbreak \"quoted\" \xe2\x82 cut";
  same(kAdmissionV1, "u", true);
  r.code = 422;
  r.reason = "Invalid";
  same(kAdmissionV1, "u", true);
  r.reason.clear();
  r.message.clear();
  r.warnings.clear();
  r.audit_annotations.clear();
  same(kAdmissionV1, "", false);
}

// Found by admission_review_fuzz: a 400 KB object of nested arrays overflowed the stack.
TEST(DecodeReview, RejectsReviewsNestedTooDeep) {
  auto nested = [](std::size_t depth) {
    json d = deployment();
    json v = json::array();
    for (std::size_t i = 0; i < depth; ++i) v = json::array({std::move(v)});
    d["spec"]["deep"] = std::move(v);
    return review(d);
  };
  EXPECT_TRUE(decode_review(nested(900)).request);
  DecodeResult d = decode_review(nested(kMaxReviewDepth));
  EXPECT_FALSE(d.request);
  EXPECT_NE(d.error.find("levels deep"), std::string::npos) << d.error;
}

/// Handles `body` as the server does, the review read as `read_as` says; the answer encoded,
/// with the decision and every finding's message.
json judged(const Engine& engine, std::string_view body, ReadAs read_as, Endpoint endpoint,
            std::string_view env, const json* parent, std::chrono::system_clock::time_point now) {
  ReadReview read = read_review(body, read_as);
  EXPECT_TRUE(read.error.empty()) << read.error;
  EXPECT_EQ(read.dom.present(), read_as == ReadAs::dom);
  DecodeResult d = decode_review(read.root(), read.depth_checked);
  if (!d.request) return {{"decode error", d.error}};
  AdmissionInput in = input_for(*d.request, engine, endpoint, env, parent);
  AdmissionOutcome out = handle_admission(in, now);
  json findings = json::array();
  for (const Finding& f : out.findings) findings.push_back(f.message);
  return {{"review", json::parse(encode_review(d.request->api_version, d.request->uid,
                                               out.response, out.with_patch))},
          {"decision", out.decision},
          {"findings", findings},
          {"name", out.name}};
}

TEST_F(HandlerTest, EveryCaseIsJudgedAlikeFromTheDomAndFromTheTree) {
  // The server reads reviews where simdjson parsed them; the tree is what nlohmann's parser made
  // of them before. Every review case, on both endpoints and three environments.
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(HAGUARD_CASES_DIR) / "admission"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 40u);
  const auto now = std::chrono::system_clock::now();
  std::size_t denied = 0, patched = 0;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    json rev = json::parse(text.str());
    const json parent = rev["haguardCase"].value("parent", json());
    rev.erase("haguardCase");
    const std::string body = rev.dump();
    for (Endpoint endpoint : {Endpoint::validate, Endpoint::mutate})
      for (std::string_view env : {"production", "staging", "development"}) {
        const json* p = parent.is_object() ? &parent : nullptr;
        const json tree = judged(engine, body, ReadAs::tree, endpoint, env, p, now);
        const json dom = judged(engine, body, ReadAs::dom, endpoint, env, p, now);
        EXPECT_EQ(dom, tree) << f.filename() << " " << to_string(endpoint) << " " << env;
        denied += tree["decision"] == "denied";
        patched += tree["decision"] == "patched";
      }
  }
  EXPECT_GT(denied, 20u);
  EXPECT_GT(patched, 10u);
}

TEST_F(HandlerTest, SelectorsInMessagesReadTheSameFromTheDomAsFromTheTree) {
  // The text lists a selector's labels out of key order and one of its values is an object:
  // the message that spells the selector must not depend on how the review was read.
  const std::string body = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "request":{"uid":"u","operation":"CREATE","namespace":"prod","name":"dapp",
    "object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"dapp","namespace":"prod"},
      "spec":{"replicas":3,"selector":{"matchLabels":{"app":"dapp"}},
        "template":{"metadata":{"labels":{"app":"dapp"}},"spec":{
          "containers":[{"name":"app","image":"dapp:1"}],
          "affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[
            {"weight":1,"podAffinityTerm":{"topologyKey":"kubernetes.io/hostname",
              "labelSelector":{"matchLabels":{"zz":"1","aa":"2"},"matchExpressions":[
                {"key":"tier","operator":"NotIn","values":[{"y":2,"x":1.50}]}]}}}]}}}}}}}})";
  const auto now = std::chrono::system_clock::now();
  const json tree =
      judged(engine, body, ReadAs::tree, Endpoint::validate, "production", nullptr, now);
  const json dom =
      judged(engine, body, ReadAs::dom, Endpoint::validate, "production", nullptr, now);
  EXPECT_EQ(dom, tree);
  EXPECT_NE(dom.dump().find(R"(aa=2,zz=1,tier NotIn ({\"x\":1.5,\"y\":2}))"), std::string::npos)
      << dom.dump();
}

}  // namespace
}  // namespace haguard::webhook
