// The real haguard-webhook binary over TLS on loopback, spoken to as kube-apiserver does.
#include <openssl/ssl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/webhook/admission_checks.h"
#include "tests/support/kube_stand_in.h"
#include "tests/support/raw_connection.h"
#include "tests/support/reviews.h"
#include "tests/support/tls_client.h"
#include "tests/support/webhook_process.h"

namespace haguard::webhook::testing {

using namespace haguard::test;  // tests/support
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json deployment_review(const std::string& uid, int replicas, const std::string& ns = "prod") {
  json obj = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "dapp", "labels": {"app.kubernetes.io/name": "dapp"}},
    "spec": {"selector": {"matchLabels": {"app": "dapp"}},
             "template": {"metadata": {"labels": {"app": "dapp"}},
                          "spec": {"containers": [{"name": "app", "image": "dapp:1",
                                                   "ports": [{"name": "http", "containerPort": 8080}]}]}}}
  })");
  obj["metadata"]["namespace"] = ns;
  obj["spec"]["replicas"] = replicas;
  return review_of(uid, obj);
}

json scale_review(const std::string& uid, int replicas) {
  json scale = {{"apiVersion", "autoscaling/v1"},
                {"kind", "Scale"},
                {"metadata", {{"name", "dapp"}, {"namespace", "prod"}}},
                {"spec", {{"replicas", replicas}}},
                {"status", {{"replicas", 2}, {"selector", "app=dapp"}}}};
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", uid},
            {"kind", {{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}}},
            {"resource", {{"group", "apps"}, {"version", "v1"}, {"resource", "deployments"}}},
            {"subResource", "scale"},
            {"namespace", "prod"},
            {"name", "dapp"},
            {"operation", "UPDATE"},
            {"userInfo", {{"username", "bob"}}},
            {"object", scale},
            {"oldObject", scale}}}};
}

/// A webhook that reads /scale parents from a KubeStandIn answering after `delay`.
struct WebhookWithSlowApi {
  WebhookWithSlowApi(const CertFiles& certs, std::chrono::milliseconds delay,
                     const std::string& threads, const std::string& grace)
      : dir(make_temp_dir("haguard-kube")),
        api(certs.cert, certs.key, "parent-token"),
        process({"--tls-cert", certs.cert, "--tls-key", certs.key, "--kube-api",
                 api.write_kubeconfig(dir, certs.ca, "haguard.haguard.svc"), "--threads", threads,
                 "--shutdown-grace", grace},
                certs.ca) {
    api.set_delay(delay);
  }
  ~WebhookWithSlowApi() { fs::remove_all(dir); }
  const std::string dir;
  KubeStandIn api;
  WebhookProcess process;
};

/// One webhook with the embedded policy for the whole suite.
class WebhookServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("haguard-webhook-test");
    certs_ = make_certs(dir_ + "/certs");
    process_ = std::make_unique<WebhookProcess>(
        std::vector<std::string>{"--tls-cert", certs_.cert, "--tls-key", certs_.key,
                                 "--threads", "2", "--max-body", "1048576",
                                 "--reload-interval", "0.1", "--shutdown-grace", "0.2"},
        certs_.ca);
    std::string error;
    ASSERT_TRUE(process_->start(&error)) << error;
  }
  static void TearDownTestSuite() {
    if (process_) {
      EXPECT_EQ(process_->stop(), 0) << process_->log();
    }
    process_.reset();
    fs::remove_all(dir_);
  }
  TlsClient client() { return TlsClient(process_->port(), process_->client_options()); }

  static std::string dir_;
  static CertFiles certs_;
  static std::unique_ptr<WebhookProcess> process_;
};
std::string WebhookServerTest::dir_;
CertFiles WebhookServerTest::certs_;
std::unique_ptr<WebhookProcess> WebhookServerTest::process_;

TEST_F(WebhookServerTest, HealthReadinessAndMetrics) {
  auto c = client();
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  HttpResult ready = c.request("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  json detail = json::parse(ready.body);
  EXPECT_TRUE(detail["ready"].get<bool>());
  EXPECT_EQ(detail["policy"]["source"], "embedded");
  EXPECT_GT(detail["certificate"]["not_after"].get<long long>(), 0);
  c.request("POST", "/validate/production?timeout=10s", deployment_review("m-1", 1).dump());
  HttpResult m = c.request("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  for (const char* name :
       {"haguard_build_info{version=", "haguard_admission_requests_total{",
        "decision=\"denied\"", "haguard_admission_duration_seconds_bucket{",
        "haguard_findings_total{", "haguard_policy_info{hash=", "haguard_policy_reloads_total{",
        "haguard_certificate_not_after_seconds "})
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
}

TEST_F(WebhookServerTest, MetricsShowTheExpiryOfExemptionsInUse) {
  // An hour from now, to the second, as RFC 3339.
  const std::time_t until = std::time(nullptr) / 60 * 60 + 3600;
  std::tm tm{};
  gmtime_r(&until, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  json exempt = deployment_review("exempt-1", 1, "exempted");
  exempt["request"]["object"]["metadata"]["annotations"] = {
      {"haguard.dalp.io/exempt", "min-replicas"},
      {"haguard.dalp.io/exempt-reason", "load test, CHG-9"},
      {"haguard.dalp.io/exempt-until", text}};
  // Staging warns about the probes: the object is admitted.
  auto c = client();
  json res = expect_apiserver_accepts(c.request("POST", "/validate/staging", exempt.dump()),
                                      exempt, false);
  const std::string series =
      R"(haguard_exemption_expiry_timestamp_seconds{kind="Deployment",name="dapp",)"
      R"(namespace="exempted",rule="min-replicas"} )";
  std::string metrics = c.request("GET", "/metrics").body;
  const std::size_t at = metrics.find(series);
  ASSERT_NE(at, std::string::npos) << res.dump() << "\n" << metrics;
  EXPECT_EQ(std::stod(metrics.substr(at + series.size())), static_cast<double>(until));

  // The same object admitted without the annotations: the series goes.
  json plain = deployment_review("exempt-2", 2, "exempted");
  expect_apiserver_accepts(c.request("POST", "/validate/staging", plain.dump()), plain, false);
  metrics = c.request("GET", "/metrics").body;
  EXPECT_EQ(metrics.find("haguard_exemption_expiry_timestamp_seconds{"), std::string::npos)
      << metrics;
}

TEST_F(WebhookServerTest, EveryAdmissionIsOneJsonLogLine) {
  TlsClient c = client();
  json rev = deployment_review("log-\"quoted\"-caf\u00e9", 1);
  rev["request"]["userInfo"]["username"] = "system:serviceaccount:argocd:argocd-application-controller";
  json res = expect_apiserver_accepts(c.request("POST", "/validate/production", rev.dump()), rev, false);
  ASSERT_FALSE(res["response"].value("allowed", true)) << res.dump();

  std::optional<json> found;
  std::istringstream lines(process_->log());
  for (std::string text; std::getline(lines, text);) {
    json line = json::parse(text, nullptr, false);
    ASSERT_FALSE(line.is_discarded()) << "not a JSON line: " << text;
    if (line.value("msg", "") == "admission" && line.value("uid", "") == rev["request"]["uid"])
      found = line;
  }
  ASSERT_TRUE(found) << process_->log();
  const json& line = *found;
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["endpoint"], "validate");
  EXPECT_EQ(line["environment"], "production");
  EXPECT_EQ(line["operation"], "CREATE");
  EXPECT_EQ(line["kind"], "Deployment");
  EXPECT_EQ(line["namespace"], "prod");
  EXPECT_EQ(line["name"], "dapp");
  EXPECT_EQ(line["user"], "system:serviceaccount:argocd:argocd-application-controller");
  EXPECT_EQ(line["dry_run"], false);
  EXPECT_EQ(line["decision"], "denied");
  EXPECT_TRUE(line["duration_ms"].is_number());
  EXPECT_GT(line["duration_ms"].get<double>(), 0.0);
  ASSERT_TRUE(line["denied_by"].is_array());
  EXPECT_NE(std::find(line["denied_by"].begin(), line["denied_by"].end(), "min-replicas"),
            line["denied_by"].end())
      << line.dump();
}

TEST_F(WebhookServerTest, HttpErrorsAreOnlyForMalformedRequests) {
  auto c = client();
  const std::string good = deployment_review("e-1", 1).dump();
  HttpResult r = c.request("GET", "/validate");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "POST");
  EXPECT_EQ(c.request("POST", "/healthz", "{}").status, 405);
  EXPECT_EQ(c.request("POST", "/nope", good).status, 404);
  EXPECT_EQ(c.request("POST", "/validate/Not_A_Label", good).status, 404);
  EXPECT_EQ(c.request("POST", "/validate", good, "text/plain").status, 415);
  EXPECT_EQ(c.request("POST", "/validate", good, "").status, 415);
  EXPECT_EQ(c.request("POST", "/validate", "{not json").status, 400);
  json no_uid = deployment_review("x", 1);
  no_uid["request"].erase("uid");
  EXPECT_EQ(c.request("POST", "/validate", no_uid.dump()).status, 400);
  // A denial is still HTTP 200, with charset in the content type accepted.
  EXPECT_EQ(c.request("POST", "/validate/production", good, "application/json; charset=utf-8").status, 200);
}

TEST_F(WebhookServerTest, BodyLimitIs413AndLargeUpdatesFit) {
  auto c = client();
  json big = deployment_review("b-1", 3, "staging");
  big["request"]["operation"] = "UPDATE";
  big["request"]["object"]["metadata"]["annotations"]["filler"] = std::string(450 * 1024, 'x');
  big["request"]["oldObject"] = big["request"]["object"];
  HttpResult ok = c.request("POST", "/validate/staging?timeout=10s", big.dump());
  expect_apiserver_accepts(ok, big, false);
  big["request"]["object"]["metadata"]["annotations"]["filler"] = std::string(1100 * 1024, 'x');
  HttpResult too_big = c.request("POST", "/validate/staging?timeout=10s", big.dump());
  EXPECT_EQ(too_big.status, 413);
  // The server stays healthy.
  auto c2 = client();
  EXPECT_EQ(c2.request("GET", "/healthz").status, 200);
}

TEST_F(WebhookServerTest, HostnameVerificationAgainstEveryServiceName) {
  for (const char* name : {"haguard", "haguard.haguard", "haguard.haguard.svc",
                           "haguard.haguard.svc.cluster.local"}) {
    TlsClientOptions o = process_->client_options();
    o.server_name = name;
    TlsClient c(process_->port(), o);
    EXPECT_EQ(c.request("GET", "/healthz").status, 200) << name;
  }
  TlsClientOptions wrong = process_->client_options();
  wrong.server_name = "evil.example.com";
  TlsClient c(process_->port(), wrong);
  HttpResult r = c.request("GET", "/healthz");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("handshake"), std::string::npos) << r.error;
}

TEST_F(WebhookServerTest, Tls12MinimumTls13AllowedAlpnHttp11) {
  TlsClientOptions old = process_->client_options();
  old.max_version = TLS1_1_VERSION;
  TlsClient c_old(process_->port(), old);
  EXPECT_EQ(c_old.request("GET", "/healthz").status, 0);

  TlsClientOptions v12 = process_->client_options();
  v12.min_version = v12.max_version = TLS1_2_VERSION;
  TlsClient c12(process_->port(), v12);
  HttpResult r12 = c12.request("GET", "/healthz");
  EXPECT_EQ(r12.status, 200) << r12.error;
  EXPECT_EQ(r12.tls_version, "TLSv1.2");

  auto c13 = client();
  HttpResult r13 = c13.request("GET", "/healthz");
  EXPECT_EQ(r13.tls_version, "TLSv1.3");
  EXPECT_EQ(r13.alpn, "http/1.1");
}

TEST_F(WebhookServerTest, KeepAliveReusesOneConnection) {
  auto c = client();
  for (int i = 0; i < 10; ++i) {
    // Bodies longer and shorter in turn: a connection reads each into the last one's storage.
    json rev = deployment_review("k-" + std::string(i % 2 ? 900 : 5 * i, 'x') + std::to_string(i), 1);
    HttpResult r = c.request("POST", i % 2 ? "/mutate/production?timeout=10s"
                                           : "/validate/production?timeout=10s", rev.dump());
    expect_apiserver_accepts(r, rev, i % 2 == 1);
    EXPECT_EQ(r.reused, i > 0);
  }
  EXPECT_EQ(c.connections(), 1);
}

TEST_F(WebhookServerTest, CertificateRotationWhileRequestsFlow) {
  // cert-manager's layout: files are symlinks through a ..data symlink swapped atomically.
  const std::string root = dir_ + "/rotating";
  fs::create_directories(root + "/v1");
  for (const char* f : {"ca.crt", "ca.key"}) fs::copy_file(certs_.dir + "/" + f, root + "/v1/" + f);
  make_certs(root + "/v1");  // keeps the CA, makes a new serving pair
  fs::create_directory_symlink("v1", root + "/..data");
  fs::create_symlink("..data/tls.crt", root + "/tls.crt");
  fs::create_symlink("..data/tls.key", root + "/tls.key");
  WebhookProcess p({"--tls-cert", root + "/tls.crt", "--tls-key", root + "/tls.key",
                    "--threads", "2", "--reload-interval", "0.1", "--shutdown-grace", "0"},
                   certs_.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::thread traffic([&] {
    int i = 0;
    while (!stop) {
      TlsClient c(p.port(), p.client_options());  // new handshakes see the new pair
      json rev = deployment_review("r-" + std::to_string(i++), 2, "staging");
      HttpResult r = c.request("POST", "/validate/staging?timeout=10s", rev.dump());
      (r.status == 200 ? ok : failed)++;
    }
  });
  auto serial = [&] {
    TlsClient c(p.port(), p.client_options());
    return c.request("GET", "/healthz").peer_serial;
  };
  const std::string first = serial();
  ASSERT_FALSE(first.empty());

  auto swap_to = [&](const std::string& version) {
    fs::create_directory_symlink(version, root + "/..data_tmp");
    fs::rename(root + "/..data_tmp", root + "/..data");
  };
  fs::create_directories(root + "/v2");
  for (const char* f : {"ca.crt", "ca.key"}) fs::copy_file(certs_.dir + "/" + f, root + "/v2/" + f);
  make_certs(root + "/v2");
  swap_to("v2");
  std::string second;
  for (int i = 0; i < 100 && (second.empty() || second == first); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    second = serial();
  }
  EXPECT_NE(second, first) << "the new certificate was not picked up";

  // A broken pair (key of another certificate) keeps the current one, and says so.
  fs::create_directories(root + "/v3");
  fs::copy_file(root + "/v2/tls.crt", root + "/v3/tls.crt");
  fs::copy_file(root + "/v1/tls.key", root + "/v3/tls.key");
  swap_to("v3");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(serial(), second);
  TlsClient c(p.port(), p.client_options());
  json ready = json::parse(c.request("GET", "/readyz").body);
  EXPECT_NE(ready["certificate"]["last_reload_error"].get<std::string>(), "");
  EXPECT_NE(p.log().find("certificate reload failed, keeping the previous pair"), std::string::npos);

  stop = true;
  traffic.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(p.stop(), 0);
}

TEST_F(WebhookServerTest, PolicyReloadWhileRequestsFlow) {
  const std::string policy = dir_ + "/policy.yaml";
  const std::string original = read_file(std::string(HAGUARD_SOURCE_DIR) + "/policies/default.yaml");
  write_file(policy, original);
  WebhookProcess p({"--tls-cert", certs_.cert, "--tls-key", certs_.key, "--policy", policy,
                    "--threads", "2", "--reload-interval", "0.1", "--shutdown-grace", "0"},
                   certs_.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::thread traffic([&] {
    TlsClient c(p.port(), p.client_options());
    for (int i = 0; !stop; ++i) {
      json rev = deployment_review("p-" + std::to_string(i), 1, "staging");
      HttpResult r = c.request("POST", "/validate/staging?timeout=10s", rev.dump());
      (r.status == 200 ? ok : failed)++;
    }
  });
  TlsClient c(p.port(), p.client_options());
  auto staging_allows = [&] {
    json rev = deployment_review("probe", 1, "staging");
    json res = expect_apiserver_accepts(c.request("POST", "/validate/staging", rev.dump()), rev, false);
    return res["response"].value("allowed", false);
  };
  EXPECT_TRUE(staging_allows());
  json before = json::parse(c.request("GET", "/readyz").body);

  // Staging now enforces min-replicas.
  std::string enforcing = original;
  const std::string from = "environments: {production: enforce}\n      targets: [dapp]";
  ASSERT_NE(enforcing.find(from), std::string::npos);
  enforcing.replace(enforcing.find(from), from.size(),
                    "environments: {production: enforce, staging: enforce}\n      targets: [dapp]");
  write_file(policy, enforcing);
  bool denied = false;
  for (int i = 0; i < 100 && !denied; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    denied = !staging_allows();
  }
  EXPECT_TRUE(denied) << "the new policy was not picked up\n" << p.log();
  json after = json::parse(c.request("GET", "/readyz").body);
  EXPECT_NE(after["policy"]["hash"], before["policy"]["hash"]);

  // A broken file keeps the last good policy, visibly.
  write_file(policy, enforcing + "\n  bogusKey: true\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_FALSE(staging_allows());
  HttpResult ready = c.request("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  json detail = json::parse(ready.body);
  EXPECT_NE(detail["policy"]["last_reload_error"].get<std::string>(), "");
  EXPECT_EQ(detail["policy"]["hash"], after["policy"]["hash"]);
  EXPECT_NE(c.request("GET", "/metrics").body.find("haguard_policy_reloads_total{result=\"error\"}"),
            std::string::npos);
  EXPECT_NE(p.log().find("policy reload failed, keeping the last good policy"), std::string::npos);

  stop = true;
  traffic.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(p.stop(), 0);
}

TEST_F(WebhookServerTest, BadPolicyFileAtStartFailsFast) {
  const std::string policy = dir_ + "/bad-policy.yaml";
  write_file(policy, "apiVersion: haguard.dalp.io/v1alpha1\nkind: HAPolicy\nspec: {nope: 1}\n");
  WebhookProcess p({"--tls-cert", certs_.cert, "--tls-key", certs_.key, "--policy", policy},
                   certs_.ca);
  EXPECT_FALSE(p.start());
}

TEST_F(WebhookServerTest, SigtermDrainsThenExitsZero) {
  WebhookWithSlowApi w(certs_, std::chrono::milliseconds(1500), "2", "0.5");
  WebhookProcess& p = w.process;
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  TlsClient idle(p.port(), p.client_options());  // an idle keep-alive connection
  ASSERT_EQ(idle.request("GET", "/healthz").status, 200);

  HttpResult in_flight;
  json rev = scale_review("drain-1", 3);
  std::thread slow([&] {
    TlsClient c(p.port(), p.client_options());
    in_flight = c.request("POST", "/validate/production?timeout=10s", rev.dump());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  p.signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  TlsClient during(p.port(), p.client_options());
  EXPECT_EQ(during.request("GET", "/readyz").status, 503);  // readiness false during the grace
  slow.join();
  expect_apiserver_accepts(in_flight, rev, false);  // the in-flight request finished
  EXPECT_EQ(p.wait(std::chrono::seconds(20)), 0) << p.log();
  EXPECT_NE(p.log().find("draining"), std::string::npos);
}

TEST_F(WebhookServerTest, TimeoutQueryBoundsTheParentLookup) {
  // kube-apiserver gives up after ?timeout=: a slow API server must not make the answer late.
  WebhookWithSlowApi w(certs_, std::chrono::milliseconds(4000), "2", "0");
  WebhookProcess& p = w.process;
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  TlsClient c(p.port(), p.client_options());
  json rev = scale_review("slow-1", 1);
  auto start = std::chrono::steady_clock::now();
  HttpResult r = c.request("POST", "/validate/production?timeout=2s", rev.dump());
  auto took = std::chrono::steady_clock::now() - start;
  json res = expect_apiserver_accepts(r, rev, false);
  EXPECT_LT(took, std::chrono::milliseconds(1900));
  EXPECT_FALSE(res["response"].value("allowed", true));
  EXPECT_NE(res["response"]["status"].value("message", "").find("could not be read"), std::string::npos)
      << res.dump();
  EXPECT_NE(p.log().find("scale parent lookup failed"), std::string::npos);
  EXPECT_EQ(p.stop(), 0);
}

TEST_F(WebhookServerTest, SlowParentLookupDoesNotStallOtherConnections) {
  // One I/O thread: were the API read made on it, every other connection would wait for it.
  WebhookWithSlowApi w(certs_, std::chrono::milliseconds(1500), "1", "0");
  WebhookProcess& p = w.process;
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  TlsClient other(p.port(), p.client_options());
  ASSERT_EQ(other.request("GET", "/healthz").status, 200);  // connected before the slow request

  HttpResult slow_result;
  std::chrono::steady_clock::duration slow_took{};
  json scale = scale_review("pool-1", 3);
  std::thread slow([&] {
    TlsClient c(p.port(), p.client_options());
    auto start = std::chrono::steady_clock::now();
    slow_result = c.request("POST", "/validate/production?timeout=10s", scale.dump());
    slow_took = std::chrono::steady_clock::now() - start;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the API read is under way
  json rev = deployment_review("pool-2", 2);
  auto start = std::chrono::steady_clock::now();
  HttpResult r = other.request("POST", "/validate/production", rev.dump());
  auto took = std::chrono::steady_clock::now() - start;
  slow.join();
  expect_apiserver_accepts(r, rev, false);
  expect_apiserver_accepts(slow_result, scale, false);
  EXPECT_EQ(w.api.requests(), 1);
  EXPECT_GE(slow_took, std::chrono::milliseconds(1400));  // it did wait for the API
  EXPECT_LT(took, std::chrono::milliseconds(1000)) << "answered only after the slow API read";
  EXPECT_EQ(p.stop(), 0) << p.log();
}

TEST_F(WebhookServerTest, LargeBodiesWaitForATicketSmallOnesNever) {
  // One I/O thread reads at most two large bodies at once. Two clients start large bodies and
  // stall; a third large review waits (its body stays in the socket) until one of them finishes;
  // a small review meanwhile is answered at once.
  WebhookProcess p({"--tls-cert", certs_.cert, "--tls-key", certs_.key, "--threads", "1",
                    "--shutdown-grace", "0"},
                   certs_.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  auto large_review = [](const std::string& uid) {
    json rev = deployment_review(uid, 2);
    rev["request"]["object"]["metadata"]["annotations"]["pad"] = std::string(300 * 1024, 'x');
    return rev.dump();
  };
  auto head_of = [](const std::string& body) {
    return "POST /validate/production HTTP/1.1\r\nHost: haguard\r\nContent-Type: application/json"
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  };
  const std::string body_a = large_review("gate-a"), body_b = large_review("gate-b");
  RawConnection a(p.port(), p.client_options()), b(p.port(), p.client_options());
  ASSERT_EQ(a.connect(), "");
  ASSERT_EQ(b.connect(), "");
  ASSERT_TRUE(a.send(head_of(body_a) + body_a.substr(0, 1000)));
  ASSERT_TRUE(b.send(head_of(body_b) + body_b.substr(0, 1000)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both hold their tickets

  const std::string body_c = large_review("gate-c");
  std::atomic<bool> c_answered{false};
  HttpResult c_result;
  std::thread c_thread([&] {
    TlsClient c(p.port(), p.client_options());
    c_result = c.request("POST", "/validate/production", body_c);
    c_answered = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  TlsClient small(p.port(), p.client_options());
  json rev = deployment_review("gate-small", 2);
  auto start = std::chrono::steady_clock::now();
  expect_apiserver_accepts(small.request("POST", "/validate/production", rev.dump()), rev, false);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  EXPECT_FALSE(c_answered) << "the third large body was read while two were in progress";

  ASSERT_TRUE(a.send(body_a.substr(1000)));
  RawResponse ra = a.read_response(std::chrono::seconds(10));
  EXPECT_EQ(ra.status, 200) << ra.head;
  c_thread.join();  // a's ticket went to c
  EXPECT_EQ(c_result.status, 200) << c_result.error;
  EXPECT_NE(c_result.body.find("gate-c"), std::string::npos);
  b.close();  // its ticket comes back with the connection
  TlsClient again(p.port(), p.client_options());
  json rev2 = json::parse(large_review("gate-d"));
  expect_apiserver_accepts(again.request("POST", "/validate/production", rev2.dump()), rev2, false);
  EXPECT_EQ(p.stop(), 0) << p.log();
}

TEST_F(WebhookServerTest, ClientCertificatesWhenAsked) {
  // A client certificate signed by the CA, for clientAuth.
  const std::string d = dir_ + "/client";
  fs::create_directories(d);
  const std::string key = d + "/client.key", csr = d + "/client.csr", crt = d + "/client.crt",
                    ext = d + "/ext.cnf";
  write_file(ext, "extendedKeyUsage=clientAuth\n");
  ASSERT_EQ(run_program({"/usr/bin/openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout",
                         "-out", key}), 0);
  ASSERT_EQ(run_program({"/usr/bin/openssl", "req", "-new", "-key", key, "-subj",
                         "/CN=kube-apiserver", "-out", csr}), 0);
  ASSERT_EQ(run_program({"/usr/bin/openssl", "x509", "-req", "-in", csr, "-CA", certs_.ca, "-CAkey",
                         certs_.ca_key, "-CAcreateserial", "-CAserial", d + "/ca.srl", "-days", "1",
                         "-extfile", ext, "-out", crt}), 0);
  WebhookProcess p({"--tls-cert", certs_.cert, "--tls-key", certs_.key, "--client-ca", certs_.ca,
                    "--shutdown-grace", "0"},
                   certs_.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;  // probes need no client certificate (kubelet has none)
  json rev = deployment_review("cc-1", 2, "staging");
  TlsClient anonymous(p.port(), p.client_options());
  EXPECT_EQ(anonymous.request("GET", "/readyz").status, 200);
  EXPECT_EQ(anonymous.request("POST", "/validate/staging", rev.dump()).status, 403);
  TlsClientOptions with = p.client_options();
  with.client_cert = crt;
  with.client_key = key;
  TlsClient apiserver(p.port(), with);
  expect_apiserver_accepts(apiserver.request("POST", "/validate/staging", rev.dump()), rev, false);
  EXPECT_EQ(p.stop(), 0);
}

}  // namespace
}  // namespace haguard::webhook::testing
