// Security over the real process: the logs never carry object bodies or key material,
// whatever the request and whatever fails; with --client-ca only clients holding a certificate
// from that CA, for client authentication, get an admission answer.
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/webhook/admission_checks.h"
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

std::string random_secret() {
  std::random_device rd;
  std::ostringstream s;
  s << "hgSECRET" << std::hex << rd() << rd() << "Zq";
  return s.str();
}

/// The base64 lines of a PEM file's body (what key bytes look like in text).
std::vector<std::string> pem_body_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line.rfind("-----", 0) != 0 && line.size() >= 16) lines.push_back(line);
  return lines;
}

TEST(WebhookLogs, NeverCarryObjectBodiesOrKeyMaterial) {
  const std::string dir = make_temp_dir("haguard-logs");
  CertFiles certs = make_certs(dir + "/certs");
  const std::string secret = random_secret();
  // Serve from copies so that the test can break them.
  const std::string cert = dir + "/tls.crt", key = dir + "/tls.key";
  fs::copy_file(certs.cert, cert);
  fs::copy_file(certs.key, key);
  WebhookProcess p({"--tls-cert", cert, "--tls-key", key, "--threads", "2", "--log-level", "trace",
                    "--max-body", "65536", "--reload-interval", "0.1", "--header-timeout", "2",
                    "--body-timeout", "2", "--shutdown-grace", "0"},
                   certs.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  TlsClient c(p.port(), p.client_options());

  // The secret in an env value and an annotation, on every path a review can take.
  for (int replicas : {1, 3}) {
    json obj = compliant_dapp(replicas);
    obj["metadata"]["annotations"]["example.com/token"] = secret;
    obj["spec"]["template"]["spec"]["containers"][0]["env"] = {{{"name", "API_KEY"}, {"value", secret}}};
    for (const char* op : {"CREATE", "UPDATE"}) {
      json rev = review_of(std::string("log-") + op + std::to_string(replicas), obj, op);
      for (const char* path : {"/validate/production", "/mutate/production", "/validate/staging"})
        expect_apiserver_accepts(c.request("POST", path, rev.dump()), rev, path[1] == 'm');
    }
  }
  // In the old object only, in a ConfigMap, in a DELETE.
  {
    json old = compliant_dapp(2);
    old["metadata"]["annotations"]["example.com/token"] = secret;
    json rev = review_of("log-old", compliant_dapp(1), "UPDATE");
    rev["request"]["oldObject"] = old;
    expect_apiserver_accepts(c.request("POST", "/validate/production", rev.dump()), rev, false);
    json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
               {"metadata", {{"name", "cfg"}, {"namespace", "prod"}}}, {"data", {{"password", secret}}}};
    json cm_rev = review_of("log-cm", cm);
    cm_rev["request"]["kind"] = {{"group", ""}, {"version", "v1"}, {"kind", "ConfigMap"}};
    expect_apiserver_accepts(c.request("POST", "/mutate/production", cm_rev.dump()), cm_rev, true);
    json del = review_of("log-del", compliant_dapp(1), "DELETE");
    del["request"]["oldObject"] = old;
    del["request"]["object"] = nullptr;
    expect_apiserver_accepts(c.request("POST", "/validate/production", del.dump()), del, false);
  }
  // Requests that fail: bad JSON, a malformed review, a wrong type, over the limit, in a header.
  EXPECT_EQ(c.request("POST", "/validate", "{\"token\": \"" + secret + "\"").status, 400);
  EXPECT_EQ(c.request("POST", "/validate", json{{"apiVersion", secret}}.dump()).status, 400);
  {
    json rev = review_of("log-types", compliant_dapp(1));
    rev["request"]["object"] = json::array({secret});
    EXPECT_EQ(c.request("POST", "/validate/production", rev.dump()).status, 400);
  }
  EXPECT_EQ(c.request("POST", "/validate", "\"" + secret + std::string(70000, 'x') + "\"").status, 413);
  EXPECT_EQ(c.request("POST", "/validate", "x", "application/" + secret).status, 415);
  {
    RawConnection raw(p.port(), p.client_options());
    ASSERT_EQ(raw.connect(), "");
    raw.send("POST /validate HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " + secret +
             "\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{\"a\":");
    raw.read_response(seconds(15));
    RawConnection garbage(p.port(), p.client_options());
    ASSERT_EQ(garbage.connect(), "");
    garbage.send(secret + " / HTTP/1.1\r\n\r\n");
    garbage.read_response(seconds(15));
  }

  // Key material on the failure paths: a key that does not match, a key file that is not a key
  // (its text must not be echoed back), an unreadable key.
  CertFiles other = make_certs(dir + "/other");
  write_file(key, read_file(other.key));
  std::this_thread::sleep_for(milliseconds(500));
  // A PEM frame around no key at all (spelled in two parts so no scan takes this file for a key).
  const std::string pem = std::string("PRIVATE") + " KEY-----";
  write_file(key, "-----BEGIN " + pem + "\n" + secret + "\n-----END " + pem + "\n");
  std::this_thread::sleep_for(milliseconds(500));
  fs::remove(key);
  std::this_thread::sleep_for(milliseconds(500));
  write_file(key, read_file(certs.key));
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  EXPECT_EQ(p.stop(), 0);

  const std::string log = p.log();
  EXPECT_NE(log.find("\"msg\":\"admission\""), std::string::npos) << "nothing was logged";
  EXPECT_NE(log.find("certificate reload failed"), std::string::npos) << log;
  EXPECT_EQ(log.find(secret), std::string::npos) << "the secret is in the log:\n" << log;
  EXPECT_EQ(log.find("PRIVATE KEY"), std::string::npos) << log;
  for (const std::string& path : {certs.key, certs.ca_key, other.key})
    for (const std::string& line : pem_body_lines(path))
      EXPECT_EQ(log.find(line), std::string::npos) << "key bytes of " << path << " in the log";
  fs::remove_all(dir);
}

/// A client certificate signed by `ca`/`ca_key` (self-signed when both are empty).
std::string make_client_cert(const std::string& dir, const std::string& name, const std::string& ca,
                             const std::string& ca_key, const std::string& usage) {
  const std::string key = dir + "/" + name + ".key", csr = dir + "/" + name + ".csr",
                    crt = dir + "/" + name + ".crt", ext = dir + "/" + name + ".cnf";
  write_file(ext, "extendedKeyUsage=" + usage + "\n");
  EXPECT_EQ(run_program({"/usr/bin/openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout",
                         "-out", key}), 0);
  if (ca.empty()) {
    EXPECT_EQ(run_program({"/usr/bin/openssl", "req", "-x509", "-new", "-key", key, "-subj",
                           "/CN=kube-apiserver", "-days", "1", "-addext", "extendedKeyUsage=" + usage,
                           "-out", crt}), 0);
    return crt;
  }
  EXPECT_EQ(run_program({"/usr/bin/openssl", "req", "-new", "-key", key, "-subj", "/CN=kube-apiserver",
                         "-out", csr}), 0);
  EXPECT_EQ(run_program({"/usr/bin/openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                         "-CAcreateserial", "-CAserial", dir + "/" + name + ".srl", "-days", "1",
                         "-extfile", ext, "-out", crt}), 0);
  return crt;
}

TEST(ClientCertificates, OnlyTheConfiguredCaForClientAuthGetsAnAnswer) {
  const std::string dir = make_temp_dir("haguard-client-ca");
  CertFiles certs = make_certs(dir + "/certs");
  CertFiles other = make_certs(dir + "/other");  // another CA, same names
  const std::string good = make_client_cert(dir, "good", certs.ca, certs.ca_key, "clientAuth");
  WebhookProcess p({"--tls-cert", certs.cert, "--tls-key", certs.key, "--client-ca", certs.ca,
                    "--threads", "2", "--shutdown-grace", "0"},
                   certs.ca);
  std::string error;
  ASSERT_TRUE(p.start(&error)) << error;
  json rev = review_of("cc-1", compliant_dapp(1));

  struct Case {
    std::string name, cert, key;
  };
  const std::vector<Case> refused = {
      {"no certificate", "", ""},
      {"another CA", make_client_cert(dir, "other-ca", other.ca, other.ca_key, "clientAuth"),
       dir + "/other-ca.key"},
      {"self-signed", make_client_cert(dir, "self", "", "", "clientAuth"), dir + "/self.key"},
      {"the right CA's serving certificate", certs.cert, certs.key},
      {"another CA's serving certificate", other.cert, other.key},
  };
  for (const auto& c : refused) {
    for (const char* path : {"/validate/production", "/mutate/production"}) {
      TlsClientOptions o = p.client_options();
      o.client_cert = c.cert;
      o.client_key = c.key;
      TlsClient client(p.port(), o);
      HttpResult r = client.request("POST", path, rev.dump());
      // Refused in the handshake, or answered 403 without a review: never an admission answer.
      EXPECT_TRUE(r.status == 0 || r.status == 403) << c.name << " " << path << ": " << r.status;
      EXPECT_EQ(r.body.find("AdmissionReview"), std::string::npos) << c.name << ": " << r.body;
    }
  }
  // Probes carry no certificate and still work; the right client is answered.
  TlsClient anonymous(p.port(), p.client_options());
  EXPECT_EQ(anonymous.request("GET", "/healthz").status, 200);
  TlsClientOptions with = p.client_options();
  with.client_cert = good;
  with.client_key = dir + "/good.key";
  TlsClient apiserver(p.port(), with);
  for (const char* path : {"/validate/production", "/mutate/production"})
    expect_apiserver_accepts(apiserver.request("POST", path, rev.dump()), rev, path[1] == 'm');
  EXPECT_EQ(p.stop(), 0) << p.log();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace haguard::webhook::testing
