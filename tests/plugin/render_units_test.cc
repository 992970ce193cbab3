// Unit tests of the render pieces: ARGOCD_APP_PARAMETERS parsing, settings precedence, import
// confinement, the Tanka-style walk, the namespace defaulting and redaction.

#include <gtest/gtest.h>

#include <filesystem>

#include "plugin/app_parameters.h"
#include "plugin/jsonnet_eval.h"
#include "plugin/render_inputs.h"
#include "plugin/render_output.h"
#include "tests/plugin/render_harness.h"

namespace haguard::plugin {
namespace {

TEST(AppParameters, ParsesStringArrayAndMap) {
  auto r = parse_app_parameters(
      R"([{"name":"environment","string":"production"},{"name":"main","array":["a.jsonnet","b.jsonnet"]},)"
      R"({"name":"tla-str","map":{"image.tag":"v1.2.3"}}])");
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.parameters.items.size(), 3u);
  EXPECT_EQ(*r.parameters.find("environment")->string, "production");
  EXPECT_EQ(r.parameters.find("main")->array->size(), 2u);
  EXPECT_EQ(r.parameters.find("tla-str")->map->at("image.tag"), "v1.2.3");
  EXPECT_EQ(r.parameters.find("nope"), nullptr);
}

TEST(AppParameters, RejectsMalformedWithoutQuotingValues) {
  EXPECT_TRUE(parse_app_parameters("").error.empty());
  EXPECT_TRUE(parse_app_parameters("null").error.empty());
  EXPECT_FALSE(parse_app_parameters("{").error.empty());
  EXPECT_FALSE(parse_app_parameters(R"({"name":"x"})").error.empty());
  EXPECT_FALSE(parse_app_parameters(R"([{"string":"x"}])").error.empty());
  auto r = parse_app_parameters(R"([{"name":"m","map":{"k":42}}])");
  EXPECT_NE(r.error.find("\"k\""), std::string::npos);
  EXPECT_EQ(r.error.find("42"), std::string::npos);
  EXPECT_FALSE(parse_app_parameters(R"([{"name":"a","string":"1"},{"name":"a","string":"2"}])")
                   .error.empty());
}

TEST(RenderSettings, PrecedenceFlagsParametersPluginEnvSidecarEnv) {
  test::FakeRepo repo;
  repo.write("apps/x/main.jsonnet", "{}");
  std::string wd = repo.root() + "/apps/x";
  Environ env = {{"ARGOCD_ENV_ENVIRONMENT", "staging"}, {"HAGUARD_ENVIRONMENT", "development"}};
  EXPECT_EQ(resolve_settings({}, env, wd).settings.environment, "staging");
  env["ARGOCD_APP_PARAMETERS"] = R"([{"name":"environment","string":"production"}])";
  EXPECT_EQ(resolve_settings({}, env, wd).settings.environment, "production");
  RenderFlags flags;
  flags.environment = "default";
  auto s = resolve_settings(flags, env, wd).settings;
  EXPECT_EQ(s.environment, "default");
  EXPECT_EQ(s.environment_source, "--environment");
  env.erase("ARGOCD_ENV_ENVIRONMENT");
  env.erase("ARGOCD_APP_PARAMETERS");
  EXPECT_EQ(resolve_settings({}, env, wd).settings.environment, "development");
}

TEST(RenderSettings, StandardExtVarsAndReservedNames) {
  test::FakeRepo repo;
  repo.write("apps/x/main.jsonnet", "{}");
  std::string wd = repo.root() + "/apps/x";
  Environ env = {{"ARGOCD_APP_NAME", "dalp"}, {"ARGOCD_APP_NAMESPACE", "ns"},
                 {"ARGOCD_APP_REVISION", "abc"}, {"KUBE_VERSION", "1.30"}};
  auto s = resolve_settings({}, env, wd).settings;
  std::map<std::string, std::string> ext(s.jsonnet.ext_str.begin(), s.jsonnet.ext_str.end());
  EXPECT_EQ(ext["appName"], "dalp");
  EXPECT_EQ(ext["appNamespace"], "ns");
  EXPECT_EQ(ext["revision"], "abc");
  EXPECT_EQ(ext["kubeVersion"], "1.30");
  EXPECT_EQ(ext["kubeApiVersions"], "");
  EXPECT_EQ(s.namespace_, "ns");
  EXPECT_EQ(s.jsonnet.root, repo.root());
  env["ARGOCD_APP_PARAMETERS"] = R"([{"name":"ext-str","map":{"environment":"x"}}])";
  EXPECT_NE(resolve_settings({}, env, wd).error.find("reserved"), std::string::npos);
}

TEST(RenderSettings, LibraryPathsTankaOrderElseRepositoryAndLibs) {
  test::FakeRepo repo;
  for (const char* d : {"apps/x/lib/", "apps/x/vendor/", "lib/", "vendor/", "shared/j/",
                        "tk/lib/", "tk/vendor/", "tk/env/vendor/"})
    repo.write(std::string(d) + "keep", "");
  repo.write("apps/x/main.jsonnet", "{}");
  repo.write("tk/env/main.jsonnet", "{}");
  const std::string r = repo.root();
  auto paths = [&](const std::string& app, const Environ& env = {}) {
    return resolve_settings({}, env, r + "/" + app).settings.jsonnet.library_paths;
  };
  // No Tanka project: the app, its lib/, the repository's lib/, the app's vendor/, the
  // repository's vendor/.
  EXPECT_EQ(paths("apps/x"), (std::vector<std::string>{r + "/apps/x", r + "/apps/x/lib",
                                                       r + "/lib", r + "/apps/x/vendor",
                                                       r + "/vendor"}));
  // A Tanka project root (jsonnetfile.json) below the repository root: Tanka's order.
  repo.write("tk/jsonnetfile.json", "{}");
  EXPECT_EQ(find_tanka_root(r + "/tk/env", r), r + "/tk");
  EXPECT_EQ(find_tanka_root(r + "/apps/x", r), "");
  EXPECT_EQ(paths("tk/env"), (std::vector<std::string>{r + "/tk/env", r + "/tk/lib",
                                                       r + "/tk/env/vendor", r + "/tk/vendor"}));
  // libs: repository-relative, after the rest; a path leaving the repository is an error.
  Environ env = {{"ARGOCD_APP_PARAMETERS", R"([{"name":"libs","array":["shared/j"]}])"}};
  EXPECT_EQ(paths("tk/env", env).back(), r + "/shared/j");
  env["ARGOCD_APP_PARAMETERS"] = R"([{"name":"libs","array":["../x"]}])";
  EXPECT_NE(resolve_settings({}, env, r + "/tk/env").error.find("libs: entry 1"),
            std::string::npos);
  // The Tanka root is never searched above the repository root.
  EXPECT_EQ(find_tanka_root(r + "/apps/x", r + "/apps"), "");
}

TEST(RenderSettings, PluginEnvObjectAndEmptyNamespaceParameter) {
  test::FakeRepo repo;
  repo.write("apps/x/main.jsonnet", "{}");
  Environ env = {{"ARGOCD_APP_NAMESPACE", "dest"}, {"ARGOCD_ENV_A", "1"},
                 {"ARGOCD_ENV_b_c", "x\"y"}, {"ARGOCD_ENV_", "nameless"},
                 {"HAGUARD_A", "not plugin env"},
                 {"ARGOCD_APP_PARAMETERS", R"([{"name":"namespace","string":""}])"}};
  auto s = resolve_settings({}, env, repo.root() + "/apps/x").settings;
  EXPECT_EQ(s.namespace_, "dest");
  std::map<std::string, std::string> code(s.jsonnet.ext_code.begin(), s.jsonnet.ext_code.end());
  EXPECT_EQ(json::parse(code["argocdEnv"]), json({{"A", "1"}, {"b_c", "x\"y"}}));
}

TEST(RepositoryRoot, GitDirElseSourcePathElseWorkDir) {
  test::FakeRepo repo;
  repo.write("apps/x/main.jsonnet", "{}");
  std::string wd = repo.root() + "/apps/x";
  EXPECT_EQ(find_repository_root(wd, {}), repo.root());
  std::filesystem::remove_all(repo.root() + "/.git");
  EXPECT_EQ(find_repository_root(wd, {{"ARGOCD_APP_SOURCE_PATH", "apps/x"}}), repo.root());
  EXPECT_EQ(find_repository_root(wd, {{"ARGOCD_APP_SOURCE_PATH", "./apps/x/"}}), repo.root());
  EXPECT_EQ(find_repository_root(wd, {{"ARGOCD_APP_SOURCE_PATH", "other/x"}}), wd);
  EXPECT_EQ(find_repository_root(wd, {{"ARGOCD_APP_SOURCE_PATH", "../x"}}), wd);
  EXPECT_EQ(find_repository_root(wd, {}), wd);
}

TEST(ImportConfinement, InsideOutsideAbsoluteSymlinkBuiltin) {
  test::FakeRepo repo;
  repo.write("apps/x/main.jsonnet", "{}");
  repo.write("lib/k.libsonnet", "{}");
  repo.write("../out.libsonnet", "{}");
  repo.symlink(repo.outside() + "/out.libsonnet", "apps/x/link.libsonnet");
  repo.symlink(repo.root() + "/lib/k.libsonnet", "apps/x/inner.libsonnet");
  JsonnetInputs in;
  in.root = repo.root();
  in.work_dir = repo.root() + "/apps/x";
  in.library_paths = {repo.root() + "/lib"};
  in.builtin_library = "{}";
  std::string err;
  EXPECT_EQ(resolve_import(in, "", "k.libsonnet", err), repo.root() + "/lib/k.libsonnet");
  EXPECT_EQ(resolve_import(in, "", "inner.libsonnet", err), repo.root() + "/lib/k.libsonnet");
  EXPECT_EQ(resolve_import(in, "", "../../lib/k.libsonnet", err), repo.root() + "/lib/k.libsonnet");
  EXPECT_TRUE(err.empty()) << err;
  EXPECT_EQ(resolve_import(in, "", "haguard.libsonnet", err), "<haguard>/haguard.libsonnet");
  for (const char* bad : {"../../../out.libsonnet", "link.libsonnet", "/etc/passwd",
                          "missing.libsonnet"}) {
    err.clear();
    EXPECT_TRUE(resolve_import(in, "", bad, err).empty()) << bad;
    EXPECT_FALSE(err.empty()) << bad;
  }
}

TEST(Walk, TankaRules) {
  json v = json::parse(R"({
    "b": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}},
    "a": [{"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}]}, null],
    "c": {"nested": {"deeper": {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"}}}}
  })");
  std::vector<RenderedObject> out;
  std::vector<std::string> errors;
  walk_manifests(v, "main.jsonnet", out, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].object["kind"], "Secret");
  EXPECT_EQ(out[0].source, "main.jsonnet .a[0].items[0]");
  EXPECT_EQ(out[2].source, "main.jsonnet .c.nested.deeper");

  out.clear();
  walk_manifests(json::parse(R"({"x": {"kind": "ConfigMap"}, "y-z": [true]})"), "f", out, errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find(".x.kind"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("[\"y-z\"][0]"), std::string::npos) << errors[1];
}

TEST(Namespace, DefaultsOnlyNamespacedObjectsLackingOne) {
  std::vector<RenderedObject> objs;
  for (const char* k : {"ConfigMap", "ClusterRole", "Namespace", "CustomResourceDefinition"})
    objs.push_back({{{"apiVersion", "v1"}, {"kind", k}, {"metadata", {{"name", "n"}}}}, "", ""});
  objs.push_back({{{"kind", "Service"}, {"metadata", {{"name", "s"}, {"namespace", "keep"}}}}, "", ""});
  set_default_namespace(objs, "dest");
  EXPECT_EQ(objs[0].object["metadata"]["namespace"], "dest");
  EXPECT_FALSE(objs[1].object["metadata"].contains("namespace"));
  EXPECT_FALSE(objs[2].object["metadata"].contains("namespace"));
  EXPECT_FALSE(objs[3].object["metadata"].contains("namespace"));
  EXPECT_EQ(objs[4].object["metadata"]["namespace"], "keep");
}

TEST(Identity, DuplicatesAndMissingNames) {
  std::vector<RenderedObject> objs = {
      {{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "a"}}}}, "f .x", ""},
      {{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "a"}}}}, "f .y", ""},
      {{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", json::object()}}, "f .z", ""},
  };
  auto errors = check_identity(objs);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("also rendered by f .x"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("no metadata.name"), std::string::npos) << errors[1];
}

TEST(Environments, NamespaceLabelWins) {
  std::vector<RenderedObject> objs = {
      {{{"apiVersion", "v1"}, {"kind", "Namespace"},
        {"metadata", {{"name", "p"}, {"labels", {{"haguard.dalp.io/environment", "production"}}}}}},
       "", ""},
      {{{"kind", "Deployment"}, {"metadata", {{"name", "d"}, {"namespace", "p"}}}}, "", ""},
      {{{"kind", "Deployment"}, {"metadata", {{"name", "d"}, {"namespace", "q"}}}}, "", ""},
  };
  assign_environments(objs, "staging");
  EXPECT_EQ(objs[1].environment, "production");
  EXPECT_EQ(objs[2].environment, "staging");
}

TEST(Redact, LongValuesOnly) {
  EXPECT_EQ(redact("token abcdefgh and abc", {"abcdefgh", "abc"}), "token <redacted> and abc");
}

}  // namespace
}  // namespace haguard::plugin
