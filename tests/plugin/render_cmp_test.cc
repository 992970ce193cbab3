// `haguard render` run as argocd-cmp-server runs it: fresh repo copy, cwd at the app path, the
// contract's environment, no shell; stdout read the way Argo CD reads it.

#include <glob.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "policies/engine.h"
#include "policies/exemption.h"
#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

const std::string kApp = "apps/dalp";

class RenderCmp : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.copy_tree(std::string(HAGUARD_SOURCE_DIR) + "/plugin/examples/dalp", kApp);
  }

  ProcResult render(const json& params, std::map<std::string, std::string> extra = {},
                    std::vector<std::string> args = {}, const std::string& app = kApp) {
    auto env = cmp_environment(app, params);
    for (auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> argv{haguard_binary(), "render"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, to_env_list(env), repo_.root() + "/" + app);
  }

  static json env_param(const std::string& e) {
    return json::array({{{"name", "environment"}, {"string", e}}});
  }

  static const json* find(const std::vector<json>& objs, const std::string& kind,
                          const std::string& name) {
    for (const auto& o : objs)
      if (o.value("kind", "") == kind && o["metadata"].value("name", "") == name) return &o;
    return nullptr;
  }

  FakeRepo repo_;
};

void expect_drift_free(const std::vector<json>& objects, const std::string& environment) {
  Engine engine(default_policy());
  for (const auto& o : objects) {
    EvalContext ctx;
    ctx.environment = environment;
    FixResult fr = engine.fix(o, ctx);
    EXPECT_TRUE(fr.patch.empty()) << o["kind"] << " " << o["metadata"]["name"] << ": "
                                  << fr.patch.dump();
    for (const auto& f : fr.evaluation.findings) EXPECT_FALSE(is_blocking(f)) << f.message;
  }
}

TEST_F(RenderCmp, ProductionRendersCleanAndDriftFree) {
  auto r = render(env_param("production"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("fixed"), std::string::npos) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 12u) << r.out;
  const json* dapp = find(objects, "Deployment", "dapp");
  ASSERT_NE(dapp, nullptr);
  EXPECT_EQ((*dapp)["spec"]["replicas"], 3);
  EXPECT_EQ((*dapp)["metadata"]["labels"]["app.kubernetes.io/instance"], "dalp");
  for (const auto& o : objects) {
    EXPECT_EQ(o["metadata"].value("namespace", ""), "dalp-prod") << o["kind"];
    EXPECT_FALSE(o["metadata"].contains("annotations") &&
                 o["metadata"]["annotations"].contains(std::string(kMutatedAnnotation)));
  }
  expect_drift_free(objects, "production");
}

TEST_F(RenderCmp, StagingRendersCleanAndDriftFree) {
  auto r = render(env_param("staging"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 12u);
  EXPECT_EQ((*find(objects, "Deployment", "dapp"))["spec"]["replicas"], 2);
  EXPECT_EQ((*find(objects, "Ingress", "dalp"))["spec"]["rules"][0]["host"],
            "dalp.staging.example.com");
  expect_drift_free(objects, "staging");
}

TEST_F(RenderCmp, OutputIsDeterministicYamlStream) {
  auto a = render(env_param("production"));
  auto b = render(env_param("production"));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.front(), '[');
  EXPECT_NE(a.out.front(), '{');
}

TEST_F(RenderCmp, EnvironmentFromPluginEnvAndSidecarEnv) {
  auto r = render(nullptr, {{"ARGOCD_ENV_ENVIRONMENT", "production"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((*find(parse_argocd_stream(r.out), "Deployment", "dapp"))["spec"]["replicas"], 3);

  r = render(nullptr, {{"HAGUARD_ENVIRONMENT", "production"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((*find(parse_argocd_stream(r.out), "Deployment", "dapp"))["spec"]["replicas"], 3);

  // The parameter wins over the plugin env, which wins over the sidecar's env.
  r = render(env_param("staging"), {{"ARGOCD_ENV_ENVIRONMENT", "production"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((*find(parse_argocd_stream(r.out), "Deployment", "dapp"))["spec"]["replicas"], 2);
  r = render(nullptr, {{"ARGOCD_ENV_ENVIRONMENT", "staging"}, {"HAGUARD_ENVIRONMENT", "production"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((*find(parse_argocd_stream(r.out), "Deployment", "dapp"))["spec"]["replicas"], 2);

  // No environment at all: the policy's default, which the example maps to staging values.
  r = render(nullptr);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((*find(parse_argocd_stream(r.out), "Deployment", "dapp"))["spec"]["replicas"], 2);
}

TEST_F(RenderCmp, StringMapAndArrayParameters) {
  repo_.write(kApp + "/extra.jsonnet", R"(
function(owner, replicas=1) {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' },
  data: {
    owner: owner, replicas: std.toString(replicas),
    team: std.extVar('team'), tier: std.toString(std.extVar('tier')),
    environment: std.extVar('environment'), appName: std.extVar('appName'),
    appNamespace: std.extVar('appNamespace'), revision: std.extVar('revision'),
    kubeVersion: std.extVar('kubeVersion'),
  },
})");
  json params = json::array({
      {{"name", "environment"}, {"string", "production"}},
      {{"name", "main"}, {"array", {"main.jsonnet", "extra.jsonnet"}}},
      {{"name", "tla-str"}, {"map", {{"imageTag", "2.0.0"}, {"owner", "platform"}}}},
      {{"name", "tla-code"}, {"map", {{"replicas", "1 + 2"}}}},
      {{"name", "ext-str"}, {"map", {{"team", "ledger"}}}},
      {{"name", "ext-code"}, {"map", {{"tier", "{ level: 1 }"}}}},
  });
  // TLAs go to every entry file: main.jsonnet has no owner/replicas, extra.jsonnet no imageTag.
  auto r = render(params);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("imageTag"), std::string::npos) << r.err;

  repo_.write(kApp + "/extra.jsonnet", R"(
function(owner, replicas=1, imageTag='', domain='') {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' },
  data: {
    owner: owner, replicas: std.toString(replicas), imageTag: imageTag,
    team: std.extVar('team'), tier: std.toString(std.extVar('tier')),
    environment: std.extVar('environment'), appName: std.extVar('appName'),
    appNamespace: std.extVar('appNamespace'), revision: std.extVar('revision'),
    kubeVersion: std.extVar('kubeVersion'),
  },
})");
  // main.jsonnet must accept owner and replicas too: give it its own wrapper.
  repo_.write(kApp + "/app.jsonnet", R"(
function(imageTag='', domain='', owner='', replicas=1)
  (import 'main.jsonnet')(imageTag=imageTag, domain=domain))");
  params[1]["array"] = {"app.jsonnet", "extra.jsonnet"};
  r = render(params);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 13u);
  EXPECT_EQ((*find(objects, "Deployment", "dapp"))["spec"]["template"]["spec"]["containers"][0]
                ["image"],
            "ghcr.io/settlemint/dalp-dapp:2.0.0");
  const json& data = (*find(objects, "ConfigMap", "extra"))["data"];
  EXPECT_EQ(data["owner"], "platform");
  EXPECT_EQ(data["replicas"], "3");
  EXPECT_EQ(data["team"], "ledger");
  EXPECT_EQ(data["tier"], "{\"level\": 1}");
  EXPECT_EQ(data["environment"], "production");
  EXPECT_EQ(data["appName"], "dalp");
  EXPECT_EQ(data["appNamespace"], "dalp-prod");
  EXPECT_EQ(data["revision"], "5f3c0d2a9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a");
  EXPECT_EQ(data["kubeVersion"], "1.30.4");
}

TEST_F(RenderCmp, NamespaceParameterAndClusterScopedKinds) {
  repo_.write(kApp + "/rbac.jsonnet", R"({
  role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' },
          rules: [] },
  cm: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
  pinned: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p', namespace: 'other' } },
})");
  json params = json::array({{{"name", "main"}, {"string", "rbac.jsonnet"}},
                             {{"name", "namespace"}, {"string", "team-a"}}});
  auto r = render(params);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_FALSE((*find(objects, "ClusterRole", "r"))["metadata"].contains("namespace"));
  EXPECT_EQ((*find(objects, "ConfigMap", "c"))["metadata"]["namespace"], "team-a");
  EXPECT_EQ((*find(objects, "ConfigMap", "p"))["metadata"]["namespace"], "other");
}

TEST_F(RenderCmp, TankaWalkExpandsListsAndNesting) {
  repo_.write(kApp + "/walk.jsonnet", R"({
  a: { b: [ { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' } }, null ] },
  list: { apiVersion: 'v1', kind: 'List', items: [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two' } },
    { apiVersion: 'v1', kind: 'ConfigMapList', items: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'three' } } ] } ] },
})");
  auto r = render(json::array({{{"name", "main"}, {"string", "walk.jsonnet"}}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_NE(find(objects, "ConfigMap", "three"), nullptr);

  repo_.write(kApp + "/walk.jsonnet", "{ a: { b: [ 1 ] } }");
  r = render(json::array({{{"name", "main"}, {"string", "walk.jsonnet"}}}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(".a.b[0]"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(RenderCmp, FlagsWhenRunByHand) {
  auto r = render(nullptr, {}, {"--environment", "production", "--tla-str", "imageTag=9.9.9"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  EXPECT_EQ((*find(objects, "Deployment", "dapp"))["spec"]["template"]["spec"]["containers"][0]
                ["image"],
            "ghcr.io/settlemint/dalp-dapp:9.9.9");
}

TEST_F(RenderCmp, BadParametersAreErrors) {
  auto r = render(json::array({{{"name", "enviroment"}, {"string", "production"}}}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown parameter \"enviroment\""), std::string::npos) << r.err;
  r = render(env_param("prodution"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not one the policy knows"), std::string::npos) << r.err;
  r = render(nullptr, {{"ARGOCD_APP_PARAMETERS", "{not json"}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("ARGOCD_APP_PARAMETERS"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(RenderCmp, SyntaxErrorKeepsLocation) {
  repo_.write(kApp + "/main.jsonnet", "{\n  a: [1, 2\n}\n");
  auto r = render(nullptr);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("main.jsonnet:3:1"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(RenderCmp, RuntimeErrorKeepsTrace) {
  repo_.write(kApp + "/lib/broken.libsonnet", "{\n  f(x):: error 'broken: ' + x,\n}\n");
  repo_.write(kApp + "/main.jsonnet", "local b = import 'broken.libsonnet';\n{ x: b.f('y') }\n");
  auto r = render(nullptr);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("RUNTIME ERROR: broken: y"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lib/broken.libsonnet:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("main.jsonnet:2:"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(RenderCmp, ImportsResolveInsideTheTree) {
  repo_.write("lib/shared.libsonnet", "{ name: 'shared' }");
  repo_.write("apps/common/cm.libsonnet", "{ name: 'sibling' }");
  repo_.write(kApp + "/main.jsonnet", R"(
local s = import 'shared.libsonnet';         // repository root lib/
local c = import '../common/cm.libsonnet';   // .. that stays inside the tree
[ { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: s.name } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: c.name } } ])");
  auto r = render(nullptr);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_argocd_stream(r.out).size(), 2u);
}

TEST_F(RenderCmp, LibraryPathOrder) {
  // jsonnet-bundler layout at the repository root, and a repository copy of haguard.libsonnet
  // that takes precedence over the one built into haguard (pinning).
  repo_.write("vendor/github.com/acme/k8s/cm.libsonnet", "{ name: 'vendored' }");
  repo_.write(kApp + "/main.jsonnet", R"(
local v = import 'github.com/acme/k8s/cm.libsonnet';
local h = import 'haguard.libsonnet';
[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: v.name },
   data: { pinned: std.toString(std.objectHasAll(h, 'pinned')) } }])");
  auto r = render(nullptr);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0]["metadata"]["name"], "vendored");
  EXPECT_EQ(objects[0]["data"]["pinned"], "false");
  repo_.write("lib/haguard.libsonnet", "{ pinned:: true }");
  r = render(nullptr);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_argocd_stream(r.out)[0]["data"]["pinned"], "true");
}

TEST_F(RenderCmp, ImportsEscapingTheTreeAreRefused) {
  repo_.write("../secret.txt", "top secret");
  struct Case {
    const char* code;
    const char* expected;
  } cases[] = {
      {"importstr '../../../secret.txt'", "leaves the repository tree"},
      {"importstr '/etc/hostname'", "absolute import paths are not allowed"},
      {"importstr 'lib/link.txt'", "outside the repository tree (symbolic link)"},
  };
  repo_.symlink(repo_.outside() + "/secret.txt", kApp + "/lib/link.txt");
  for (const auto& c : cases) {
    repo_.write(kApp + "/main.jsonnet", std::string("{ a: ") + c.code + " }");
    auto r = render(nullptr);
    EXPECT_NE(r.exit_code, 0) << c.code;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.code << ": " << r.err;
    EXPECT_EQ(r.err.find("top secret"), std::string::npos);
    EXPECT_TRUE(r.out.empty());
  }
  // An entry file that is a symlink out of the tree is refused as well.
  repo_.symlink(repo_.outside() + "/secret.txt", kApp + "/escape.jsonnet");
  auto r = render(json::array({{{"name", "main"}, {"string", "escape.jsonnet"}}}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("outside the repository tree"), std::string::npos) << r.err;
}

TEST_F(RenderCmp, RootFromSourcePathWithoutGitDir) {
  std::filesystem::remove_all(repo_.root() + "/.git");
  repo_.write("lib/shared.libsonnet", "{ name: 'shared' }");
  repo_.write(kApp + "/main.jsonnet",
              "[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: (import "
              "'shared.libsonnet').name } }]");
  auto r = render(nullptr);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  repo_.write("../outside.libsonnet", "{}");
  repo_.write(kApp + "/main.jsonnet", "import '../../../outside.libsonnet'");
  r = render(nullptr);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("leaves the repository tree"), std::string::npos) << r.err;
}

TEST_F(RenderCmp, PolicyFailureListsObjectRuleAndFix) {
  repo_.write(kApp + "/db.jsonnet", R"(
local h = import 'haguard.libsonnet';
local pg = h.deployment('postgres', 'postgres:16', { port: 5432 }) + { kind: 'StatefulSet' };
[pg + { spec+: { serviceName: 'postgres', strategy:: null } }, h.pdbFor(pg)])");
  json params = json::array({{{"name", "environment"}, {"string", "production"}},
                             {{"name", "main"}, {"array", {"main.jsonnet", "db.jsonnet"}}}});
  auto r = render(params);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("blocks this render (environment production)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("db.jsonnet"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("StatefulSet dalp-prod/postgres"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no-bundled-stateful-services"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("managed PostgreSQL"), std::string::npos) << r.err;

  // The same in staging, where the rule is off: renders.
  params[0]["string"] = "staging";
  r = render(params);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(RenderCmp, FixesAreAppliedAndStayFixed) {
  repo_.write(kApp + "/main.jsonnet", R"([{
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'dapp' },
  spec: {
    selector: { matchLabels: { app: 'dapp' } },
    template: {
      metadata: { labels: { app: 'dapp' } },
      spec: { containers: [{ name: 'dapp', image: 'dapp:1',
                             ports: [{ name: 'http', containerPort: 3000 }] }] },
    },
  },
}])");
  auto r = render(env_param("production"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("fixed Deployment dalp-prod/dapp"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;  // resources, zone spread, PDB
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0]["spec"]["replicas"], 2);
  EXPECT_TRUE(objects[0]["spec"]["template"]["spec"]["containers"][0].contains("livenessProbe"));
  expect_drift_free(objects, "production");
}

TEST_F(RenderCmp, EmptyRenderIsAnErrorUnlessAllowed) {
  repo_.write(kApp + "/main.jsonnet", "{ nothing: [], also: {} }");
  auto r = render(nullptr);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no objects rendered"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  r = render(json::array({{{"name", "allow-empty"}, {"string", "true"}}}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(parse_argocd_stream(r.out).empty());
  r = render(nullptr, {{"ARGOCD_ENV_ALLOW_EMPTY", "true"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(RenderCmp, OutputTooBigIsStopped) {
  // 1,200 values of 1,000 bytes: just over 1 MiB of JSON, cheap to evaluate.
  repo_.write(kApp + "/main.jsonnet", "local s = '" + std::string(1000, 'x') + R"(';
[{
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' },
  data: { ['k' + i]: s for i in std.range(1, 1200) },
}])");
  auto r = render(nullptr, {}, {"--max-output", "1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--max-output"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(RenderCmp, EndlessRecursionHitsTheStackBound) {
  repo_.write(kApp + "/main.jsonnet", "local f(x) = f(x + 1) + 1;\n{ a: f(0) }\n");
  auto r = render(nullptr);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("max stack frames exceeded"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("main.jsonnet:1:"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 20);
}

TEST_F(RenderCmp, RunawayEvaluationIsKilledAtTheDeadline) {
  repo_.write(kApp + "/main.jsonnet",
              "{ a: std.foldl(function(acc, x) acc + x, std.range(0, 200000000), 0) }\n");
  auto r = render(nullptr, {}, {"--timeout", "1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("time bound"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 10);
}

// Golden files: what Argo CD receives for the example. HAGUARD_UPDATE_GOLDEN=1 rewrites them.
TEST_F(RenderCmp, ExampleMatchesGoldenFiles) {
  for (const std::string env : {"staging", "production"}) {
    auto r = render(env_param(env));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string path = std::string(HAGUARD_CASES_DIR) + "/render/dalp-" + env + ".yaml";
    if (std::getenv("HAGUARD_UPDATE_GOLDEN")) {
      std::ofstream(path) << r.out;
      continue;
    }
    std::ifstream in(path);
    ASSERT_TRUE(in) << "missing golden file " << path;
    std::stringstream golden;
    golden << in.rdbuf();
    EXPECT_EQ(r.out, golden.str()) << "render of " << env << " differs from " << path
                                   << " (HAGUARD_UPDATE_GOLDEN=1 rewrites it)";
  }
}

TEST_F(RenderCmp, LibjsonnetAbortIsContained) {
  // Debian's libjsonnet 0.18 aborts the process in its own parseYaml on multi-document input
  // (haguard's std replaces it; the original stays reachable as haguard_std0): only the
  // evaluating child dies, and render reports it.
  repo_.write(kApp + "/main.jsonnet", R"(haguard_std0.parseYaml("a: 1\nb: 2\nc: 3\n---\nd: 4\n"))");
  auto r = render(nullptr);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("jsonnet evaluation died"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(RenderCmp, SecretValuesAreNotPrinted) {
  repo_.write(kApp + "/main.jsonnet", "{ a: error 'cannot use token ' + std.extVar('token') }\n");
  json params = json::array({{{"name", "ext-str"}, {"map", {{"token", "s3cr3t-t0ken-value"}}}}});
  auto r = render(params);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err.find("s3cr3t-t0ken-value"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("<redacted>"), std::string::npos) << r.err;
}

TEST_F(RenderCmp, ParametersAnnouncement) {
  auto env = cmp_environment(kApp, nullptr);
  env["ARGOCD_ENV_ENVIRONMENT"] = "production";
  auto r = run_process({haguard_binary(), "parameters"}, to_env_list(env), repo_.root() + "/" + kApp);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = json::parse(r.out);
  ASSERT_TRUE(a.is_array());
  std::map<std::string, json> by_name;
  for (const auto& p : a) by_name[p["name"]] = p;
  for (const char* n : {"environment", "main", "namespace", "allow-empty", "tla-str", "tla-code",
                        "ext-str", "ext-code"})
    EXPECT_TRUE(by_name.count(n)) << n;
  EXPECT_EQ(by_name["environment"]["string"], "production");
  EXPECT_EQ(by_name["main"]["collectionType"], "array");
  EXPECT_EQ(by_name["main"]["array"], json::array({"main.jsonnet"}));
  EXPECT_EQ(by_name["namespace"]["string"], "dalp-prod");
  EXPECT_EQ(by_name["tla-str"]["collectionType"], "map");
  for (const auto& p : a) EXPECT_TRUE(p.contains("title") && p.contains("tooltip"));
}

TEST_F(RenderCmp, ParallelFilesEachInTheirOwnVm) {
  // Eight files evaluated at once; each sees only its own locals.
  json files = json::array();
  for (int i = 0; i < 8; ++i) {
    std::string n = "part" + std::to_string(i);
    repo_.write(kApp + "/" + n + ".jsonnet",
                "local me = '" + n + "';\n[{ apiVersion: 'v1', kind: 'ConfigMap', "
                "metadata: { name: me } }]\n");
    files.push_back(n + ".jsonnet");
  }
  auto r = render(json::array({{{"name", "main"}, {"array", files}}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 8u);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(objects[static_cast<std::size_t>(i)]["metadata"]["name"], "part" + std::to_string(i));
}

TEST_F(RenderCmp, MemoryBoundTripsWithAMessage) {
  if (HAGUARD_SANITIZED) GTEST_SKIP() << "AddressSanitizer reserves address space: no RLIMIT_AS";
  repo_.write(kApp + "/main.jsonnet",
              "local a = std.makeArray(20000000, function(i) 'x' + i);\n"
              "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' },\n"
              "  data: { n: std.toString(std.length(std.join(',', a))) } }\n");
  // The sidecar's setting, as manifests/argocd gives it (operators only: not a parameter).
  auto r = render(nullptr, {{"HAGUARD_MAX_MEMORY", "256"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ran out of memory"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("256 MiB"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

/// argocd-cmp-server's discovery by `discover.fileName`: filepath.Glob of the pattern joined to
/// the app directory; any match claims the app.
bool discovery_claims(const std::string& app_dir) {
  YAML::Node spec = YAML::LoadFile(std::string(HAGUARD_SOURCE_DIR) + "/plugin/plugin.yaml");
  YAML::Node discover = spec["spec"]["discover"];
  EXPECT_TRUE(discover && discover["fileName"]) << "discovery must be by a marker file";
  EXPECT_FALSE(discover["find"]) << "a find rule could claim apps without a marker";
  std::string pattern =
      (std::filesystem::path(app_dir) / discover["fileName"].as<std::string>()).lexically_normal();
  glob_t g{};
  int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
  bool matched = rc == 0 && g.gl_pathc > 0;
  ::globfree(&g);
  return matched;
}

TEST_F(RenderCmp, DiscoveryClaimsOnlyAppsWithTheMarker) {
  // A Directory app as Argo CD renders it today: jsonnet beside plain manifests. Installing the
  // sidecar must not take it over.
  repo_.write("apps/plain/main.jsonnet",
              "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }");
  repo_.write("apps/plain/sealed-secret.yaml",
              "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n");
  repo_.write("apps/plain/lib/main.jsonnet", "{}");
  EXPECT_FALSE(discovery_claims(repo_.root() + "/apps/plain"));
  EXPECT_FALSE(discovery_claims(repo_.root()));
  // The marker is the opt-in; the shipped example carries it.
  repo_.write("apps/plain/.haguard", "");
  EXPECT_TRUE(discovery_claims(repo_.root() + "/apps/plain"));
  EXPECT_TRUE(discovery_claims(repo_.root() + "/" + kApp));
}

}  // namespace
}  // namespace haguard::test
