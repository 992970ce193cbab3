// `haguard fn` as a KRM function: through the installed `kpt fn eval --exec` (kpt judges the exit
// code and writes fixed items back), and directly with a ResourceList on stdin (its output read).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

namespace fs = std::filesystem;

const char* kPostgres = R"(apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
  namespace: dalp-prod
spec:
  serviceName: postgres
  replicas: 1
  selector:
    matchLabels: {app: postgres}
  template:
    metadata:
      labels: {app: postgres}
    spec:
      containers:
      - name: postgres
        image: postgres:16
)";

const char* kWeakDapp = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: dapp
  namespace: dalp-prod
spec:
  replicas: 1
  selector:
    matchLabels: {app: dapp}
  template:
    metadata:
      labels: {app: dapp}
    spec:
      containers:
      - name: dapp
        image: ghcr.io/settlemint/dalp-dapp:1.4.2
        ports:
        - {name: http, containerPort: 3000}
)";

class FnKrm : public ::testing::Test {
 protected:
  std::vector<std::string> env() const {
    return {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + repo_.outside()};
  }

  /// Renders the DALP example for production into <repo>/pkg/dalp.yaml.
  void render_example_into_pkg() {
    repo_.copy_tree(std::string(HAGUARD_SOURCE_DIR) + "/plugin/examples/dalp", "apps/dalp");
    auto e = cmp_environment("apps/dalp", json::array({{{"name", "environment"},
                                                        {"string", "production"}}}));
    auto r = run_process({haguard_binary(), "render"}, to_env_list(e), repo_.root() + "/apps/dalp");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    repo_.write("pkg/dalp.yaml", r.out);
  }

  ProcResult kpt(const std::string& environment) {
    return run_process({"/usr/bin/kpt", "fn", "eval", repo_.root() + "/pkg", "--exec",
                        haguard_binary() + " fn", "--", "environment=" + environment},
                       env(), repo_.root());
  }

  FakeRepo repo_;
};

TEST_F(FnKrm, KptPassesACompliantPackage) {
  render_example_into_pkg();
  std::string before = read_file(repo_.root() + "/pkg/dalp.yaml");
  auto r = kpt("production");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // Nothing to fix: the package comes back object for object (kpt may reformat, not change).
  std::string after = read_file(repo_.root() + "/pkg/dalp.yaml");
  EXPECT_EQ(after.find("haguard.dalp.io/mutated"), std::string::npos) << after;
}

TEST_F(FnKrm, KptFailsOnAnEnforcedRule) {
  render_example_into_pkg();
  repo_.write("pkg/postgres.yaml", kPostgres);
  auto r = kpt("production");
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("no-bundled-stateful-services"), std::string::npos)
      << r.out << r.err;
  // Staging turns that rule off: the package passes.
  r = kpt("staging");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(FnKrm, KptWritesFixesBack) {
  repo_.write("pkg/dapp.yaml", kWeakDapp);
  auto r = kpt("production");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string after = read_file(repo_.root() + "/pkg/dapp.yaml");
  EXPECT_NE(after.find("replicas: 2"), std::string::npos) << after;
  EXPECT_NE(after.find("livenessProbe"), std::string::npos) << after;
  EXPECT_NE(after.find("haguard.dalp.io/mutated"), std::string::npos) << after;
}

std::string resource_list(const std::string& items_yaml, const std::string& environment) {
  return "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n"
         "  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: fn-config\n"
         "  data:\n    environment: " +
         environment + "\nitems:\n" + items_yaml;
}

std::string as_item(const std::string& doc, const std::string& path, int index) {
  // Indent a document as a list item, with the kpt bookkeeping annotations kpt adds.
  std::string out = "- ";
  std::istringstream in(doc);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    out += (first ? "" : "  ") + line + "\n";
    if (line == "metadata:")
      out += "    annotations:\n      internal.config.kubernetes.io/path: '" + path +
             "'\n      internal.config.kubernetes.io/index: '" + std::to_string(index) + "'\n" +
             "      config.kubernetes.io/local-config: 'false'\n";
    first = false;
  }
  return out;
}

TEST_F(FnKrm, ResourceListResultsOnStdout) {
  std::string input = resource_list(as_item(kWeakDapp, "dapp.yaml", 0), "staging");
  auto r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), input);
  ASSERT_EQ(r.exit_code, 0) << r.err;  // staging: the mission rules warn
  auto docs = parse_argocd_stream(r.out);
  ASSERT_EQ(docs.size(), 1u);
  const json& list = docs[0];
  EXPECT_EQ(list["apiVersion"], "config.kubernetes.io/v1");
  EXPECT_EQ(list["kind"], "ResourceList");
  ASSERT_EQ(list["items"].size(), 1u);
  const json& ann = list["items"][0]["metadata"]["annotations"];
  EXPECT_EQ(ann["internal.config.kubernetes.io/path"], "dapp.yaml");
  EXPECT_EQ(ann["internal.config.kubernetes.io/index"], "0");
  ASSERT_TRUE(list["results"].is_array()) << r.out;
  bool saw_replicas = false;
  for (const auto& res : list["results"]) {
    EXPECT_TRUE(res.contains("message"));
    EXPECT_TRUE(res["severity"] == "warning" || res["severity"] == "info") << res;
    EXPECT_EQ(res["resourceRef"]["kind"], "Deployment");
    EXPECT_EQ(res["resourceRef"]["name"], "dapp");
    EXPECT_EQ(res["resourceRef"]["namespace"], "dalp-prod");
    EXPECT_EQ(res["file"]["path"], "dapp.yaml");
    if (res["tags"]["rule"] == "min-replicas") {
      saw_replicas = true;
      EXPECT_EQ(res["field"]["path"], "spec.replicas") << res;
    }
  }
  EXPECT_TRUE(saw_replicas) << r.out;
}

TEST_F(FnKrm, ResourceListErrorExitsNonZero) {
  std::string input = resource_list(as_item(kPostgres, "db.yaml", 0), "production");
  auto r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), input);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto docs = parse_argocd_stream(r.out);
  ASSERT_EQ(docs.size(), 1u);
  bool saw_error = false;
  for (const auto& res : docs[0]["results"])
    if (res["severity"] == "error" && res["tags"]["rule"] == "no-bundled-stateful-services")
      saw_error = true;
  EXPECT_TRUE(saw_error) << r.out;
  EXPECT_NE(r.err.find("StatefulSet dalp-prod/postgres"), std::string::npos) << r.err;
}

TEST_F(FnKrm, MalformedStreamsAreErrorsNotHangs) {
  // yaml-cpp 0.7's LoadAll returned empty documents forever on a ',' outside a flow collection.
  // A piece that is only the token read as an empty document, its object dropped silently.
  for (const std::string input : {"!pi-droieVsdisrc:,{}\n", "a: 1\n,\n", "kind: x\n---\n,\n"}) {
    auto r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), input);
    EXPECT_EQ(r.exit_code, 1) << input << r.err;
    EXPECT_NE(r.err.find("haguard fn: stdin"), std::string::npos) << input << r.err;
  }
  // Named at its line, as `haguard check` names it; an explicit null or a comment is no error.
  auto r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), "kind: x\n---\n,\n");
  EXPECT_NE(r.err.find("line 3: unexpected ','"), std::string::npos) << r.err;
  r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), "kind: x\n---\n~\n---\n# c\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(FnKrm, EveryDocumentOfAPlainStreamIsAnItem) {
  // A document after an end marker ("...") was dropped: YAML::Load read the first one only.
  const std::string input = std::string(kWeakDapp) + "...\n" + kPostgres + "---\n# empty\n";
  auto r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), input);
  ASSERT_EQ(r.exit_code, 0) << r.err;  // the default environment only warns
  auto docs = parse_argocd_stream(r.out);
  ASSERT_EQ(docs.size(), 1u) << r.out;
  const json& items = docs[0]["items"];
  ASSERT_EQ(items.size(), 2u) << r.out;
  EXPECT_EQ(items[0]["metadata"]["name"], "dapp");
  EXPECT_EQ(items[1]["metadata"]["name"], "postgres");
}

/// The default policy with bundled stateful services denied in every environment.
std::string strict_policy() {
  std::string text = read_file(std::string(HAGUARD_SOURCE_DIR) + "/policies/default.yaml");
  const std::string from = "enforcement: off      # bundled";
  auto pos = text.find(from);
  if (pos == std::string::npos) return {};
  text.replace(pos, from.size(), "enforcement: enforce  # bundled");
  return text;
}

TEST_F(FnKrm, FunctionConfigCarriesThePolicy) {
  std::string policy = strict_policy();
  ASSERT_FALSE(policy.empty()) << "policies/default.yaml changed: update strict_policy()";
  // As an HAPolicy functionConfig (no environment: the policy's default one).
  std::string indented;
  std::istringstream in(policy);
  for (std::string line; std::getline(in, line);) indented += "  " + line + "\n";
  std::string input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n" +
                      indented + "items:\n" + as_item(kPostgres, "db.yaml", 0);
  auto r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), input);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("no-bundled-stateful-services"), std::string::npos) << r.err;

  // As a file named by the ConfigMap's data.policy, the way `kpt fn eval -- policy=...` passes it.
  repo_.write("strict.yaml", policy);
  repo_.write("pkg/postgres.yaml", kPostgres);
  r = run_process({"/usr/bin/kpt", "fn", "eval", repo_.root() + "/pkg", "--exec",
                   haguard_binary() + " fn", "--", "policy=" + repo_.root() + "/strict.yaml"},
                  env(), repo_.root());
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  r = run_process({"/usr/bin/kpt", "fn", "eval", repo_.root() + "/pkg", "--exec",
                   haguard_binary() + " fn"},
                  env(), repo_.root());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  // A policy file that does not load is an error naming it.
  input = resource_list(as_item(kPostgres, "db.yaml", 0), "staging");
  input.replace(input.find("environment: staging"), 20, "policy: /nonexistent/policy.yaml");
  r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), input);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/nonexistent/policy.yaml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace haguard::test
