// certs/make-certs output, carried by the dev overlay, accepted by the running haguard-webhook:
// kube-apiserver's view, with curl standing in for it. The client trusts only the caBundle
// rendered into the webhook configurations and verifies the name haguard.haguard.svc; every path
// the configurations route to is served.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/manifests/manifests_harness.h"

extern char** environ;

namespace haguard::manifests_test {
namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return 0;
  }
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

/// haguard-webhook on 127.0.0.1:<port> with the dev overlay's certificate and the shipped policy.
class Webhook {
 public:
  Webhook(const Renders& r, int port) {
    std::string listen = "--listen=127.0.0.1:" + std::to_string(port);
    std::string cert = "--tls-cert=" + r.certs_dir + "/tls.crt";
    std::string key = "--tls-key=" + r.certs_dir + "/tls.key";
    std::string policy = "--policy=" + r.scratch + "/manifests/policy/policy.yaml";
    log_ = r.scratch + "/webhook.log";
    std::vector<std::string> args = {HAGUARD_WEBHOOK_BIN, listen, cert, key, policy,
                                     "--shutdown-grace=0", "--log-level=warn"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Webhook() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  bool started() const { return pid_ > 0; }
  std::string log() const { return read_file(log_); }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

/// curl as kube-apiserver: HTTPS to `host`:port resolved to loopback, trusting only `ca_file`
/// (or the system store when empty). Prints the HTTP code on the last line.
CommandResult curl(const std::string& host, int port, const std::string& ca_file,
                   const std::string& path, const std::string& body_file = {}) {
  std::string p = std::to_string(port);
  std::string cmd = "curl -sS --max-time 10 -o - -w '\\n%{http_code}' --resolve " +
                    quote(host + ":" + p + ":127.0.0.1");
  if (!ca_file.empty()) cmd += " --cacert " + quote(ca_file);
  if (!body_file.empty())
    cmd += " -H 'Content-Type: application/json' --data-binary @" + quote(body_file);
  cmd += " " + quote("https://" + host + ":" + p + path);
  return run(cmd);  // stderr too: curl's reason shows in a failure message
}

std::string http_code(const std::string& out) { return out.substr(out.rfind('\n') + 1); }
std::string http_body(const std::string& out) { return out.substr(0, out.rfind('\n')); }

json review(const std::string& uid) {
  json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "dapp"}, {"namespace", "dalp"}, {"labels", {{"app.kubernetes.io/name", "dapp"}}}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", {{"app.kubernetes.io/name", "dapp"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app.kubernetes.io/name", "dapp"}}}}},
          {"spec", {{"containers", json::array({{{"name", "dapp"}, {"image", "dalp/dapp:1.0"}}})}}}}}}}};
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", uid},
            {"kind", {{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}}},
            {"resource", {{"group", "apps"}, {"version", "v1"}, {"resource", "deployments"}}},
            {"requestKind", {{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}}},
            {"requestResource", {{"group", "apps"}, {"version", "v1"}, {"resource", "deployments"}}},
            {"name", "dapp"},
            {"namespace", "dalp"},
            {"operation", "CREATE"},
            {"userInfo", {{"username", "alice"}}},
            {"object", deployment},
            {"dryRun", false}}}};
}

TEST(DevCertificates, RunningWebhookIsTrustedUnderItsServiceName) {
  if (!have("kubectl")) GTEST_SKIP() << "kubectl not on PATH";
  if (!have("curl")) GTEST_SKIP() << "curl not on PATH";
  const Renders& r = renders();
  ASSERT_EQ(r.certs_status, 0) << r.certs_output;
  ASSERT_EQ(dev_render().status, 0) << dev_render().output;

  // The CA exactly as kube-apiserver gets it: decoded from the rendered caBundle.
  const json* vwc = find_one(dev_render().objects, "ValidatingWebhookConfiguration", "haguard");
  const json* mwc = find_one(dev_render().objects, "MutatingWebhookConfiguration", "haguard");
  ASSERT_NE(vwc, nullptr);
  ASSERT_NE(mwc, nullptr);
  std::string bundle_b64 = vwc->at("webhooks")[0].at("clientConfig").value("caBundle", "");
  std::string b64_file = r.scratch + "/cabundle.b64", ca_file = r.scratch + "/cabundle.pem";
  std::ofstream(b64_file) << bundle_b64;
  ASSERT_EQ(run("base64 -d " + quote(b64_file) + " > " + quote(ca_file)).status, 0);
  const json& svc = vwc->at("webhooks")[0].at("clientConfig").at("service");
  std::string host = svc.value("name", "") + "." + svc.value("namespace", "") + ".svc";
  ASSERT_EQ(host, "haguard.haguard.svc");

  int port = free_port();
  ASSERT_NE(port, 0);
  Webhook webhook(r, port);
  ASSERT_TRUE(webhook.started());
  CommandResult ready;
  for (int i = 0; i < 100; ++i) {
    ready = curl(host, port, ca_file, "/readyz");
    if (ready.status == 0 && http_code(ready.out) == "200") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(http_code(ready.out), "200") << ready.out << "\nwebhook log:\n" << webhook.log();

  // Every path the rendered configurations send reviews to answers with the request's uid;
  // production validation denies the one-replica dApp that development lets through.
  std::string body_file = r.scratch + "/review.json";
  int n = 0;
  for (const json* config : {vwc, mwc}) {
    for (const json& w : config->at("webhooks")) {
      std::string path = w.at("clientConfig").at("service").value("path", "");
      std::string uid = "00000000-0000-0000-0000-00000000000" + std::to_string(n++);
      std::ofstream(body_file) << review(uid).dump();
      CommandResult c = curl(host, port, ca_file, path + "?timeout=5s", body_file);
      ASSERT_EQ(c.status, 0) << path << ": " << c.out;
      ASSERT_EQ(http_code(c.out), "200") << path << ": " << c.out;
      json answer = json::parse(http_body(c.out), nullptr, false);
      ASSERT_FALSE(answer.is_discarded()) << path << ": " << c.out;
      EXPECT_EQ(answer.value("apiVersion", ""), "admission.k8s.io/v1") << path;
      EXPECT_EQ(answer.value("/response/uid"_json_pointer, std::string()), uid) << path;
      if (path == "/validate/production") {
        EXPECT_FALSE(answer.value("/response/allowed"_json_pointer, true)) << c.out;
      }
      if (path == "/validate/development") {
        EXPECT_TRUE(answer.value("/response/allowed"_json_pointer, false)) << c.out;
      }
    }
  }
  EXPECT_EQ(n, 8);

  // The certificate is for haguard.haguard.svc only: another name fails verification (curl 60),
  // and so does trusting the system store instead of the caBundle.
  CommandResult wrong_name = curl("haguard.other.svc", port, ca_file, "/readyz");
  EXPECT_EQ(wrong_name.status, 60) << wrong_name.out;
  CommandResult system_trust = curl(host, port, "", "/readyz");
  EXPECT_EQ(system_trust.status, 60) << system_trust.out;
}

}  // namespace
}  // namespace haguard::manifests_test
