// The webhook's own Deployment is highly available: `haguard check -e production` passes on every
// rendered overlay, and the details the issue names are asserted one by one.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "manifest_io/manifest_io.h"
#include "policies/label_selector.h"
#include "tests/manifests/manifests_harness.h"

namespace haguard::manifests_test {
namespace {

namespace fs = std::filesystem;

struct Overlay {
  const char* name;
  const Render& (*get)();
};
void PrintTo(const Overlay& o, std::ostream* os) { *os << o.name; }
const Render& base() { return base_render(); }
const Render& cert_manager() { return cert_manager_render(); }
const Render& dev() { return dev_render(); }

/// `haguard check -e production -o json` over `objects` written to a scratch file.
CommandResult check_production(const std::vector<json>& objects, const std::string& file_name) {
  fs::path file = fs::path(renders().scratch) / file_name;
  std::ofstream(file) << haguard::write_yaml_stream(objects);
  return run(quote(HAGUARD_BINARY) + " check -e production -o json " + quote(file.string()),
             false);
}

class WebhookDeployment : public ::testing::TestWithParam<Overlay> {
 protected:
  void SetUp() override {
    if (!have("kubectl")) GTEST_SKIP() << "kubectl not on PATH";
    const Render& r = GetParam().get();
    ASSERT_EQ(r.status, 0) << r.output;
    objects_ = &r.objects;
    deployment_ = find_one(*objects_, "Deployment", "haguard");
    ASSERT_NE(deployment_, nullptr);
    pod_ = &deployment_->at("/spec/template/spec"_json_pointer);
    pod_labels_ = labels_of(deployment_->at("/spec/template/metadata"_json_pointer));
    ASSERT_FALSE(pod_labels_.empty());
    const json& containers = pod_->at("containers");
    ASSERT_EQ(containers.size(), 1u);
    container_ = &containers[0];
  }
  /// The value of --flag=value in the container's args ("" when absent).
  std::string arg(const std::string& flag) const {
    for (const json& a : container_->value("args", json::array())) {
      std::string s = a;
      if (s.rfind(flag + "=", 0) == 0) return s.substr(flag.size() + 1);
    }
    return {};
  }
  const std::vector<json>* objects_ = nullptr;
  const json* deployment_ = nullptr;
  const json* pod_ = nullptr;
  const json* container_ = nullptr;
  Labels pod_labels_;
};

TEST_P(WebhookDeployment, PassesHaguardCheckInProduction) {
  CommandResult c = check_production(*objects_, std::string(GetParam().name) + "-check.yaml");
  ASSERT_EQ(c.status, 0) << c.out;
  json report = json::parse(c.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << c.out;
  const json& s = report.at("summary");
  EXPECT_EQ(s.value("blocking", -1), 0) << c.out;
  EXPECT_EQ(s.value("warnings", -1), 0) << "warn-level rules (resources, zone-spread, "
                                           "rolling-update, PDB) must pass too:\n" << c.out;
  EXPECT_EQ(s.value("errors", -1), 0) << c.out;
  EXPECT_EQ(s.value("workloads", 0), 1) << "the Deployment must be judged as a workload";
  // Not vacuous: the rules actually ran on it and passed.
  EXPECT_GE(s.at("outcomes").value("pass", 0), 5) << c.out;
  EXPECT_EQ(s.at("outcomes").value("fail", -1), 0) << c.out;
  EXPECT_EQ(s.at("outcomes").value("warn", -1), 0) << c.out;
}

TEST_P(WebhookDeployment, CheckWouldCatchAWeakerDeployment) {
  // The same render with the probes and the anti-affinity removed must fail: the check above
  // has teeth on this very object.
  std::vector<json> weaker = *objects_;
  for (json& o : weaker) {
    if (o.value("kind", "") != "Deployment") continue;
    json& spec = o["spec"]["template"]["spec"];
    spec.erase("affinity");
    spec["containers"][0].erase("livenessProbe");
    spec["containers"][0].erase("readinessProbe");
  }
  CommandResult c = check_production(weaker, std::string(GetParam().name) + "-weaker.yaml");
  EXPECT_EQ(c.status, 1) << c.out;
}

TEST_P(WebhookDeployment, ReplicasSpreadOverNodesAndZones) {
  EXPECT_GE(deployment_->at("spec").value("replicas", 1), 3);
  auto selects_own_pods = [&](const json& selector) {
    return selector_matches(selector, pod_labels_).value_or(false);
  };
  // Soft hostname anti-affinity selecting its own pods; no hard term (it blocks small clusters).
  const json& anti = pod_->at("/affinity/podAntiAffinity"_json_pointer);
  EXPECT_FALSE(anti.contains("requiredDuringSchedulingIgnoredDuringExecution"));
  bool soft_host = false;
  for (const json& t : anti.at("preferredDuringSchedulingIgnoredDuringExecution")) {
    const json& term = t.at("podAffinityTerm");
    if (term.value("topologyKey", "") == "kubernetes.io/hostname" &&
        selects_own_pods(term.at("labelSelector")))
      soft_host = true;
  }
  EXPECT_TRUE(soft_host);
  bool zone = false;
  for (const json& t : pod_->value("topologySpreadConstraints", json::array()))
    if (t.value("topologyKey", "") == "topology.kubernetes.io/zone" &&
        selects_own_pods(t.at("labelSelector")) &&
        t.value("whenUnsatisfiable", "") == "ScheduleAnyway")
      zone = true;
  EXPECT_TRUE(zone);
  // Rolling updates keep every replica until its successor is ready.
  EXPECT_EQ(deployment_->value("/spec/strategy/type"_json_pointer, std::string()), "RollingUpdate");
  EXPECT_EQ(deployment_->value("/spec/strategy/rollingUpdate/maxUnavailable"_json_pointer, -1), 0);
  // The Deployment's selector selects its own template.
  EXPECT_TRUE(selects_own_pods(deployment_->at("/spec/selector"_json_pointer)));
}

TEST_P(WebhookDeployment, ProbesServiceAndDisruptionBudgetUseTheServingPort) {
  // A named container port serving HTTPS on the --listen port.
  std::string listen = arg("--listen");
  ASSERT_FALSE(listen.empty());
  int listen_port = std::stoi(listen.substr(listen.rfind(':') + 1));
  std::string port_name;
  for (const json& p : container_->at("ports"))
    if (p.value("containerPort", 0) == listen_port) port_name = p.value("name", "");
  ASSERT_TRUE(is_dns1123_label(port_name) && port_name.size() <= 15) << port_name;

  for (const auto& [probe, path] : {std::pair<std::string, std::string>{"livenessProbe", "/healthz"},
                                    {"readinessProbe", "/readyz"}}) {
    ASSERT_TRUE(container_->contains(probe)) << probe;
    const json& g = container_->at(probe).at("httpGet");
    EXPECT_EQ(g.value("path", ""), path) << probe;
    EXPECT_EQ(g.value("scheme", ""), "HTTPS") << probe;
    EXPECT_EQ(g.at("port"), json(port_name)) << probe;
  }

  const json* service = find_one(*objects_, "Service", "haguard");
  ASSERT_NE(service, nullptr);
  EXPECT_TRUE(selector_matches(json{{"matchLabels", service->at("spec").at("selector")}},
                               pod_labels_)
                  .value_or(false));
  bool https443 = false;
  for (const json& p : service->at("spec").at("ports"))
    if (p.value("port", 0) == 443 && p.at("targetPort") == json(port_name)) https443 = true;
  EXPECT_TRUE(https443) << "Service 443 -> " << port_name;

  const json* pdb = find_one(*objects_, "PodDisruptionBudget", "haguard");
  ASSERT_NE(pdb, nullptr);
  EXPECT_EQ(pdb->at("spec").at("maxUnavailable"), json(1));
  EXPECT_EQ(pdb->at("metadata").value("namespace", "a"),
            deployment_->at("metadata").value("namespace", "b"));
  EXPECT_TRUE(selector_matches(pdb->at("spec").at("selector"), pod_labels_).value_or(false));
}

TEST_P(WebhookDeployment, RunsLockedDown) {
  const json& sc = container_->at("securityContext");
  bool non_root = sc.value("runAsNonRoot", pod_->value("/securityContext/runAsNonRoot"_json_pointer, false));
  EXPECT_TRUE(non_root);
  EXPECT_NE(sc.value("runAsUser", pod_->value("/securityContext/runAsUser"_json_pointer, 0)), 0);
  EXPECT_TRUE(sc.value("readOnlyRootFilesystem", false));
  EXPECT_FALSE(sc.value("allowPrivilegeEscalation", true));
  EXPECT_EQ(sc.value("/capabilities/drop"_json_pointer, json::array()), json::array({"ALL"}));
  EXPECT_FALSE(sc.contains("/capabilities/add"_json_pointer));
  EXPECT_FALSE(sc.value("privileged", false));
  for (const char* kind : {"requests", "limits"})
    for (const char* res : {"cpu", "memory"})
      EXPECT_TRUE(container_->contains(json::json_pointer(std::string("/resources/") + kind + "/" + res)))
          << kind << "." << res;
}

TEST_P(WebhookDeployment, PriorityAndGracePeriodOutlastTheDrain) {
  std::string pc = pod_->value("priorityClassName", "");
  ASSERT_FALSE(pc.empty());
  const json* klass = find_one(*objects_, "PriorityClass", pc);
  ASSERT_NE(klass, nullptr) << "PriorityClass " << pc << " is not rendered";
  EXPECT_GT(klass->value("value", 0), 0);
  EXPECT_FALSE(klass->value("globalDefault", false));

  // SIGTERM: readiness false for --shutdown-grace, then in-flight reviews (at most the longest
  // webhook timeout) finish; the kubelet must not SIGKILL before.
  std::string grace = arg("--shutdown-grace");
  double shutdown = grace.empty() ? 5.0 : std::stod(grace);
  int longest_timeout = 0;
  for (const char* kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"})
    if (const json* c = find_one(*objects_, kind, "haguard"))
      for (const json& w : c->at("webhooks"))
        longest_timeout = std::max(longest_timeout, w.value("timeoutSeconds", 10));
  int termination = pod_->value("terminationGracePeriodSeconds", 30);
  EXPECT_GT(termination, shutdown + longest_timeout);
}

TEST_P(WebhookDeployment, MountsWhatItsFlagsRead) {
  std::map<std::string, std::string> mount_volume;  // mount path -> volume name
  for (const json& m : container_->at("volumeMounts"))
    mount_volume[m.value("mountPath", "")] = m.value("name", "");
  std::map<std::string, const json*> volumes;
  for (const json& v : pod_->at("volumes")) volumes[v.value("name", "")] = &v;
  auto volume_for = [&](const std::string& file) -> const json* {
    std::string dir = fs::path(file).parent_path().string();
    auto it = mount_volume.find(dir);
    if (it == mount_volume.end()) return nullptr;
    auto v = volumes.find(it->second);
    return v == volumes.end() ? nullptr : v->second;
  };
  for (const char* flag : {"--tls-cert", "--tls-key"}) {
    const json* v = volume_for(arg(flag));
    ASSERT_NE(v, nullptr) << flag << "=" << arg(flag) << " is not under a mount";
    EXPECT_TRUE(v->contains("secret")) << flag;
  }
  const json* pv = volume_for(arg("--policy"));
  ASSERT_NE(pv, nullptr) << "--policy=" << arg("--policy");
  std::string cm = pv->at("configMap").value("name", "");
  const json* config_map = find_one(*objects_, "ConfigMap", cm);
  ASSERT_NE(config_map, nullptr) << cm;
  std::string key = fs::path(arg("--policy")).filename().string();
  ASSERT_TRUE(config_map->at("data").contains(key));
  EXPECT_EQ(config_map->at("data").at(key).get<std::string>(),
            read_file(std::string(HAGUARD_SOURCE_DIR) + "/policies/default.yaml"));
  EXPECT_EQ(arg("--kube-api"), "in-cluster");
}

TEST_P(WebhookDeployment, RbacOnlyReadsScaleParents) {
  std::string sa = pod_->value("serviceAccountName", "");
  std::string ns = deployment_->at("metadata").value("namespace", "");
  ASSERT_NE(find_one(*objects_, "ServiceAccount", sa), nullptr);
  std::set<std::string> granted_roles;
  for (const json* b : find_all(*objects_, "ClusterRoleBinding"))
    for (const json& s : b->value("subjects", json::array()))
      if (s.value("kind", "") == "ServiceAccount" && s.value("name", "") == sa &&
          s.value("namespace", "") == ns)
        granted_roles.insert(b->at("roleRef").value("name", ""));
  EXPECT_TRUE(find_all(*objects_, "RoleBinding").empty());
  ASSERT_EQ(granted_roles.size(), 1u);
  const json* role = find_one(*objects_, "ClusterRole", *granted_roles.begin());
  ASSERT_NE(role, nullptr);
  std::set<std::string> grants;
  for (const json& rule : role->at("rules"))
    for (const json& g : rule.at("apiGroups"))
      for (const json& r : rule.at("resources"))
        for (const json& v : rule.at("verbs"))
          grants.insert(g.get<std::string>() + "/" + r.get<std::string>() + ":" + v.get<std::string>());
  EXPECT_EQ(grants, (std::set<std::string>{"apps/deployments:get", "apps/statefulsets:get",
                                           "argoproj.io/rollouts:get"}));
}

INSTANTIATE_TEST_SUITE_P(Overlays, WebhookDeployment,
                         ::testing::Values(Overlay{"base", base},
                                           Overlay{"cert_manager", cert_manager},
                                           Overlay{"dev", dev}),
                         [](const ::testing::TestParamInfo<Overlay>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace haguard::manifests_test
