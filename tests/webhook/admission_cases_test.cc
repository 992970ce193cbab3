// Review cases as data: tests/cases/admission/*.json, each an AdmissionReview sent to the real
// webhook with the expected decision, patch and warnings. Each case at each of its paths is a test
// of its own (AdmissionCases/AnsweredAsExpected/Files.<file>__<path>).
//
// A case file is the AdmissionReview itself (so `curl -d @file` works) with one more top-level
// key, "haguardCase": {"description", "path" (or "paths": a list, or "every" for /validate and
// /mutate in every environment, each expected alike), "expect", optional "policy" (a file under policies/
// beside the cases), "kube_api": true (the webhook reads /scale parents from a local HTTPS
// stand-in) and "parent" (the object the stand-in serves)}. The test sends the review without it.
// expect: allowed; message_contains / message_excludes; warnings_contain; no_warnings;
// audit_annotations_contain; patch (whether /mutate returns one); patched (JSON pointer -> value
// after applying the patch); patched_allowed (default true: /validate allows the patched object).
// Strings "${NOW+<n>h}" and "${NOW-<n>h}" become RFC 3339 times relative to now.

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/webhook/admission_checks.h"
#include "tests/support/kube_stand_in.h"
#include "tests/support/webhook_process.h"

namespace haguard::webhook::testing {

using namespace haguard::test;  // tests/support
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kCasesDir = std::string(HAGUARD_CASES_DIR) + "/admission";

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void expand_times(json& j) {
  static const std::regex re(R"(^\$\{NOW([+-])(\d+)h\}$)");
  if (j.is_string()) {
    std::smatch m;
    const std::string s = j.get<std::string>();
    if (std::regex_match(s, m, re)) {
      auto hours = std::chrono::hours(std::stoi(m[2]));
      auto now = std::chrono::system_clock::now();
      j = rfc3339(m[1] == "+" ? now + hours : now - hours);
    }
  } else if (j.is_structured()) {
    for (auto& v : j) expand_times(v);
  }
}

bool any_contains(const json& strings, const std::string& needle) {
  if (!strings.is_array()) return false;
  return std::any_of(strings.begin(), strings.end(), [&](const json& s) {
    return s.is_string() && s.get<std::string>().find(needle) != std::string::npos;
  });
}

/// Webhook processes by (policy, kube_api), started on first use and shared by the cases.
class Fleet {
 public:
  Fleet() {
    dir_ = make_temp_dir("haguard-admission-cases");
    certs_ = make_certs(dir_ + "/certs");
    api_ = std::make_unique<KubeStandIn>(certs_.cert, certs_.key, "case-token");
    kubeconfig_ = api_->write_kubeconfig(dir_, certs_.ca, "haguard.haguard.svc");
  }
  ~Fleet() {
    for (auto& [key, p] : processes_) EXPECT_EQ(p->stop(), 0) << key << "\n" << p->log();
    processes_.clear();
    clients_.clear();
    api_.reset();
    fs::remove_all(dir_);
  }
  KubeStandIn& api() { return *api_; }

  TlsClient* client(const std::string& policy, bool kube_api) {
    const std::string key = policy + (kube_api ? "+kube" : "");
    if (auto it = clients_.find(key); it != clients_.end()) return it->second.get();
    std::vector<std::string> args = {"--tls-cert", certs_.cert, "--tls-key", certs_.key,
                                     "--threads", "2", "--shutdown-grace", "0"};
    if (!policy.empty()) {
      args.push_back("--policy");
      args.push_back(kCasesDir + "/policies/" + policy);
    }
    if (kube_api) {
      args.push_back("--kube-api");
      args.push_back(kubeconfig_);
    }
    auto p = std::make_unique<WebhookProcess>(args, certs_.ca);
    std::string error;
    if (!p->start(&error)) {
      ADD_FAILURE() << key << ": " << error;
      return nullptr;
    }
    clients_[key] = std::make_unique<TlsClient>(p->port(), p->client_options());
    processes_[key] = std::move(p);
    return clients_[key].get();
  }

 private:
  std::string dir_, kubeconfig_;
  CertFiles certs_;
  std::unique_ptr<KubeStandIn> api_;
  std::map<std::string, std::unique_ptr<WebhookProcess>> processes_;
  std::map<std::string, std::unique_ptr<TlsClient>> clients_;
};

void run_case(Fleet& fleet, json review, const std::string& path) {
  const json c = review.at("haguardCase");
  review.erase("haguardCase");
  const bool mutate = path.rfind("/mutate", 0) == 0;
  const json& expect = c.at("expect");
  const bool kube_api = c.value("kube_api", false);
  if (c.contains("parent") && !c["parent"].empty()) fleet.api().put(c["parent"]);
  TlsClient* client = fleet.client(c.value("policy", ""), kube_api);
  ASSERT_NE(client, nullptr);

  HttpResult r = client->request("POST", path + "?timeout=10s", review.dump());
  json res = expect_apiserver_accepts(r, review, mutate);
  ASSERT_FALSE(res.is_null()) << r.body;
  const json& resp = res["response"];
  const std::string message = resp.contains("status") ? resp["status"].value("message", "") : "";
  const json warnings = resp.value("warnings", json::array());
  const json audit = resp.value("auditAnnotations", json::object());
  const std::string shown = "response: " + resp.dump();

  EXPECT_EQ(resp.value("allowed", !expect.at("allowed").get<bool>()), expect.at("allowed").get<bool>())
      << shown;
  for (const auto& s : expect.value("message_contains", json::array()))
    EXPECT_NE(message.find(s.get<std::string>()), std::string::npos) << s << "\n" << shown;
  for (const auto& s : expect.value("message_excludes", json::array()))
    EXPECT_EQ(message.find(s.get<std::string>()), std::string::npos) << s << "\n" << shown;
  for (const auto& s : expect.value("warnings_contain", json::array()))
    EXPECT_TRUE(any_contains(warnings, s.get<std::string>())) << s << "\n" << shown;
  if (expect.value("no_warnings", false)) {
    EXPECT_TRUE(warnings.empty()) << shown;
  }
  for (const auto& k : expect.value("audit_annotations_contain", json::array()))
    EXPECT_TRUE(audit.contains(k.get<std::string>())) << k << "\n" << shown;
  if (expect.contains("patch")) {
    EXPECT_EQ(resp.contains("patch"), expect["patch"].get<bool>()) << shown;
  }

  if (!mutate || !resp.contains("patch")) return;
  // The patch must apply to the object as received; the result must pass /validate and be a
  // fixed point of /mutate.
  const json object = review["request"]["object"];
  json patched;
  try {
    patched = object.patch(decoded_patch(res));
  } catch (const std::exception& e) {
    FAIL() << "the patch does not apply: " << e.what() << "\n" << decoded_patch(res).dump();
  }
  const json expected_fields = expect.value("patched", json::object());
  for (const auto& [pointer, value] : expected_fields.items())
    EXPECT_EQ(patched.value(json::json_pointer(pointer), json()), value) << pointer;
  json again = review;
  again["request"]["object"] = patched;
  again["request"]["uid"] = review["request"]["uid"].get<std::string>() + "-patched";
  const std::string validate_path = "/validate" + path.substr(std::string("/mutate").size());
  json v = expect_apiserver_accepts(client->request("POST", validate_path + "?timeout=10s", again.dump()),
                                    again, false);
  EXPECT_EQ(v["response"].value("allowed", false), expect.value("patched_allowed", true))
      << "patched object on " << validate_path << ": " << v.dump();
  json m = expect_apiserver_accepts(client->request("POST", path + "?timeout=10s", again.dump()),
                                    again, true);
  EXPECT_FALSE(m["response"].contains("patch")) << "mutate is not idempotent: " << m.dump();
}

/// The paths a case is sent to: "path", or each of "paths" ("every": both endpoints in every
/// environment of the default policy).
std::vector<std::string> paths_of(const json& c) {
  if (c.contains("path")) return {c["path"].get<std::string>()};
  const json& p = c.at("paths");
  if (p.is_array()) return p.get<std::vector<std::string>>();
  std::vector<std::string> out;
  for (const char* verb : {"/validate/", "/mutate/"})
    for (const char* env : {"default", "development", "staging", "production"})
      out.push_back(std::string(verb) + env);
  return out;
}

std::vector<fs::path> case_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kCasesDir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

/// One test: a case file sent to one of its paths.
struct CaseAt {
  fs::path file;
  std::string path;
};

/// Every case at every path it names; a file that is not JSON is one test that fails.
std::vector<CaseAt> cases() {
  std::vector<CaseAt> out;
  for (const fs::path& file : case_files()) {
    const json c = json::parse(read_file(file.string()), nullptr, false);
    const json* meta = c.is_object() && c.contains("haguardCase") ? &c["haguardCase"] : nullptr;
    if (meta == nullptr || !(meta->contains("path") || meta->contains("paths"))) {
      out.push_back({file, ""});
      continue;
    }
    for (const std::string& path : paths_of(*meta)) out.push_back({file, path});
  }
  return out;
}

/// One webhook fleet for the cases a process runs: started on first use, stopped after the last
/// test (by the environment below, while gtest can still report a failure to stop).
std::unique_ptr<Fleet> g_fleet;
Fleet& fleet() {
  if (!g_fleet) g_fleet = std::make_unique<Fleet>();
  return *g_fleet;
}

class FleetEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { g_fleet.reset(); }
};
[[maybe_unused]] const auto* const kFleetEnvironment =
    ::testing::AddGlobalTestEnvironment(new FleetEnvironment);

class AdmissionCases : public ::testing::TestWithParam<CaseAt> {};

TEST_P(AdmissionCases, AnsweredAsExpected) {
  const CaseAt& at = GetParam();
  json c = json::parse(read_file(at.file.string()), nullptr, false);
  ASSERT_FALSE(c.is_discarded()) << at.file << " is not JSON";
  ASSERT_FALSE(at.path.empty()) << at.file << ": haguardCase with a path or paths is missing";
  expand_times(c);
  run_case(fleet(), c, at.path);
}

/// "bundled-redis-by-image-denied" at "/validate/production":
/// bundled_redis_by_image_denied__validate_production.
INSTANTIATE_TEST_SUITE_P(Files, AdmissionCases, ::testing::ValuesIn(cases()), [](const auto& p) {
  std::string n = p.param.file.stem().string() + "_" + p.param.path;
  std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return n;
});

TEST(AdmissionCases, CasesArePresent) { EXPECT_GE(case_files().size(), 20u) << kCasesDir; }

}  // namespace
}  // namespace haguard::webhook::testing
