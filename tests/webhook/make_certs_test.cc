// certs/make-certs: SANs for the service and namespace given, ECDSA P-256, idempotent, --force.
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/webhook_process.h"

namespace haguard::webhook::testing {

using namespace haguard::test;  // tests/support
namespace {

namespace fs = std::filesystem;

std::string openssl_text(const std::string& cert) {
  std::string out;
  run_program({"/usr/bin/openssl", "x509", "-in", cert, "-noout", "-text"}, &out);
  return out;
}

TEST(MakeCerts, ServiceAndNamespaceSansEcdsaIdempotentForce) {
  const std::string dir = make_temp_dir("haguard-make-certs");
  CertFiles c = make_certs(dir, {"webhook", "platform"});
  const std::string text = openssl_text(c.cert);
  for (const char* san : {"DNS:webhook,", "DNS:webhook.platform,", "DNS:webhook.platform.svc,",
                          "DNS:webhook.platform.svc.cluster.local"})
    EXPECT_NE(text.find(san), std::string::npos) << san << "\n" << text;
  EXPECT_NE(text.find("NIST CURVE: P-256"), std::string::npos);
  EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos);
  // The printed caBundle is the CA certificate in base64.
  EXPECT_EQ(c.ca_bundle.find('\n'), std::string::npos);
  EXPECT_EQ(c.ca_bundle.rfind("LS0tLS1CRUdJTi", 0), 0u);

  const std::string cert_before = read_file(c.cert), ca_before = read_file(c.ca);
  CertFiles again = make_certs(dir, {"webhook", "platform"});
  EXPECT_EQ(read_file(c.cert), cert_before) << "a valid certificate was replaced";
  EXPECT_EQ(again.ca_bundle, c.ca_bundle);

  make_certs(dir, {"--force", "webhook", "platform"});
  EXPECT_NE(read_file(c.cert), cert_before);
  EXPECT_NE(read_file(c.ca), ca_before);

  // Other names: a new serving certificate under the same CA.
  const std::string ca_now = read_file(c.ca);
  make_certs(dir, {"other", "platform"});
  EXPECT_EQ(read_file(c.ca), ca_now);
  EXPECT_NE(openssl_text(c.cert).find("DNS:other.platform.svc"), std::string::npos);

  EXPECT_NE(run_program({std::string(HAGUARD_SOURCE_DIR) + "/certs/make-certs", "--out", dir,
                         "Bad_Name"}),
            0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace haguard::webhook::testing
