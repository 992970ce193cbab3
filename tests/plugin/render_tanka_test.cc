// Tanka layouts rendered through the plugin as argocd-cmp-server runs it: the project root from
// tkrc.yaml/jsonnetfile.json below the repository root, Tanka's import order, inline
// environments, and the `libs` parameter.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

const std::string kEnv = "deploy/tanka/environments/prod";

std::string config_map(const std::string& name_expr) {
  return "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: " + name_expr + " } }\n";
}

class Tanka : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.write("deploy/tanka/jsonnetfile.json", R"({"version": 1, "dependencies": []})");
  }
  ProcResult render(const std::string& app = kEnv, const json& params = nullptr) {
    return run_process({haguard_binary(), "render"}, to_env_list(cmp_environment(app, params)),
                       repo_.root() + "/" + app);
  }
  /// The name of the single ConfigMap rendered, or the error.
  std::string rendered_name(const std::string& app = kEnv, const json& params = nullptr) {
    ProcResult r = render(app, params);
    if (r.exit_code != 0) return "error: " + r.err;
    auto objects = parse_argocd_stream(r.out);
    return objects.size() == 1 ? objects[0]["metadata"].value("name", "") : "count mismatch";
  }
  FakeRepo repo_;
};

TEST_F(Tanka, ProjectBelowTheRepositoryRootResolvesItsLibAndVendor) {
  repo_.write("deploy/tanka/lib/k.libsonnet", "{ prefix: 'k-' }");
  repo_.write("deploy/tanka/vendor/github.com/acme/v/v.libsonnet", "{ name: 'vendored' }");
  repo_.write(kEnv + "/main.jsonnet",
              "local k = import 'k.libsonnet';\n"
              "local v = import 'github.com/acme/v/v.libsonnet';\n" +
                  config_map("k.prefix + v.name"));
  EXPECT_EQ(rendered_name(), "k-vendored");
}

TEST_F(Tanka, ImportOrderIsTankas) {
  // Environment dir, <root>/lib, environment vendor/, <root>/vendor: remove the winner each time.
  const std::vector<std::string> places = {kEnv + "/order.libsonnet",
                                           "deploy/tanka/lib/order.libsonnet",
                                           kEnv + "/vendor/order.libsonnet",
                                           "deploy/tanka/vendor/order.libsonnet"};
  for (const auto& p : places) repo_.write(p, "'" + p + "'");
  repo_.write(kEnv + "/main.jsonnet", config_map("std.strReplace(std.strReplace(import "
                                                 "'order.libsonnet', '/', '-'), '.', '-')"));
  auto slug = [](std::string s) {
    for (char& c : s)
      if (c == '/' || c == '.') c = '-';
    return s;
  };
  for (const auto& p : places) {
    EXPECT_EQ(rendered_name(), slug(p));
    std::filesystem::remove(repo_.root() + "/" + p);
  }
}

TEST_F(Tanka, TkrcYamlMarksTheRootBeforeANearerJsonnetfile) {
  // Tanka looks for tkrc.yaml up the whole tree first, then for jsonnetfile.json.
  repo_.write("deploy/tanka/tkrc.yaml", "");
  repo_.write("deploy/tanka/environments/jsonnetfile.json", "{}");
  repo_.write("deploy/tanka/lib/where.libsonnet", "'tkrc'");
  repo_.write("deploy/tanka/environments/lib/where.libsonnet", "'jsonnetfile'");
  repo_.write(kEnv + "/main.jsonnet", config_map("import 'where.libsonnet'"));
  EXPECT_EQ(rendered_name(), "tkrc");
  std::filesystem::remove(repo_.root() + "/deploy/tanka/tkrc.yaml");
  EXPECT_EQ(rendered_name(), "jsonnetfile");
}

TEST_F(Tanka, InlineEnvironmentIsUnwrapped) {
  repo_.write(kEnv + "/main.jsonnet", R"({
  apiVersion: 'tanka.dev/v1alpha1',
  kind: 'Environment',
  metadata: { name: 'environments/prod' },
  spec: { apiServer: 'https://k8s.example.com', namespace: 'tanka-prod' },
  data: {
    cm: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
    pinned: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'other' } },
    role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
            metadata: { name: 'r' }, rules: [] },
  },
})");
  ProcResult r = render();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 3u) << r.out;
  for (const auto& o : objects) EXPECT_NE(o["kind"], "Environment");
  EXPECT_EQ(objects[0]["metadata"]["namespace"], "tanka-prod");
  EXPECT_EQ(objects[1]["metadata"]["namespace"], "other");
  EXPECT_FALSE(objects[2]["metadata"].contains("namespace"));
}

TEST_F(Tanka, SeveralInlineEnvironmentsAreRefused) {
  repo_.write(kEnv + "/main.jsonnet", R"(
local env(n) = { apiVersion: 'tanka.dev/v1alpha1', kind: 'Environment',
                 metadata: { name: n }, spec: {}, data: {} };
{ dev: env('dev'), prod: env('prod') })");
  ProcResult r = render();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("2 inline Tanka environments (.dev, .prod)"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(Tanka, LibsParameterAddsRepositoryDirectories) {
  repo_.write("shared/jsonnet/common.libsonnet", "'from-libs'");
  repo_.write(kEnv + "/main.jsonnet", config_map("import 'common.libsonnet'"));
  EXPECT_NE(rendered_name().find("error"), std::string::npos);
  json libs = json::array({{{"name", "libs"}, {"array", {"shared/jsonnet"}}}});
  EXPECT_EQ(rendered_name(kEnv, libs), "from-libs");
  // The app's own directories come first.
  repo_.write("deploy/tanka/lib/common.libsonnet", "'from-tanka-lib'");
  EXPECT_EQ(rendered_name(kEnv, libs), "from-tanka-lib");

  for (const char* bad : {"../outside", "/etc", "missing/dir"}) {
    ProcResult r = render(kEnv, json::array({{{"name", "libs"}, {"array", {"shared", bad}}}}));
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_NE(r.err.find("libs: entry 2 is not a directory inside the repository"),
              std::string::npos)
        << r.err;
  }
}

}  // namespace
}  // namespace haguard::test
