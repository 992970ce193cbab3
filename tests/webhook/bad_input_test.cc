// Bad input over the network against the real haguard-webhook: every case gets its
// expected answer, and the server still answers a good review afterwards. The server runs with
// 2-second deadlines (--handshake-timeout, --header-timeout, --body-timeout) so that deadline
// cases take seconds; the client side waits generously.
#include <openssl/ssl.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
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
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::size_t kMaxBody = 1024 * 1024;
constexpr auto kClientWait = seconds(15);  // far above every server deadline

/// Open file descriptors of a process.
int fd_count(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("haguard-bad-input");
    certs_ = make_certs(dir_ + "/certs");
    process_ = std::make_unique<WebhookProcess>(
        std::vector<std::string>{"--tls-cert", certs_.cert, "--tls-key", certs_.key, "--threads", "2",
                                 "--max-body", std::to_string(kMaxBody), "--handshake-timeout", "2",
                                 "--header-timeout", "2", "--body-timeout", "2",
                                 "--shutdown-grace", "0"},
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
  RawConnection raw(bool tls = true) {
    return RawConnection(process_->port(), process_->client_options(), tls);
  }

  /// The server is alive and judges a good review correctly on a new connection.
  void expect_still_serving() {
    ASSERT_TRUE(process_->running()) << process_->log();
    auto c = client();
    json rev = review_of("still-serving", compliant_dapp(1));
    json res = expect_apiserver_accepts(c.request("POST", "/validate/production?timeout=10s", rev.dump()),
                                        rev, false);
    EXPECT_FALSE(res["response"].value("allowed", true)) << res.dump();
  }

  /// Sends raw bytes on a new connection and reads one answer.
  RawResponse send_raw(const std::string& bytes) {
    auto c = raw();
    std::string err = c.connect();
    EXPECT_EQ(err, "");
    if (!err.empty()) return {};
    c.send(bytes);
    return c.read_response(kClientWait);
  }

  static std::string dir_;
  static CertFiles certs_;
  static std::unique_ptr<WebhookProcess> process_;
};
std::string BadInputTest::dir_;
CertFiles BadInputTest::certs_;
std::unique_ptr<WebhookProcess> BadInputTest::process_;

/// A 400 with a JSON error body.
void expect_400(const HttpResult& r, const std::string& what) {
  EXPECT_EQ(r.status, 400) << what << ": " << r.error << " " << r.body;
  json body = json::parse(r.body, nullptr, false);
  EXPECT_TRUE(body.is_object() && body.contains("error")) << what << ": " << r.body;
}

TEST_F(BadInputTest, MalformedAndTruncatedJson) {
  const std::string good = review_of("t-1", compliant_dapp(1)).dump();
  std::string bad_utf8 = good;
  bad_utf8.replace(bad_utf8.find("dapp:1.0"), 8, "dapp:\xff\xfe");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"not json", "{not json"},
      {"only an opening brace", "{"},
      {"truncated in half", good.substr(0, good.size() / 2)},
      {"truncated by one byte", good.substr(0, good.size() - 1)},
      {"trailing garbage", good + " x"},
      {"two documents", good + good},
      {"invalid UTF-8 in a string", bad_utf8},
      {"a NUL byte", std::string("{\"apiVersion\":\0}", 16)},
      {"null", "null"},
      {"an array", "[]"},
      {"a string", "\"AdmissionReview\""},
      {"a number", "42"},
      {"an empty object", "{}"},
      {"single quotes", "{'apiVersion': 'admission.k8s.io/v1'}"},
      {"comments", "/* x */" + good},
  };
  auto c = client();
  for (const auto& [name, body] : cases) expect_400(c.request("POST", "/validate/production", body), name);
  expect_still_serving();
}

/// What a review with one field replaced answers.
struct FieldCase {
  std::string pointer;  ///< JSON pointer into the review
  bool required;        ///< a wrong type is a malformed review (400); otherwise ignored (200)
  json right = nullptr; ///< a value of the right type, for fields the review does not carry
};

TEST_F(BadInputTest, WrongJsonTypesInEveryField) {
  // Every field of AdmissionReview and its request, with every JSON type it is not. Fields the
  // webhook needs make the review malformed (400 with the field named); the rest are read as
  // absent, and the answer is still one kube-apiserver accepts.
  const std::vector<FieldCase> fields = {
      {"/apiVersion", true},
      {"/kind", true},
      {"/request", true},
      {"/request/uid", true},
      {"/request/kind", false},
      {"/request/kind/group", false},
      {"/request/kind/version", false},
      {"/request/kind/kind", false},
      {"/request/resource", false},
      {"/request/resource/resource", false},
      {"/request/requestKind", false},
      {"/request/subResource", false, ""},
      {"/request/operation", true},
      {"/request/namespace", false},
      {"/request/name", false},
      {"/request/object", true},
      {"/request/object/metadata", false},
      {"/request/object/spec", false},
      {"/request/object/spec/replicas", false},
      {"/request/oldObject", false},
      {"/request/userInfo", false},
      {"/request/userInfo/username", false},
      {"/request/userInfo/groups", false},
      {"/request/dryRun", false},
      {"/request/options", false},
  };
  const std::vector<json> values = {json(42),          json(-1.5),  json("text"), json(true),
                                    json(nullptr),     json::array(), json::array({1, "x"}),
                                    json::object()};
  auto same_type = [](const json& a, const json& b) {
    return a.type() == b.type() || (a.is_number() && b.is_number());
  };
  auto c = client();
  int sent = 0;
  for (const auto& f : fields) {
    for (const auto& v : values) {
      json rev = review_of("types-" + std::to_string(sent), compliant_dapp(1), "UPDATE");
      const json::json_pointer ptr(f.pointer);
      if (same_type(rev.contains(ptr) ? rev.at(ptr) : f.right, v)) continue;
      rev[ptr] = v;
      const std::string what = f.pointer + " = " + v.dump();
      ++sent;
      HttpResult r = c.request("POST", "/validate/production?timeout=10s", rev.dump());
      if (f.required) {
        expect_400(r, what);
        continue;
      }
      EXPECT_EQ(r.status, 200) << what << ": " << r.body;
      if (r.status != 200) continue;
      json res = expect_apiserver_accepts(r, rev, false);
      // No wrong type may let the under-replicated dApp through, except where the object itself
      // no longer says it has one replica (spec or replicas unreadable: judged as absent = 1).
      EXPECT_FALSE(res["response"].value("allowed", true)) << what << ": " << res.dump();
    }
  }
  EXPECT_GT(sent, 150);
  expect_still_serving();
}

TEST_F(BadInputTest, BodyOverTheLimit) {
  const std::string filler(kMaxBody + 1, 'x');
  // Declared length over the limit: refused from the header, before any body is sent.
  {
    auto c = raw();
    ASSERT_EQ(c.connect(), "");
    c.send("POST /validate HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
           "Content-Length: 10000000000\r\n\r\n");
    RawResponse r = c.read_response(kClientWait);
    EXPECT_EQ(r.status, 413) << r.head;
    EXPECT_TRUE(c.wait_closed(kClientWait));
  }
  // A chunked body that grows over the limit.
  {
    auto c = raw();
    ASSERT_EQ(c.connect(), "");
    c.send(http_request("POST", "/validate", chunked("\"" + filler + "\"", 64 * 1024),
                        "Transfer-Encoding: chunked\r\n"));
    RawResponse r = c.read_response(kClientWait);
    EXPECT_EQ(r.status, 413) << r.head;
  }
  expect_still_serving();
}

TEST_F(BadInputTest, ChunkedBodies) {
  json rev = review_of("chunked-1", compliant_dapp(1));
  for (std::size_t size : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{7}}) {
    auto c = raw();
    ASSERT_EQ(c.connect(), "");
    c.send(http_request("POST", "/validate/production?timeout=10s", chunked(rev.dump(), size),
                        "Transfer-Encoding: chunked\r\n"));
    RawResponse r = c.read_response(kClientWait);
    ASSERT_EQ(r.status, 200) << "chunks of " << size << ": " << r.head;
    json res = json::parse(r.body, nullptr, false);
    EXPECT_EQ(res["response"]["uid"], "chunked-1");
    EXPECT_FALSE(res["response"].value("allowed", true));
  }
  // Broken chunk framing is malformed HTTP.
  for (const std::string& body : {std::string("zz\r\n{}\r\n0\r\n\r\n"), std::string("2\r\n{}XX0\r\n\r\n")}) {
    RawResponse r = send_raw(http_request("POST", "/validate", body, "Transfer-Encoding: chunked\r\n"));
    EXPECT_EQ(r.status, 400) << r.head;
  }
  expect_still_serving();
}

TEST_F(BadInputTest, BodyShorterThanItsContentLength) {
  const std::string body = review_of("short-1", compliant_dapp(1)).dump();
  const std::string request =
      http_request("POST", "/validate", body.substr(0, body.size() / 2),
                   "Content-Length: " + std::to_string(body.size()) + "\r\n");
  // The client stalls: the body deadline (2 s) drops the connection, without an answer.
  {
    auto c = raw();
    ASSERT_EQ(c.connect(), "");
    ASSERT_TRUE(c.send(request));
    auto start = std::chrono::steady_clock::now();
    RawResponse r = c.read_response(kClientWait);
    EXPECT_TRUE(r.closed) << "the connection was not dropped";
    EXPECT_EQ(r.status, 0) << r.head;
    EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(10));
  }
  // The client closes half-way: nothing to answer, nothing left behind.
  for (int i = 0; i < 20; ++i) {
    auto c = raw();
    ASSERT_EQ(c.connect(), "");
    c.send(request);
    c.close();
  }
  expect_still_serving();
}

TEST_F(BadInputTest, WrongMethodPathAndContentType) {
  const std::string good = review_of("m-1", compliant_dapp(1)).dump();
  auto c = client();
  for (const char* method : {"GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    HttpResult r = c.request(method, "/validate/production", good);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.headers["allow"], "POST") << method;
  }
  // A HEAD answer carries headers only: were its body sent, the next answer on the connection
  // would be read from the middle of it.
  for (const char* path : {"/mutate/production", "/healthz", "/readyz", "/metrics"}) {
    HttpResult head = c.request("HEAD", path);
    EXPECT_TRUE(head.body.empty()) << path;
    EXPECT_EQ(head.status, std::string_view(path) == "/mutate/production" ? 405 : 200) << path;
    HttpResult after = c.request("POST", "/validate/production", good);
    EXPECT_EQ(after.status, 200) << "after HEAD " << path << ": " << after.body;
    EXPECT_TRUE(after.reused) << path;
  }
  for (const char* path : {"/", "/validate/", "/validatex", "/validate/production/extra",
                           "//validate", "/VALIDATE", "/validate/../metrics", "/validate/prod%20uction",
                           "/mutate/-production", "/validate/a.b"}) {
    EXPECT_EQ(c.request("POST", path, good).status, 404) << path;
  }
  for (const char* type : {"application/yaml", "application/json-patch+json", "application/jsonx",
                           "text/json", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"}) {
    EXPECT_EQ(c.request("POST", "/validate/production", good, type).status, 415) << type;
  }
  // Upper case media type and parameters are still JSON.
  EXPECT_EQ(c.request("POST", "/validate/production", good, "Application/JSON ; charset=UTF-8").status, 200);
  expect_still_serving();
}

TEST_F(BadInputTest, MalformedHttp) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"garbage request line", "GARBAGE\r\n\r\n"},
      {"header without a colon", "POST /validate HTTP/1.1\r\nHost h\r\n\r\n"},
      {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"},
      {"bad version", "POST /validate HTTP/9.9\r\nHost: h\r\n\r\n"},
      {"two Content-Lengths", "POST /validate HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n"
                              "Content-Length: 3\r\n\r\n{}"},
      {"negative Content-Length", "POST /validate HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"},
      {"unknown transfer coding", "POST /validate HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked, x\r\n\r\n"},
  };
  for (const auto& [name, bytes] : cases) {
    RawResponse r = send_raw(bytes);
    EXPECT_TRUE((r.status >= 400 && r.status < 500) || (r.status == 0 && r.closed)) << name << ": " << r.head;
    EXPECT_NE(r.status, 200) << name;
  }
  expect_still_serving();
}

TEST_F(BadInputTest, PlainHttpOnTheTlsPort) {
  auto c = raw(false);
  ASSERT_EQ(c.connect(), "");
  c.send(http_request("GET", "/healthz", ""));
  RawResponse r = c.read_response(kClientWait);
  EXPECT_EQ(r.status, 0) << "answered in plain text: " << r.head;
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.head.find("HTTP/1.1"), std::string::npos);
  expect_still_serving();
}

TEST_F(BadInputTest, OldTlsVersionsRefused) {
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    TlsClientOptions o = process_->client_options();
    o.min_version = version;
    o.max_version = version;
    TlsClient c(process_->port(), o);
    HttpResult r = c.request("GET", "/healthz");
    EXPECT_EQ(r.status, 0) << version;
    EXPECT_NE(r.error.find("handshake"), std::string::npos) << r.error;
  }
  expect_still_serving();
}

TEST_F(BadInputTest, SlowClientIsCutOffByTheDeadlines) {
  // One byte a second: the whole request would take minutes; the 2-second header deadline, and
  // the body deadline once the header came, cut the connection off after a few bytes.
  const std::string body = review_of("slow-1", compliant_dapp(1)).dump();
  const std::string request = http_request("POST", "/validate/production", body);
  const std::size_t header_end = request.find("\r\n\r\n") + 4;
  struct Phase {
    const char* name;
    std::size_t sent_at_once;
  };
  for (Phase phase : {Phase{"header", 0}, Phase{"body", header_end}}) {
    auto c = raw();
    ASSERT_EQ(c.connect(), "");
    ASSERT_TRUE(c.send(request.substr(0, phase.sent_at_once)));
    const auto start = std::chrono::steady_clock::now();
    bool cut = false;
    for (std::size_t i = phase.sent_at_once; i < request.size() && i < phase.sent_at_once + 15; ++i) {
      if (!c.send(request.substr(i, 1)) || c.wait_closed(seconds(1))) {
        cut = true;
        break;
      }
    }
    EXPECT_TRUE(cut) << phase.name << ": still open after 15 bytes at one a second";
    EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(12)) << phase.name;
  }
  expect_still_serving();
}

/// A webhook of its own, with certificates in `dir` and `extra` flags; null (with the test
/// failed) when it does not start.
std::unique_ptr<WebhookProcess> start_own_webhook(const std::string& dir, std::vector<std::string> extra) {
  CertFiles certs = make_certs(dir + "/certs");
  std::vector<std::string> args = {"--tls-cert", certs.cert, "--tls-key", certs.key, "--threads", "2",
                                   "--shutdown-grace", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto p = std::make_unique<WebhookProcess>(args, certs.ca);
  std::string error;
  if (!p->start(&error)) {
    ADD_FAILURE() << error;
    return nullptr;
  }
  return p;
}

TEST(BadInputDeadline, ABodyIsReadNoLongerThanTheCallersTimeout) {
  // kube-apiserver gives up on a call after ?timeout= (its timeoutSeconds, at most 30 s): with a
  // --body-timeout of 60 s, a body trickling in for a call of ?timeout=1s is cut off after 1 s.
  const std::string dir = make_temp_dir("haguard-deadline");
  auto started = start_own_webhook(dir, {"--body-timeout", "60"});
  ASSERT_TRUE(started);
  WebhookProcess& p = *started;
  const std::string body = review_of("deadline-1", compliant_dapp(1)).dump();
  for (const char* timeout : {"1s", "2s"}) {
    const std::string request =
        http_request("POST", std::string("/validate/production?timeout=") + timeout, body);
    RawConnection c(p.port(), p.client_options());
    ASSERT_EQ(c.connect(), "");
    ASSERT_TRUE(c.send(request.substr(0, request.find("\r\n\r\n") + 4)));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.wait_closed(seconds(10))) << timeout << ": the connection is still open";
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_LT(waited, seconds(std::atoi(timeout) + 2)) << timeout;
    EXPECT_GE(waited, milliseconds(std::atoi(timeout) * 1000 - 200)) << timeout;
  }
  EXPECT_EQ(p.stop(), 0) << p.log();
  std::filesystem::remove_all(dir);
}

TEST_F(BadInputTest, TimeoutQueryParameter) {
  auto c = client();
  for (const char* t : {"1s", "1ms", "0s", "-1s", "30s", "1h", "1.5s", "9999999999999999h", "s",
                        "1x", "", "1s&timeout=2s"}) {
    json rev = review_of(std::string("timeout-") + t, compliant_dapp(1));
    json res = expect_apiserver_accepts(
        c.request("POST", std::string("/validate/production?timeout=") + t, rev.dump()), rev, false);
    EXPECT_FALSE(res["response"].value("allowed", true)) << t;
  }
  expect_still_serving();
}

TEST_F(BadInputTest, TimeoutOfOneSecondBoundsAScaleParentLookup) {
  const std::string kube_dir = make_temp_dir("haguard-kube");
  KubeStandIn api(certs_.cert, certs_.key, "slow-token");
  api.set_delay(seconds(4));
  WebhookProcess p({"--tls-cert", certs_.cert, "--tls-key", certs_.key, "--kube-api",
                    api.write_kubeconfig(kube_dir, certs_.ca, "haguard.haguard.svc"), "--threads", "2",
                    "--shutdown-grace", "0"},
                   certs_.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  json scale = {{"apiVersion", "autoscaling/v1"},
                {"kind", "Scale"},
                {"metadata", {{"name", "dapp"}, {"namespace", "prod"}}},
                {"spec", {{"replicas", 1}}},
                {"status", {{"replicas", 2}, {"selector", "app=dapp"}}}};
  json rev = {{"apiVersion", "admission.k8s.io/v1"},
              {"kind", "AdmissionReview"},
              {"request",
               {{"uid", "scale-1s"},
                {"kind", {{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}}},
                {"resource", {{"group", "apps"}, {"version", "v1"}, {"resource", "deployments"}}},
                {"subResource", "scale"},
                {"namespace", "prod"},
                {"name", "dapp"},
                {"operation", "UPDATE"},
                {"userInfo", {{"username", "bob"}}},
                {"object", scale},
                {"oldObject", scale}}}};
  TlsClient c(p.port(), p.client_options());
  ASSERT_EQ(c.request("GET", "/healthz").status, 200);  // connected before the clock starts
  const auto start = std::chrono::steady_clock::now();
  json res = expect_apiserver_accepts(c.request("POST", "/validate/production?timeout=1s", rev.dump()),
                                      rev, false);
  // kube-apiserver gives up after 1 s: the answer (a denial: the parent could not be read) must
  // come before, however slow the API server is.
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  EXPECT_FALSE(res["response"].value("allowed", true)) << res.dump();
  EXPECT_EQ(p.stop(), 0);
  fs::remove_all(kube_dir);
}

TEST_F(BadInputTest, DeeplyNestedJson) {
  constexpr std::size_t kDepth = 100000;
  const std::string open(kDepth, '['), close(kDepth, ']');
  auto c = client();
  expect_400(c.request("POST", "/validate/production", open), "100k unclosed [");
  expect_400(c.request("POST", "/validate/production", open + close), "100k nested arrays");
  expect_400(c.request("POST", "/validate/production",
                       std::string(kDepth / 5, '{').append("\"a\":").append(kDepth / 5 - 1, '{')),
             "nested objects");
  // The nesting inside a well-formed review, where the engine copies and diffs the object.
  for (const char* path : {"/validate/production", "/mutate/production"}) {
    json rev = review_of("deep-1", compliant_dapp(1));
    std::string text = rev.dump();
    const std::string anchor = "\"spec\":{";
    text.insert(text.find(anchor) + anchor.size(), "\"deep\":" + open + close + ",");
    HttpResult r = c.request("POST", path, text);
    EXPECT_EQ(r.status, 400) << path << ": " << r.error << " " << r.body.substr(0, 200);
    ASSERT_TRUE(process_->running()) << "crashed on " << path << "\n" << process_->log();
  }
  expect_still_serving();
}

TEST(ManyConnections, ThousandIdleConnections) {
  // The test process holds 1,000 sockets and the webhook as many: raise the soft limit to the
  // hard one (the child inherits it).
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 4096 && lim.rlim_max > lim.rlim_cur) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 8192);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < 2200) GTEST_SKIP() << "RLIMIT_NOFILE " << lim.rlim_cur << " is too low";

  const std::string dir = make_temp_dir("haguard-idle");
  auto started = start_own_webhook(dir, {"--header-timeout", "60"});
  ASSERT_TRUE(started);
  WebhookProcess& p = *started;
  std::this_thread::sleep_for(milliseconds(200));  // the readiness probe's connection closes
  const int baseline = fd_count(p.pid());
  ASSERT_GT(baseline, 0);

  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<RawConnection>(p.port(), p.client_options()));
    ASSERT_EQ(idle.back()->connect(seconds(20)), "") << "connection " << i;
  }
  const int held = fd_count(p.pid());
  EXPECT_GE(held, baseline + 990) << "the server does not hold the connections";

  // A new request is answered promptly.
  TlsClient c(p.port(), p.client_options());
  json rev = review_of("idle-1", compliant_dapp(1));
  const auto start = std::chrono::steady_clock::now();
  json res = expect_apiserver_accepts(c.request("POST", "/validate/production?timeout=10s", rev.dump()),
                                      rev, false);
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(2));
  EXPECT_FALSE(res["response"].value("allowed", true));
  c.close();
  for (auto& conn : idle) EXPECT_FALSE(conn->closed_now());

  // The clients go away: the server's descriptors come back to the baseline.
  idle.clear();
  int now = fd_count(p.pid());
  for (int i = 0; i < 200 && now > baseline + 2; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    now = fd_count(p.pid());
  }
  EXPECT_LE(now, baseline + 2) << "descriptors leaked: baseline " << baseline << ", held " << held;
  EXPECT_EQ(p.stop(), 0) << p.log();
  fs::remove_all(dir);
}

TEST(ManyConnections, IdleConnectionsClosedByTheHeaderDeadline) {
  const std::string dir = make_temp_dir("haguard-idle");
  auto started = start_own_webhook(dir, {"--header-timeout", "1", "--handshake-timeout", "1"});
  ASSERT_TRUE(started);
  WebhookProcess& p = *started;
  std::this_thread::sleep_for(milliseconds(200));
  const int baseline = fd_count(p.pid());
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 100; ++i) {
    // Half finish the handshake and then say nothing; half never start it.
    idle.push_back(std::make_unique<RawConnection>(p.port(), p.client_options(), i % 2 == 0));
    ASSERT_EQ(idle.back()->connect(), "");
  }
  for (auto& conn : idle) EXPECT_TRUE(conn->wait_closed(kClientWait));
  int now = fd_count(p.pid());
  for (int i = 0; i < 100 && now > baseline + 2; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    now = fd_count(p.pid());
  }
  EXPECT_LE(now, baseline + 2);
  EXPECT_EQ(p.stop(), 0) << p.log();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace haguard::webhook::testing
