// Directory mode (parameter directory=true): what Argo CD's Directory source renders from the
// app path (every .jsonnet, .yaml, .yml and .json file, by name, not recursing), plus the policy.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

std::string cm(const std::string& name) {
  return "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '" + name + "' } }";
}

class Directory : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.write("app/.haguard", "");
    repo_.write("app/a.yaml",
                "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: creds}\n"
                "spec: {encryptedData: {password: AgBy3i4OJSWK}}\n---\n"
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n"
                "spec:\n  replicas: 2\n  selector: {matchLabels: {app: api}}\n  template:\n"
                "    metadata: {labels: {app: api}}\n    spec:\n      containers:\n"
                "      - name: api\n        image: 'ghcr.io/acme/api:1'\n"
                "        ports: [{name: http, containerPort: 80}]\n");
    repo_.write("app/b.jsonnet", "[" + cm("from-b-jsonnet") + "]");
    repo_.write("app/c.json", R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"},
                                  "spec": {"ports": [{"port": 80}]}})");
    repo_.write("app/main.jsonnet", cm("from-main"));
    repo_.write("app/helpers.libsonnet", "error 'not a manifest file'");
    repo_.write("app/README.md", "# not a manifest file");
    repo_.write("app/sub/deeper.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deeper}\n");
  }
  ProcResult render(const json& params) {
    auto env = cmp_environment("app", params);
    return run_process({haguard_binary(), "render"}, to_env_list(env), repo_.root() + "/app");
  }
  static json with(const std::string& directory) {
    return json::array({{{"name", "environment"}, {"string", "production"}},
                        {{"name", "directory"}, {"string", directory}}});
  }
  FakeRepo repo_;
};

TEST_F(Directory, RendersEveryManifestFileByNameWithThePolicy) {
  auto r = render(with("true"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  std::vector<std::string> names;
  for (const auto& o : objects) names.push_back(o["metadata"]["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"creds", "api", "from-b-jsonnet", "c", "from-main"}));
  // The plain manifests get the policy too: production's probes fix on the YAML Deployment.
  EXPECT_TRUE(objects[1]["spec"]["template"]["spec"]["containers"][0].contains("livenessProbe"));
  EXPECT_EQ(objects[0]["spec"]["encryptedData"]["password"], "AgBy3i4OJSWK");
  for (const auto& o : objects) EXPECT_EQ(o["metadata"]["namespace"], "dalp-prod");
}

TEST_F(Directory, OnlyWhenAsked) {
  // Without the parameter, the entry file alone, as before.
  auto r = render(with("false"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0]["metadata"]["name"], "from-main");
  r = render(json::array({{{"name", "directory"}, {"string", "maybe"}}}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("directory: expected true or false"), std::string::npos) << r.err;
}

TEST_F(Directory, BadFilesAreNamed) {
  repo_.write("app/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n");
  auto r = render(with("true"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("broken.yaml"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());

  std::filesystem::remove(repo_.root() + "/app/broken.yaml");
  repo_.write("../outside.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\n");
  repo_.symlink(repo_.outside() + "/outside.yaml", "app/z.yaml");
  r = render(with("true"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("z.yaml: leads outside the repository"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("stolen"), std::string::npos);
}

}  // namespace
}  // namespace haguard::test
