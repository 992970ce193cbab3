// std.native('helmTemplate') in `haguard render` with a real helm (Helm 4, built from its Go
// module by the helm_build fixture), run as argocd-cmp-server runs the plugin: the DALP-shaped
// charts of tests/charts through the HA policy, Tanka's conf keys, Tanka's own helm.template
// wrapper (vendored tanka-util), errors with helm's message and the jsonnet call site, and a hung
// helm stopped at the deadline.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

const std::string kApp = "apps/dalp";

/// Whether the jsonnet trace in `err` shows a call in main.jsonnet starting on `line` (the VM
/// writes a one-line span as main.jsonnet:L:C-C and a longer one as main.jsonnet:(L:C)-(L:C)).
bool calls_at(const std::string& err, int line) {
  std::string l = std::to_string(line);
  return err.find("\tmain.jsonnet:" + l + ":") != std::string::npos ||
         err.find("\tmain.jsonnet:(" + l + ":") != std::string::npos;
}
const std::string kSource = HAGUARD_SOURCE_DIR;

class HelmRender : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(HAGUARD_HELM)) << "the helm_build fixture makes " HAGUARD_HELM;
    repo_.copy_tree(kSource + "/tests/charts", kApp + "/charts");
  }
  ProcResult render(const std::string& environment, const std::string& helm = HAGUARD_HELM,
                    std::vector<std::string> extra = {}) {
    auto env = cmp_environment(kApp);
    env["ARGOCD_ENV_ENVIRONMENT"] = environment;
    env["HAGUARD_HELM"] = helm;
    std::vector<std::string> argv{haguard_binary(), "render"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv, to_env_list(env), repo_.root() + "/" + kApp);
  }
  /// An app rendering both charts; `overlay` true: with the guide's values-production-ha.yaml.
  void write_dalp_app(bool overlay) {
    repo_.write(kApp + "/main.jsonnet",
                std::string(overlay ? "local ha = std.parseYaml(importstr 'charts/values-production-ha.yaml');\n"
                                    : "local ha = { dalp: {}, support: {} };\n") +
                    "local chart(name, values) = std.native('helmTemplate')(name, 'charts/' + name,\n"
                    "  { calledFrom: std.thisFile, namespace: 'dalp', values: values });\n"
                    "{ dalp: chart('dalp', ha.dalp), support: chart('support', ha.support) }\n");
  }
  static const json* find(const std::vector<json>& objects, const std::string& kind,
                          const std::string& name) {
    for (const auto& o : objects)
      if (o.value("kind", "") == kind && o["metadata"].value("name", "") == name) return &o;
    return nullptr;
  }
  FakeRepo repo_;
};

TEST_F(HelmRender, GuidesOverlayPassesProductionWithNoFixes) {
  write_dalp_app(true);
  ProcResult r = render("production");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("haguard: fixed"), std::string::npos) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 3u) << r.out;  // the dApp's Deployment, Service, PDB; no support
  const json* dapp = find(objects, "Deployment", "dalp-dapp");
  ASSERT_NE(dapp, nullptr);
  EXPECT_EQ((*dapp)["spec"]["replicas"], 2);
  EXPECT_EQ((*dapp)["metadata"]["namespace"], "dalp-prod");  // charts leave it to the deployer
  EXPECT_TRUE((*dapp)["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"].contains(
      "preferredDuringSchedulingIgnoredDuringExecution"));
  EXPECT_FALSE((*dapp)["metadata"].contains("annotations") &&
               (*dapp)["metadata"]["annotations"].contains("haguard.dalp.io/mutated"));
  // Keyed by Tanka's default name format: the walk reports the key path.
  EXPECT_NE(r.err.find("main.jsonnet .dalp.deployment_dalp_dapp"), std::string::npos) << r.err;
}

TEST_F(HelmRender, HelmRunsUnderTheSidecarsMemoryBound) {
  // The evaluation bounds its own address space (the sidecar: 1280 MiB); Go cannot start under
  // such a limit, so helm must not inherit it.
  write_dalp_app(true);
  ProcResult r = render("production", HAGUARD_HELM, {"--max-memory", "1280"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_argocd_stream(r.out).size(), 3u);
}

TEST_F(HelmRender, ChartDefaultsFailProductionNamingBundledServicesAndValues) {
  write_dalp_app(false);
  ProcResult r = render("production");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  for (const char* service : {"StatefulSet dalp-prod/support-postgresql",
                              "StatefulSet dalp-prod/support-redis",
                              "StatefulSet dalp-prod/support-rustfs"})
    EXPECT_NE(r.err.find(std::string(service) + ": no-bundled-stateful-services"), std::string::npos)
        << service << "\n" << r.err;
  for (const char* value : {"set support.postgresql.enabled: false (values-production-ha.yaml)",
                            "set support.redis.enabled: false (values-production-ha.yaml)",
                            "set support.rustfs.enabled: false (values-production-ha.yaml)"})
    EXPECT_NE(r.err.find(value), std::string::npos) << value << "\n" << r.err;
}

TEST_F(HelmRender, ChartDefaultsRenderInStagingWithTheServices) {
  write_dalp_app(false);
  ProcResult r = render("staging");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  EXPECT_NE(find(objects, "StatefulSet", "support-postgresql"), nullptr);
  const json* dapp = find(objects, "Deployment", "dalp-dapp");
  ASSERT_NE(dapp, nullptr);
  EXPECT_EQ((*dapp)["spec"]["replicas"], 1);  // staging warns, it does not fix
  EXPECT_NE(r.err.find("set dalp.dapp.replicaCount: 2"), std::string::npos) << r.err;
}

TEST_F(HelmRender, ConfKeysReachHelmAsTankaPassesThem) {
  repo_.copy_tree(kSource + "/tests/plugin/helm_charts/capabilities", kApp + "/charts/capabilities");
  // Go's encoding/json matches keys without regard to case: includeCRDs is includeCrds.
  repo_.write(kApp + "/main.jsonnet",
              "local conf = { calledFrom: std.thisFile, namespace: 'tools', kubeVersion: '1.31.0',\n"
              "  apiVersions: ['example.com/v1'], skipTests: true, values: { number: 7 } };\n"
              "{\n"
              "  a: std.native('helmTemplate')('cap', 'charts/capabilities', conf),\n"
              "  b: std.native('helmTemplate')('nocrd', 'charts/capabilities',\n"
              "       conf { includeCRDs: false, apiVersions: [], skipTests: false,\n"
              "              nameFormat: '{{ .metadata.name }}' }),\n"
              "  keys: { a: std.objectFields($.a), b: std.objectFields($.b) },\n"
              "}\n");
  repo_.write(kApp + "/keys.jsonnet",
              "local m = import 'main.jsonnet';\n"
              "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys' },\n"
              "  data: { a: std.join(',', m.keys.a), b: std.join(',', m.keys.b) } }\n");
  ProcResult r = render("staging", HAGUARD_HELM, {"--main", "keys.jsonnet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0]["data"]["a"],
            "config_map_cap_seen,custom_resource_definition_widgets.example.com");
  EXPECT_EQ(objects[0]["data"]["b"], "nocrd-seen,nocrd-test");

  repo_.write(kApp + "/seen.jsonnet",
              "local m = import 'main.jsonnet';\n[m.a.config_map_cap_seen, m.b['nocrd-seen']]\n");
  r = render("staging", HAGUARD_HELM, {"--main", "seen.jsonnet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0]["metadata"]["namespace"], "tools");
  EXPECT_EQ(objects[0]["data"]["kubeVersion"], "v1.31.0");
  EXPECT_EQ(objects[0]["data"]["hasExample"], "true");
  EXPECT_EQ(objects[0]["data"]["number"], "7");
  EXPECT_EQ(objects[1]["data"]["hasExample"], "false");
}

TEST_F(HelmRender, TankasHelmTemplateWrapperWorksUnchanged) {
  repo_.copy_tree(kSource + "/tests/plugin/tanka_vendor", kApp + "/vendor");
  repo_.write(kApp + "/main.jsonnet",
              "local tanka = import 'github.com/grafana/jsonnet-libs/tanka-util/helm.libsonnet';\n"
              "local helm = tanka.new(std.thisFile);\n"
              "local ha = std.parseYaml(importstr 'charts/values-production-ha.yaml');\n"
              "{ dalp: helm.template('dalp', './charts/dalp', { namespace: 'dalp', values: ha.dalp }) }\n");
  ProcResult r = render("production");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  const json* dapp = find(objects, "Deployment", "dalp-dapp");
  ASSERT_NE(dapp, nullptr) << r.out;
  EXPECT_EQ((*dapp)["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helmraiser");
  EXPECT_EQ((*dapp)["spec"]["replicas"], 2);
}

TEST_F(HelmRender, HelmsOwnErrorAndTheCallSite) {
  repo_.write(kApp + "/main.jsonnet",
              "local values = { dapp: { podAntiAffinityPreset: 'sideways' } };\n"
              "{\n"
              "  dalp: std.native('helmTemplate')('dalp', 'charts/dalp',\n"
              "    { calledFrom: std.thisFile, values: values }),\n"
              "}\n");
  ProcResult r = render("staging");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("helmTemplate: helm template dalp charts/dalp failed (exit status 1): Error: "
                       "execution error at (dalp/templates/dapp-deployment.yaml"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("podAntiAffinityPreset must be soft, hard or none, got \"sideways\""),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(calls_at(r.err, 3)) << r.err;
}

TEST_F(HelmRender, BadConfAndChartsOutsideTheTreeAreRefused) {
  struct Case {
    std::string call, message;
  };
  const Case cases[] = {
      {"std.native('helmTemplate')('x', '../../../etc', { calledFrom: std.thisFile })",
       "helmTemplate: the chart '../../../etc' (from main.jsonnet) is outside the repository tree"},
      {"std.native('helmTemplate')('x', 'charts/dalp', {})", "'opts.calledFrom' is unset or empty"},
      {"std.native('helmTemplate')('x', 'charts/dalp', { calledFrom: std.thisFile, values: [] })",
       "helmTemplate: conf.values must be a object, got array"},
      {"std.native('helmTemplate')('--post-renderer=./x.sh', 'charts/dalp', { calledFrom: std.thisFile })",
       "helmTemplate: the release name '--post-renderer=./x.sh' is empty or starts with '-'"},
      {"std.native('helmTemplate')(1, 'charts/dalp', { calledFrom: std.thisFile })",
       "helmTemplate: first argument 'name' must be a string, got number"},
      {"std.native('helmTemplate')('x', 'charts/dalp', 'conf')",
       "helmTemplate: third argument 'conf' must be an object, got string"},
      {"std.native('helmTemplate')('x', 'charts/dalp', { calledFrom: std.thisFile, "
       "nameFormat: '{{ .metadata.name }}' })",
       "Two resources share the same name 'x-dapp'. Please adapt the name template "
       "'{{ .metadata.name }}'."},
  };
  for (const auto& c : cases) {
    repo_.write(kApp + "/main.jsonnet", "\n{ x: " + c.call + " }\n");
    ProcResult r = render("staging");
    EXPECT_EQ(r.exit_code, 1) << c.call;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.call << "\n" << r.err;
    EXPECT_TRUE(calls_at(r.err, 2)) << c.call << "\n" << r.err;
  }
}

TEST_F(HelmRender, MissingHelmIsNamed) {
  write_dalp_app(true);
  ProcResult r = render("production", "/nonexistent/helm");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("helmTemplate: cannot run '/nonexistent/helm': No such file or directory"),
            std::string::npos)
      << r.err;
}

TEST_F(HelmRender, HungHelmIsKilledAtTheDeadline) {
  std::string pid_file = repo_.outside() + "/helm.pid";
  std::string fake = repo_.outside() + "/hung-helm";
  {
    std::ofstream f(fake);
    f << "#!/bin/sh\necho $$ > " << pid_file << "\nexec sleep 300\n";
  }
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  write_dalp_app(true);
  auto t0 = std::chrono::steady_clock::now();
  ProcResult r = render("production", fake, {"--timeout", "2"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("time bound of 2000 ms"), std::string::npos) << r.err;
  EXPECT_LT(seconds, 20);
  std::ifstream p(pid_file);
  pid_t pid = 0;
  ASSERT_TRUE(p >> pid) << "the fake helm never ran";
  // Gone, or a zombie waiting for its reaper: not running on.
  bool running = true;
  for (int i = 0; i < 50 && running; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    running = std::getline(stat, line) && line.find(") Z ") == std::string::npos;
    if (running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(running) << "helm (pid " << pid << ") outlived the deadline";
}

std::string tree_text(const std::filesystem::path& dir) {
  std::string out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out += f.lexically_relative(dir).native() + "\n" + ss.str();
  }
  return out;
}

TEST(HelmExample, VendorsTheTestChartsUnchanged) {
  const std::string example = kSource + "/plugin/examples/dalp-helm/charts";
  EXPECT_EQ(tree_text(example + "/dalp"), tree_text(kSource + "/tests/charts/dalp"))
      << "cp -r tests/charts/dalp plugin/examples/dalp-helm/charts/";
  EXPECT_EQ(tree_text(example + "/support"), tree_text(kSource + "/tests/charts/support"));
  std::ifstream a(example + "/values-production-ha.yaml"), b(kSource + "/tests/charts/values-production-ha.yaml");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str(), sb.str());
}

TEST_F(HelmRender, ExampleAppOverlayInProductionDefaultsInStaging) {
  repo_.copy_tree(kSource + "/plugin/examples/dalp-helm", "apps/dalp-helm");
  auto env = cmp_environment("apps/dalp-helm");
  env["HAGUARD_HELM"] = HAGUARD_HELM;
  env["ARGOCD_ENV_ENVIRONMENT"] = "production";
  ProcResult r = run_process({haguard_binary(), "render"}, to_env_list(env), repo_.root() + "/apps/dalp-helm");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("haguard: fixed"), std::string::npos) << r.err;
  auto objects = parse_argocd_stream(r.out);
  EXPECT_EQ(objects.size(), 3u);
  EXPECT_EQ(find(objects, "StatefulSet", "support-postgresql"), nullptr);

  env["ARGOCD_ENV_ENVIRONMENT"] = "staging";
  r = run_process({haguard_binary(), "render"}, to_env_list(env), repo_.root() + "/apps/dalp-helm");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  objects = parse_argocd_stream(r.out);
  for (const char* s : {"support-postgresql", "support-redis", "support-rustfs"})
    EXPECT_NE(find(objects, "StatefulSet", s), nullptr) << s;
  const json* dapp = find(objects, "Deployment", "dalp-dapp");
  ASSERT_NE(dapp, nullptr);
  EXPECT_EQ((*dapp)["spec"]["replicas"], 1);
}

}  // namespace
}  // namespace haguard::test
