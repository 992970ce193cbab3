// What Argo CD gives the plugin, read from jsonnet: the build environment as ext vars, the plugin
// env as one object, and the dynamic parameters' announced defaults, which must render exactly
// as if nothing were set (the UI can send them back).

#include <gtest/gtest.h>

#include <string>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

const std::string kApp = "apps/dalp";

class ArgoInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.copy_tree(std::string(HAGUARD_SOURCE_DIR) + "/plugin/examples/dalp", kApp);
  }
  ProcResult run(const std::string& command, const std::map<std::string, std::string>& env) {
    return run_process({haguard_binary(), command}, to_env_list(env), repo_.root() + "/" + kApp);
  }
  FakeRepo repo_;
};

const char* const kStringVars[] = {"environment",    "appName",        "appNamespace",
                                   "appProject",     "repoURL",        "sourcePath",
                                   "targetRevision", "revision",       "revisionShort",
                                   "revisionShort8", "kubeVersion",    "kubeApiVersions"};

std::string ext_var_program() {
  std::string fields;
  for (const char* v : kStringVars) fields += std::string(v) + ": std.extVar('" + v + "'), ";
  return "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inputs' },\n"
         "  data: { " + fields + "argocdEnv: std.manifestJsonEx(std.extVar('argocdEnv'), '') } }\n";
}

TEST_F(ArgoInputs, EveryBuildEnvValueIsAnExtVar) {
  repo_.write(kApp + "/main.jsonnet", ext_var_program());
  auto env = cmp_environment(kApp);
  env["ARGOCD_ENV_ENVIRONMENT"] = "production";
  env["ARGOCD_ENV_region"] = "eu-west-1";
  env["ARGOCD_ENV_QUOTE"] = "a \"b\" \\ c";
  auto r = run("render", env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 1u);
  const json& d = objects[0]["data"];
  EXPECT_EQ(d["environment"], "production");
  EXPECT_EQ(d["appName"], "dalp");
  EXPECT_EQ(d["appNamespace"], "dalp-prod");
  EXPECT_EQ(d["appProject"], "default");
  EXPECT_EQ(d["repoURL"], "https://git.example.com/dalp/deploy.git");
  EXPECT_EQ(d["sourcePath"], kApp);
  EXPECT_EQ(d["targetRevision"], "main");
  EXPECT_EQ(d["revision"], "5f3c0d2a9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a");
  EXPECT_EQ(d["revisionShort"], "5f3c0d2");
  EXPECT_EQ(d["revisionShort8"], "5f3c0d2a");
  EXPECT_EQ(d["kubeVersion"], "1.30.4");
  EXPECT_EQ(json::parse(d["argocdEnv"].get<std::string>()),
            json({{"ENVIRONMENT", "production"}, {"region", "eu-west-1"},
                  {"QUOTE", "a \"b\" \\ c"}}));
}

TEST_F(ArgoInputs, MissingValuesAreEmptyAndShortRevisionsDerived) {
  // Older Argo CD sets no ARGOCD_APP_REVISION_SHORT_8; haguard run by hand sets nothing.
  repo_.write(kApp + "/main.jsonnet", ext_var_program());
  auto env = cmp_environment(kApp);
  env.erase("ARGOCD_APP_REVISION_SHORT");
  env.erase("ARGOCD_APP_REVISION_SHORT_8");
  env.erase("ARGOCD_APP_PROJECT_NAME");
  auto r = run("render", env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json d = parse_argocd_stream(r.out).at(0)["data"];
  EXPECT_EQ(d["revisionShort"], "5f3c0d2");
  EXPECT_EQ(d["revisionShort8"], "5f3c0d2a");
  EXPECT_EQ(d["appProject"], "");
  EXPECT_EQ(json::parse(d["argocdEnv"].get<std::string>()), json::object());
}

TEST_F(ArgoInputs, ReservedNamesAreRefused) {
  for (const char* name : {"argocdEnv", "repoURL", "revisionShort8"}) {
    auto env = cmp_environment(
        kApp, json::array({{{"name", "ext-code"}, {"map", {{name, "{}"}}}}}));
    auto r = run("render", env);
    EXPECT_EQ(r.exit_code, 1) << name;
    EXPECT_NE(r.err.find(std::string("\"") + name + "\" is reserved"), std::string::npos) << r.err;
  }
}

/// The announcements as the parameters an Application (or the UI) would send back.
json as_parameters(const json& announced) {
  json params = json::array();
  for (const json& a : announced) {
    std::string type = a.value("collectionType", "string");
    params.push_back({{"name", a["name"]}, {type, a[type]}});
  }
  return params;
}

TEST_F(ArgoInputs, AnnouncedDefaultsRenderAsIfNothingWereSet) {
  for (const char* environment : {"", "production"}) {
    // Argo CD runs `parameters` with less than `render` gets: no destination namespace.
    auto penv = cmp_parameters_environment(kApp);
    auto renv = cmp_environment(kApp);
    if (*environment) penv["ARGOCD_ENV_ENVIRONMENT"] = renv["ARGOCD_ENV_ENVIRONMENT"] = environment;
    auto p = run("parameters", penv);
    ASSERT_EQ(p.exit_code, 0) << p.err;
    json announced = json::parse(p.out);
    for (const json& a : announced) {
      if (a["name"] == "namespace") {
        EXPECT_EQ(a["string"], "") << "no namespace to announce";
      }
    }

    auto bare = run("render", renv);
    ASSERT_EQ(bare.exit_code, 0) << bare.err;
    renv["ARGOCD_APP_PARAMETERS"] = as_parameters(announced).dump();
    auto sent_back = run("render", renv);
    ASSERT_EQ(sent_back.exit_code, 0) << sent_back.err;
    EXPECT_EQ(sent_back.out, bare.out) << "environment " << environment;
    for (const json& o : parse_argocd_stream(sent_back.out))
      EXPECT_EQ(o["metadata"].value("namespace", ""), "dalp-prod") << o["kind"];
  }
}

TEST_F(ArgoInputs, TooltipsDescribeTheirParameter) {
  auto p = run("parameters", cmp_parameters_environment(kApp));
  ASSERT_EQ(p.exit_code, 0) << p.err;
  for (const json& a : json::parse(p.out)) {
    const std::string name = a["name"], tip = a["tooltip"];
    if (name.starts_with("tla-")) {
      EXPECT_NE(tip.find("top level is a function"), std::string::npos) << tip;
      EXPECT_EQ(tip.find("extVar"), std::string::npos) << name << ": " << tip;
    }
    if (name.starts_with("ext-")) {
      EXPECT_NE(tip.find("std.extVar"), std::string::npos) << tip;
      EXPECT_NE(tip.find("argocdEnv"), std::string::npos) << tip;
    }
  }
}

}  // namespace
}  // namespace haguard::test
