// helmTemplate's pure parts: sprig's snakecase/kebabcase against huandu/xstrings v1.5.0 (the
// expected column is that library's output, printed by a Go program over the same inputs), the
// name-format reader, chart resolution and helm's argument vector.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "plugin/helm_name_format.h"
#include "plugin/helm_template.h"
#include "plugin/jsonnet_eval.h"

namespace haguard::plugin {
namespace {

struct SnakeCase {
  const char* in;
  const char* snake;
  const char* kebab;
};

// xstrings.ToSnakeCase / ToKebabCase (sprig v3.3.0, which Tanka pins) on each input.
const SnakeCase kXstrings[] = {
    {"FirstName", "first_name", "first-name"},
    {"HTTPServer", "http_server", "http-server"},
    {"NoHTTPS", "no_https", "no-https"},
    {"GO_PATH", "go_path", "go-path"},
    {"GO PATH", "go_path", "go-path"},
    {"GO-PATH", "go_path", "go-path"},
    {"http2xx", "http_2xx", "http-2xx"},
    {"HTTP20xOK", "http_20x_ok", "http-20x-ok"},
    {"Duration2m3s", "duration_2m3s", "duration-2m3s"},
    {"Bld4Floor3rd", "bld4_floor_3rd", "bld4-floor-3rd"},
    {"Deployment_grafana-agent", "deployment_grafana_agent", "deployment-grafana-agent"},
    {"ConfigMap_my.config", "config_map_my.config", "config-map-my.config"},
    {"CustomResourceDefinition_prometheuses.monitoring.coreos.com", "custom_resource_definition_prometheuses.monitoring.coreos.com", "custom-resource-definition-prometheuses.monitoring.coreos.com"},
    {"Service_dalp-dapp", "service_dalp_dapp", "service-dalp-dapp"},
    {"ClusterRoleBinding_kube-state-metrics", "cluster_role_binding_kube_state_metrics", "cluster-role-binding-kube-state-metrics"},
    {"Deployment_app-v2", "deployment_app_v2", "deployment-app-v2"},
    {"StatefulSet_redis-node-0", "stateful_set_redis_node_0", "stateful-set-redis-node-0"},
    {"a--b", "a__b", "a--b"},
    {"__x__", "__x__", "--x--"},
    {"A1B2c3", "a1_b_2c3", "a1-b-2c3"},
    {"X.Y", "x.y", "x.y"},
    {"abc$def", "abc_$_def", "abc-$-def"},
    {"HPA_x", "hpa_x", "hpa-x"},
    {"Ingress_my-app--2", "ingress_my_app__2", "ingress-my-app--2"},
    {"PodDisruptionBudget_dalp-dapp", "pod_disruption_budget_dalp_dapp", "pod-disruption-budget-dalp-dapp"},
    {"V1Beta1", "v1_beta1", "v1-beta1"},
    {"k8sApp", "k_8s_app", "k-8s-app"},
    {"a1_b", "a1_b", "a1-b"},
    {"9lives", "9lives", "9lives"}};

TEST(HelmNameFormat, SnakeAndKebabCaseMatchXstrings) {
  for (const auto& c : kXstrings) {
    EXPECT_EQ(go_snake_case(c.in), c.snake) << c.in;
    EXPECT_EQ(go_snake_case(c.in, '-'), c.kebab) << c.in;
  }
}

YAML::Node manifest() {
  return YAML::Load("kind: PodDisruptionBudget\nmetadata: {name: dalp-dapp, namespace: dalp}\n");
}

std::string format(std::string_view f, std::string* error_out = nullptr) {
  std::string out, error;
  bool ok = format_manifest_name(f, manifest(), out, error);
  if (error_out) *error_out = error;
  return ok ? out : "<error>";
}

TEST(HelmNameFormat, TankaDefaultKeysKindAndName) {
  EXPECT_EQ(format(kTankaDefaultNameFormat), "pod_disruption_budget_dalp_dapp");
}

TEST(HelmNameFormat, FieldsTextFunctionsAndTrimMarkers) {
  EXPECT_EQ(format("{{ .metadata.name }}"), "dalp-dapp");
  EXPECT_EQ(format("{{.metadata.namespace}}/{{.kind}}"), "dalp/PodDisruptionBudget");
  EXPECT_EQ(format("{{ print .kind \"-\" .metadata.name | lower }}"), "poddisruptionbudget-dalp-dapp");
  EXPECT_EQ(format("{{ .kind | kebabcase | upper }}"), "POD-DISRUPTION-BUDGET");
  EXPECT_EQ(format("x  {{- .kind -}}  y"), "xPodDisruptionBudgety");
  EXPECT_EQ(format("{{ snakecase .metadata.name }}"), "dalp_dapp");
}

TEST(HelmNameFormat, RefusesWhatItCannotEvaluateByName) {
  std::string error;
  EXPECT_EQ(format("{{ .metadata.uid }}", &error), "<error>");
  EXPECT_EQ(error, "the manifest has no .metadata.uid");
  EXPECT_EQ(format("{{ .kind | title }}", &error), "<error>");
  EXPECT_NE(error.find("'title'"), std::string::npos) << error;
  EXPECT_EQ(format("{{ .kind ", &error), "<error>");
  EXPECT_NE(error.find("not closed"), std::string::npos) << error;
  EXPECT_EQ(format("{{ .metadata }}", &error), "<error>");
  EXPECT_EQ(format("{{ $x := 1 }}", &error), "<error>");
  EXPECT_NE(error.find("'$'"), std::string::npos) << error;
}

TEST(HelmTemplateArgs, TankasFlagsInTankasOrder) {
  HelmTemplateCall call;
  call.name = "dalp";
  call.api_versions = {"monitoring.coreos.com/v1", "example.com/v1"};
  call.kube_version = "1.31.0";
  call.namespace_ = "dalp";
  call.skip_tests = call.no_hooks = true;
  std::vector<std::string> want{"template",  "dalp", "/c", "--values", "-",
                                "--api-versions=monitoring.coreos.com/v1",
                                "--api-versions=example.com/v1", "--include-crds", "--skip-tests",
                                "--kube-version=1.31.0", "--no-hooks", "--namespace=dalp"};
  EXPECT_EQ(helm_template_args(call, "/c"), want);
  call = {};
  call.name = "x";
  call.include_crds = false;
  EXPECT_EQ(helm_template_args(call, "/c"),
            (std::vector<std::string>{"template", "x", "/c", "--values", "-"}));
}

class ChartPaths : public ::testing::Test {
 protected:
  void SetUp() override {
    base = std::filesystem::temp_directory_path() /
           ("haguard-chart-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(base / "repo/apps/dalp/charts/dalp");
    std::filesystem::create_directories(base / "elsewhere/chart");
    std::filesystem::create_symlink(base / "elsewhere/chart", base / "repo/apps/dalp/charts/link");
    in.root = (base / "repo").native();
    in.work_dir = (base / "repo/apps/dalp").native();
  }
  void TearDown() override { std::filesystem::remove_all(base); }
  std::string resolve(const std::string& chart, const std::string& called_from, std::string& error) {
    HelmTemplateCall call;
    call.chart = chart;
    call.called_from = called_from;
    error.clear();
    return resolve_chart(in, call, error);
  }
  std::filesystem::path base;
  JsonnetInputs in;
};

TEST_F(ChartPaths, RelativeToTheCallingFile) {
  std::string error;
  EXPECT_EQ(resolve("charts/dalp", "main.jsonnet", error), in.work_dir + "/charts/dalp") << error;
  EXPECT_EQ(resolve("../charts/dalp", "lib/x.libsonnet", error), in.work_dir + "/charts/dalp") << error;
}

TEST_F(ChartPaths, OutsideTheTreeIsRefusedLikeAnImport) {
  std::string error;
  EXPECT_EQ(resolve("../../../elsewhere/chart", "main.jsonnet", error), "");
  EXPECT_NE(error.find("outside the repository tree"), std::string::npos) << error;
  EXPECT_EQ(resolve("charts/link", "main.jsonnet", error), "");
  EXPECT_NE(error.find("symbolic link"), std::string::npos) << error;
  EXPECT_EQ(resolve((base / "elsewhere/chart").native(), "main.jsonnet", error), "");
  EXPECT_NE(error.find("outside the repository tree"), std::string::npos) << error;
}

TEST_F(ChartPaths, MissingChartAndMissingCalledFromSayWhat) {
  std::string error;
  EXPECT_EQ(resolve("charts/nope", "main.jsonnet", error), "");
  EXPECT_NE(error.find("Failed to find a chart at 'charts/nope'"), std::string::npos) << error;
  EXPECT_EQ(resolve("charts/dalp", "", error), "");
  EXPECT_NE(error.find("calledFrom"), std::string::npos) << error;
}

}  // namespace
}  // namespace haguard::plugin
