// --kube-api: kubeconfig reading (current context, CA file or data, token, tls-server-name) and
// the in-cluster configuration's requirements.
#include "webhook/kube_client.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "webhook/text.h"

namespace haguard::webhook {
namespace {

namespace fs = std::filesystem;

class KubeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("haguard-kubeconfig-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "ca.crt") << "CA PEM";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& text) {
    std::ofstream(dir_ / "config") << text;
    return (dir_ / "config").string();
  }
  fs::path dir_;
};

TEST_F(KubeConfigTest, CurrentContextWithRelativeCaFileTokenAndServerName) {
  KubeConfigResult r = load_kube_config(write(R"(apiVersion: v1
kind: Config
current-context: b
clusters:
- name: one
  cluster: {server: "https://10.0.0.1:6443"}
- name: two
  cluster:
    server: https://127.0.0.1:7443/
    certificate-authority: ca.crt
    tls-server-name: kubernetes.default.svc
contexts:
- name: a
  context: {cluster: one, user: u}
- name: b
  context: {cluster: two, user: u}
users:
- name: u
  user: {token: s3cret}
)"));
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->host, "127.0.0.1");
  EXPECT_EQ(r.config->port, "7443");
  EXPECT_EQ(r.config->server_name, "kubernetes.default.svc");
  EXPECT_EQ(r.config->ca_pem, "CA PEM");
  EXPECT_EQ(r.config->token, "s3cret");
}

TEST_F(KubeConfigTest, InlineCaDataAndDefaultPort) {
  KubeConfigResult r = load_kube_config(write(
      "current-context: c\nclusters:\n- name: k\n  cluster:\n    server: https://api.example\n"
      "    certificate-authority-data: " + base64_encode("INLINE CA") + "\n"
      "contexts:\n- name: c\n  context: {cluster: k, user: x}\nusers: []\n"));
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->host, "api.example");
  EXPECT_EQ(r.config->port, "443");
  EXPECT_EQ(r.config->ca_pem, "INLINE CA");
}

TEST_F(KubeConfigTest, ErrorsNameTheProblem) {
  EXPECT_NE(load_kube_config(write("current-context: nope\ncontexts: []\n")).error.find("no context"),
            std::string::npos);
  EXPECT_NE(load_kube_config(write("current-context: c\ncontexts:\n- name: c\n  context: {cluster: k}\n"
                                   "clusters:\n- name: k\n  cluster: {server: http://plain}\n"))
                .error.find("https"),
            std::string::npos);
  EXPECT_FALSE(load_kube_config((dir_ / "missing").string()).config);
}

TEST(KubeConfig, InClusterNeedsTheServiceEnvironment) {
  const char* saved = std::getenv("KUBERNETES_SERVICE_HOST");
  std::string keep = saved ? saved : "";
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  KubeConfigResult r = load_kube_config("in-cluster");
  EXPECT_FALSE(r.config);
  EXPECT_NE(r.error.find("KUBERNETES_SERVICE_HOST"), std::string::npos);
  if (saved) ::setenv("KUBERNETES_SERVICE_HOST", keep.c_str(), 1);
}

}  // namespace
}  // namespace haguard::webhook
