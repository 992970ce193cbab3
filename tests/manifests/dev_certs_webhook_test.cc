// certs/make-certs output, carried by the dev overlay, accepted by the running haguard-webhook:
// kube-apiserver's view, with curl standing in for it. The client trusts only the caBundle
// rendered into the webhook configurations and verifies the name haguard.haguard.svc; every path
// the configurations route to is served.

#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/manifests/manifests_harness.h"
#include "tests/support/reviews.h"
#include "tests/support/webhook_process.h"

namespace haguard::manifests_test {
namespace {

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
  return haguard::test::review_of(uid, deployment);
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

  // Started as the tests start it, probed on /readyz trusting only the caBundle.
  haguard::test::WebhookProcess webhook(
      {"--tls-cert", r.certs_dir + "/tls.crt", "--tls-key", r.certs_dir + "/tls.key", "--policy",
       r.scratch + "/manifests/policy/policy.yaml", "--shutdown-grace=0", "--log-level=warn"},
      ca_file);
  std::string error;
  ASSERT_TRUE(webhook.start(&error)) << error;
  const int port = webhook.port();
  CommandResult ready = curl(host, port, ca_file, "/readyz");
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
  EXPECT_EQ(webhook.stop(), 0) << webhook.log();
}

}  // namespace
}  // namespace haguard::manifests_test
