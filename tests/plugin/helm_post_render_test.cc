// `haguard post-render` as Helm runs it: Helm 3's --post-renderer with --post-renderer-args, and
// Helm 4's postrenderer/v1 plugin installed from plugin/helm-postrenderer with `helm plugin
// install`; both on the DALP-shaped charts (helm template: the same post-render step as install).
// Then the contract itself on stdin: a fixed stream, the report on stderr, a non-zero exit when
// an enforced rule fails, never an empty output for non-empty input.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

const std::string kSource = HAGUARD_SOURCE_DIR;

class PostRender : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(HAGUARD_HELM)) << "the helm_build fixture makes " HAGUARD_HELM;
    home_ = repo_.outside() + "/helm-home";
    std::filesystem::create_directories(home_);
  }
  /// helm's environment: its own config, cache and data under a temp home; haguard on PATH.
  std::vector<std::string> helm_env() const {
    std::string bin_dir = std::filesystem::path(haguard_binary()).parent_path().native();
    return {"PATH=" + bin_dir + ":/usr/bin:/bin", "HOME=" + home_,
            "HELM_CONFIG_HOME=" + home_ + "/config", "HELM_CACHE_HOME=" + home_ + "/cache",
            "HELM_DATA_HOME=" + home_ + "/data", "HAGUARD_REPORT=" + home_ + "/report.txt"};
  }
  ProcResult helm(const std::string& binary, std::vector<std::string> args) {
    args.insert(args.begin(), binary);
    return run_process(args, helm_env(), kSource + "/tests/charts");
  }
  std::string report() const {
    std::ifstream f(home_ + "/report.txt");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  ProcResult post_render(const std::string& input, std::vector<std::string> args = {}) {
    args.insert(args.begin(), {haguard_binary(), "post-render"});
    return run_process(args, {"PATH=/usr/bin:/bin"}, repo_.outside(), input);
  }
  FakeRepo repo_;
  std::string home_;
};

TEST_F(PostRender, Helm3FixesTheDappAndStopsOnBundledServices) {
  ProcResult r = helm(HAGUARD_HELM3, {"template", "dalp", "dalp", "--post-renderer", "haguard",
                                      "--post-renderer-args", "post-render",
                                      "--post-renderer-args", "--environment=production"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("replicas: 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("haguard.dalp.io/mutated: min-replicas,soft-anti-affinity"), std::string::npos);

  r = helm(HAGUARD_HELM3, {"template", "support", "support", "--post-renderer", "haguard",
                           "--post-renderer-args", "post-render",
                           "--post-renderer-args", "--environment=production"});
  EXPECT_NE(r.exit_code, 0);
  // Helm 3 shows the post-renderer's stderr in its error.
  EXPECT_NE(r.err.find("StatefulSet support-postgresql: no-bundled-stateful-services"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("set support.postgresql.enabled: false (values-production-ha.yaml)"),
            std::string::npos);
}

TEST_F(PostRender, Helm4PluginInstallsFromTheRepoAndRuns) {
  ProcResult r = helm(HAGUARD_HELM, {"plugin", "install", kSource + "/plugin/helm-postrenderer"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = helm(HAGUARD_HELM, {"plugin", "list"});
  EXPECT_NE(r.out.find("postrenderer/v1"), std::string::npos) << r.out;

  r = helm(HAGUARD_HELM, {"template", "dalp", "dalp", "--values", "values-production-ha.yaml",
                          "--post-renderer", "haguard",
                          "--post-renderer-args=--environment=production"});
  // The overlay's dalp: section is for the umbrella; as the chart's own values it changes nothing,
  // so the post-renderer fixes what the chart's defaults leave.
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("replicas: 2"), std::string::npos) << r.out;

  r = helm(HAGUARD_HELM, {"template", "support", "support", "--post-renderer", "haguard",
                          "--post-renderer-args=--environment=production"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("post-renderer plugin \"haguard\""), std::string::npos) << r.err;
  EXPECT_NE(report().find("StatefulSet support-redis: no-bundled-stateful-services"), std::string::npos)
      << report();
}

TEST_F(PostRender, ContractOnStdin) {
  const std::string dapp =
      "# Source: dalp/templates/dapp-deployment.yaml\n"
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dalp-dapp}\n"
      "spec:\n  replicas: 1\n  selector: {matchLabels: {app: dapp}}\n"
      "  template:\n    metadata: {labels: {app: dapp}}\n"
      "    spec: {containers: [{name: dapp, image: dapp:1, ports: [{name: http, containerPort: 3000}]}]}\n";
  ProcResult r = post_render(dapp, {"--environment", "production"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("replicas: 2"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("haguard: fixed Deployment dalp-dapp: min-replicas"), std::string::npos) << r.err;
  // Findings name the chart template helm's `# Source:` comment gives.
  EXPECT_NE(r.err.find("warning: dalp/templates/dapp-deployment.yaml: Deployment dalp-dapp: "),
            std::string::npos)
      << r.err;

  // Staging warns and leaves the object as it is.
  r = post_render(dapp, {"--environment", "staging"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("replicas: 1"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning:"), std::string::npos);

  // Comments only: written back, never an empty output for non-empty input.
  const std::string comments = "---\n# Source: x/templates/empty.yaml\n";
  r = post_render(comments);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, comments);
  r = post_render("");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");

  r = post_render("kind: [\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("haguard post-render: helm's manifests: document "), std::string::npos) << r.err;

  r = post_render(dapp, {"--environment", "prod"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("environment \"prod\" is not one the policy"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace haguard::test
