// Faults while requests flow at a steady rate: a policy replaced by a valid one and
// then by an invalid one, certificate rotation, SIGTERM. Four client threads send 150 reviews a
// second in all; every answer says which policy decided it (minimum replicas 2 allows the
// 2-replica dApp, minimum 3 denies it on /validate and patches it to 3 on /mutate).
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/webhook/admission_checks.h"
#include "tests/support/reviews.h"
#include "tests/support/tls_client.h"
#include "tests/support/webhook_process.h"

namespace haguard::webhook::testing {

using namespace haguard::test;  // tests/support
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// Which policy an answer came from.
enum class Verdict { min2, min3, wrong };

struct Sample {
  Clock::time_point sent, answered;
  int status = 0;
  std::string error;
  bool retried = false;
  Verdict verdict = Verdict::wrong;
  std::string detail;
};

/// Reads the verdict off an answer to the 2-replica dApp.
Verdict verdict_of(const HttpResult& r, const json& rev, bool mutate, std::string& detail) {
  json res = json::parse(r.body, nullptr, false);
  if (res.is_discarded() || res.value("kind", "") != "AdmissionReview" ||
      res["response"].value("uid", "") != rev["request"]["uid"]) {
    detail = "unusable answer: " + r.body.substr(0, 300);
    return Verdict::wrong;
  }
  const json& resp = res["response"];
  detail = resp.dump().substr(0, 300);
  const bool allowed = resp.value("allowed", false);
  if (!mutate) {
    if (allowed) return Verdict::min2;
    return resp["status"].value("message", "").find("needs at least 3") != std::string::npos
               ? Verdict::min3
               : Verdict::wrong;
  }
  if (!allowed) return Verdict::wrong;
  json patch = decoded_patch(res);
  if (patch.empty()) return Verdict::min2;
  json patched = rev["request"]["object"].patch(patch);
  return patched["spec"].value("replicas", 0) == 3 ? Verdict::min3 : Verdict::wrong;
}

/// Client threads sending reviews at a fixed total rate until stopped. Thread 0 opens a new
/// connection for every request (new handshakes); the others keep theirs alive.
class Traffic {
 public:
  Traffic(unsigned short port, TlsClientOptions options, int threads = 4, double rate = 150)
      : port_(port), options_(std::move(options)) {
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(threads / rate));
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, t, period] {
        std::unique_ptr<TlsClient> c;
        auto next = Clock::now() + period * t / 4;
        for (int i = 0; !stop_; ++i) {
          std::this_thread::sleep_until(next);
          next += period;
          if (!c || t == 0) c = std::make_unique<TlsClient>(port_, options_);
          const bool mutate = i % 2 == 1;
          json rev = review_of("t" + std::to_string(t) + "-" + std::to_string(i), compliant_dapp(2));
          Sample s;
          s.sent = Clock::now();
          HttpResult r = c->request("POST", mutate ? "/mutate/production?timeout=10s"
                                                   : "/validate/production?timeout=10s",
                                    rev.dump());
          s.answered = Clock::now();
          s.status = r.status;
          s.error = r.error;
          s.retried = r.retried;
          if (r.status == 200) s.verdict = verdict_of(r, rev, mutate, s.detail);
          else s.detail = r.body.substr(0, 300);
          std::lock_guard lock(mu_);
          samples_.push_back(std::move(s));
          if (!r.error.empty() && stop_on_refusal_) break;
        }
      });
    }
  }
  ~Traffic() { stop(); }
  /// Stops sending once a connection is refused (after the server closed its listener).
  void stop_on_refusal() { stop_on_refusal_ = true; }
  void stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  std::vector<Sample> samples() {
    std::lock_guard lock(mu_);
    return samples_;
  }

 private:
  unsigned short port_;
  TlsClientOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> stop_on_refusal_{false};
  std::mutex mu_;
  std::vector<Sample> samples_;
  std::vector<std::thread> threads_;
};

/// A connection refused, or closed before TLS was up: no request was sent on it.
bool never_sent(const Sample& s) {
  return s.status == 0 && (s.error.rfind("connect:", 0) == 0 || s.error.rfind("handshake:", 0) == 0);
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("haguard-faults");
    certs_ = make_certs(dir_ + "/certs");
    policy_ = dir_ + "/policy.yaml";
    min2_ = read_file(std::string(HAGUARD_SOURCE_DIR) + "/policies/default.yaml");
    const std::string from = "minimum: 2";
    ASSERT_NE(min2_.find(from), std::string::npos);
    min3_ = min2_;
    min3_.replace(min3_.find(from), from.size(), "minimum: 3");
    write_file(policy_, min2_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string policy_hash(WebhookProcess& p) {
    TlsClient c(p.port(), p.client_options());
    json ready = json::parse(c.request("GET", "/readyz").body, nullptr, false);
    return ready.is_discarded() ? "" : ready["policy"].value("hash", "");
  }

  std::string dir_, policy_, min2_, min3_;
  CertFiles certs_;
};

TEST_F(FaultTest, PolicyReplacedByAValidOneThenAnInvalidOne) {
  WebhookProcess p({"--tls-cert", certs_.cert, "--tls-key", certs_.key, "--policy", policy_,
                    "--threads", "2", "--reload-interval", "0.1", "--shutdown-grace", "0"},
                   certs_.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  const std::string hash2 = policy_hash(p);
  Traffic traffic(p.port(), p.client_options());
  std::this_thread::sleep_for(seconds(2));

  const auto swapped = Clock::now();
  write_file(policy_, min3_);
  Clock::time_point observed{};
  for (int i = 0; i < 200; ++i) {
    if (policy_hash(p) != hash2) {
      observed = Clock::now();
      break;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_NE(observed, Clock::time_point{}) << "the new policy was never loaded\n" << p.log();
  std::this_thread::sleep_for(seconds(2));

  // An invalid file: the minimum-3 policy keeps answering.
  const auto broken = Clock::now();
  write_file(policy_, min3_ + "\n  bogusKey: true\n");
  bool reported = false;
  for (int i = 0; i < 200 && !reported; ++i) {
    TlsClient c(p.port(), p.client_options());
    json ready = json::parse(c.request("GET", "/readyz").body, nullptr, false);
    reported = !ready.is_discarded() && !ready["policy"].value("last_reload_error", "").empty();
    if (!reported) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(reported) << "the invalid policy was not reported";
  std::this_thread::sleep_for(seconds(2));
  traffic.stop();

  const auto samples = traffic.samples();
  EXPECT_GT(samples.size(), 300u) << "too few requests for the test to mean anything";
  Clock::time_point first_min3 = Clock::time_point::max();
  for (const auto& s : samples)
    if (s.verdict == Verdict::min3) first_min3 = std::min(first_min3, s.answered);
  int before = 0, after = 0, after_broken = 0;
  for (const auto& s : samples) {
    ASSERT_EQ(s.status, 200) << s.error << " " << s.detail;
    ASSERT_NE(s.verdict, Verdict::wrong) << s.detail;
    if (s.answered < swapped) {
      ++before;
      EXPECT_EQ(s.verdict, Verdict::min2) << "answered before the swap by the new policy";
    }
    if (s.sent > observed) {
      ++after;
      EXPECT_EQ(s.verdict, Verdict::min3) << "sent after the reload was observed, answered by the old policy";
    }
    if (s.sent > first_min3) {
      EXPECT_EQ(s.verdict, Verdict::min3) << "the old policy answered after the new one had";
    }
    if (s.sent > broken) {
      ++after_broken;
      EXPECT_EQ(s.verdict, Verdict::min3) << "the invalid file changed the answer";
    }
  }
  EXPECT_GT(before, 50);
  EXPECT_GT(after, 50);
  EXPECT_GT(after_broken, 50);
  EXPECT_NE(p.log().find("policy reload failed, keeping the last good policy"), std::string::npos);
  EXPECT_EQ(p.stop(), 0) << p.log();
}

TEST_F(FaultTest, CertificateRotation) {
  // cert-manager's layout: the files are symlinks through ..data, swapped atomically.
  const std::string root = dir_ + "/rotating";
  auto version = [&](const std::string& v) {
    fs::create_directories(root + "/" + v);
    for (const char* f : {"ca.crt", "ca.key"}) fs::copy_file(certs_.dir + "/" + f, root + "/" + v + "/" + f);
    make_certs(root + "/" + v);  // same CA, new serving pair
  };
  version("v1");
  fs::create_directory_symlink("v1", root + "/..data");
  fs::create_symlink("..data/tls.crt", root + "/tls.crt");
  fs::create_symlink("..data/tls.key", root + "/tls.key");
  WebhookProcess p({"--tls-cert", root + "/tls.crt", "--tls-key", root + "/tls.key", "--policy",
                    policy_, "--threads", "2", "--reload-interval", "0.1", "--shutdown-grace", "0"},
                   certs_.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  auto serial = [&] {
    TlsClient c(p.port(), p.client_options());
    return c.request("GET", "/healthz").peer_serial;
  };
  Traffic traffic(p.port(), p.client_options());
  std::vector<std::string> serials = {serial()};
  for (const char* v : {"v2", "v3"}) {
    std::this_thread::sleep_for(seconds(1));
    version(v);
    fs::create_directory_symlink(v, root + "/..data_tmp");
    fs::rename(root + "/..data_tmp", root + "/..data");
    std::string now = serials.back();
    for (int i = 0; i < 200 && now == serials.back(); ++i) {
      std::this_thread::sleep_for(milliseconds(20));
      now = serial();
    }
    EXPECT_NE(now, serials.back()) << v << " was not picked up";
    serials.push_back(now);
  }
  std::this_thread::sleep_for(seconds(1));
  traffic.stop();
  const auto samples = traffic.samples();
  EXPECT_GT(samples.size(), 150u);
  for (const auto& s : samples) {
    ASSERT_EQ(s.status, 200) << s.error;
    ASSERT_EQ(s.verdict, Verdict::min2) << s.detail;
  }
  EXPECT_EQ(p.stop(), 0) << p.log();
}

TEST_F(FaultTest, SigtermAnswersEveryAcceptedRequest) {
  WebhookProcess p({"--tls-cert", certs_.cert, "--tls-key", certs_.key, "--policy", policy_,
                    "--threads", "2", "--shutdown-grace", "1"},
                   certs_.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  Traffic traffic(p.port(), p.client_options());
  traffic.stop_on_refusal();
  std::this_thread::sleep_for(seconds(2));
  const auto term = Clock::now();
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(seconds(20)), 0) << p.log();
  const auto exited = Clock::now();
  traffic.stop();

  const auto samples = traffic.samples();
  int answered_after_term = 0, refused = 0, retried = 0;
  for (const auto& s : samples) {
    if (s.retried) ++retried;
    if (never_sent(s)) {
      ++refused;
      // Refusals only once the listener closed, after the 1 s grace.
      EXPECT_GT(s.answered, term + milliseconds(900)) << s.error;
      continue;
    }
    // Every request that reached the server was answered, and answered right.
    ASSERT_EQ(s.status, 200) << "accepted but not answered: " << s.error << " " << s.detail;
    ASSERT_EQ(s.verdict, Verdict::min2) << s.detail;
    EXPECT_LT(s.answered, exited + milliseconds(100));
    if (s.sent > term) ++answered_after_term;
  }
  EXPECT_GT(samples.size(), 150u);
  EXPECT_GT(answered_after_term, 30) << "requests during the grace period were not served";
  EXPECT_GT(refused, 0) << "no request saw the listener closed";
  // Answers during the grace period close their connections: none is closed under a request.
  EXPECT_EQ(retried, 0) << "requests were written into kept-alive connections the server closed";
  RecordProperty("refused_after_listener_closed", refused);
  RecordProperty("retried_on_a_closed_keep_alive_connection", retried);
}

}  // namespace
}  // namespace haguard::webhook::testing
