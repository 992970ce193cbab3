// The Argo CD Component composed with the corpus Argo CD install, the example Application, and
// the copies kustomize needs of files outside manifests/ (proved identical to their sources).

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/manifests/manifests_harness.h"

namespace haguard::manifests_test {
namespace {

const std::string kSource = HAGUARD_SOURCE_DIR;

TEST(ManifestCopies, PolicyIsPoliciesDefaultYaml) {
  std::string original = read_file(kSource + "/policies/default.yaml");
  ASSERT_FALSE(original.empty());
  EXPECT_EQ(read_file(kSource + "/manifests/policy/policy.yaml"), original)
      << "manifests/policy/policy.yaml differs from policies/default.yaml: cp the latter over it";
}

TEST(ManifestCopies, PluginSpecIsPluginPluginYaml) {
  std::string original = read_file(kSource + "/plugin/plugin.yaml");
  ASSERT_FALSE(original.empty());
  EXPECT_EQ(read_file(kSource + "/manifests/argocd/plugin.yaml"), original)
      << "manifests/argocd/plugin.yaml differs from plugin/plugin.yaml: cp the latter over it";
}

class ArgoCdSidecar : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have("kubectl")) GTEST_SKIP() << "kubectl not on PATH";
    const Render& r = argocd_render();
    ASSERT_EQ(r.status, 0) << r.output;
    objects_ = &r.objects;
    repo_server_ = find_one(*objects_, "Deployment", "argocd-repo-server");
    ASSERT_NE(repo_server_, nullptr);
    pod_ = &repo_server_->at("/spec/template/spec"_json_pointer);
    for (const json& c : pod_->at("containers")) containers_[c.value("name", "")] = &c;
    for (const json& v : pod_->at("volumes")) volumes_[v.value("name", "")] = &v;
    ASSERT_TRUE(containers_.count("haguard")) << "no haguard sidecar";
    sidecar_ = containers_["haguard"];
    ASSERT_TRUE(sidecar_->contains("volumeMounts"));
    for (const json& m : sidecar_->at("volumeMounts")) mounts_[m.value("mountPath", "")] = &m;
  }
  /// The ConfigMap behind a configMap volume, or nullptr.
  const json* config_map_of(const std::string& volume) {
    auto v = volumes_.find(volume);
    if (v == volumes_.end() || !v->second->contains("configMap")) return nullptr;
    return find_one(*objects_, "ConfigMap", v->second->at("configMap").value("name", ""));
  }
  const std::vector<json>* objects_ = nullptr;
  const json* repo_server_ = nullptr;
  const json* pod_ = nullptr;
  const json* sidecar_ = nullptr;
  std::map<std::string, const json*> containers_, volumes_, mounts_;
};

TEST_F(ArgoCdSidecar, RunsArgocdCmpServerAsUid999) {
  EXPECT_EQ(sidecar_->value("command", json::array()),
            json::array({"/var/run/argocd/argocd-cmp-server"}));
  const json& sc = sidecar_->at("securityContext");
  EXPECT_EQ(sc.value("runAsUser", 0), 999);
  EXPECT_TRUE(sc.value("runAsNonRoot", false));
  EXPECT_TRUE(sc.value("readOnlyRootFilesystem", false));
  EXPECT_FALSE(sc.value("allowPrivilegeEscalation", true));
  EXPECT_EQ(sc.value("/capabilities/drop"_json_pointer, json::array()), json::array({"ALL"}));
  EXPECT_TRUE(sidecar_->contains("/resources/limits/memory"_json_pointer));
  EXPECT_EQ(sidecar_->value("image", ""), "haguard:0.1.0");
  // The repo-server itself is still there, unchanged in command and image.
  ASSERT_TRUE(containers_.count("argocd-repo-server"));
  EXPECT_EQ(containers_["argocd-repo-server"]->value("image", ""), "quay.io/argoproj/argocd:latest");
}

/// A memory quantity in MiB ("512Mi", "2Gi", "1G", plain bytes); -1 when not understood.
double quantity_mib(const std::string& q) {
  static const std::map<std::string, double> kUnits = {
      {"Ki", 1.0 / 1024}, {"Mi", 1}, {"Gi", 1024}, {"Ti", 1024 * 1024}, {"k", 1e3 / 1048576},
      {"M", 1e6 / 1048576}, {"G", 1e9 / 1048576}, {"", 1.0 / 1048576}};
  std::size_t end = q.find_first_not_of("0123456789.");
  if (end == 0) return -1;
  auto unit = kUnits.find(end == std::string::npos ? "" : q.substr(end));
  if (unit == kUnits.end()) return -1;
  return std::stod(q.substr(0, end)) * unit->second;
}

TEST_F(ArgoCdSidecar, MemoryLimitLeavesRoomAboveTheJsonnetBound) {
  // The evaluation's --max-memory must trip before the container's limit, which also holds
  // haguard's parent (~0.5 GiB measured at the 64 MiB output bound) and argocd-cmp-server.
  std::string bound = "4096";  // haguard render's default
  for (const json& e : sidecar_->value("env", json::array()))
    if (e.value("name", "") == "HAGUARD_MAX_MEMORY") bound = e.value("value", "");
  ASSERT_TRUE(sidecar_->contains("/resources/limits/memory"_json_pointer));
  const json& memory = sidecar_->at("/resources/limits/memory"_json_pointer);
  double limit = quantity_mib(memory.get<std::string>());
  ASSERT_GT(limit, 0);
  const double max_memory = std::stod(bound);
  ASSERT_GT(max_memory, 0) << "HAGUARD_MAX_MEMORY=0 leaves the evaluation unbounded";
  EXPECT_GE(limit, max_memory + 640) << "memory limit " << limit << " MiB, --max-memory "
                                     << max_memory << " MiB";
  // The bound is still large enough for real apps (the example needs ~100 MiB).
  EXPECT_GE(max_memory, 1024);
}

TEST_F(ArgoCdSidecar, SharesVarFilesAndPluginsWithTheRepoServer) {
  // argocd-cmp-server comes from copyutil through var-files; the socket goes in plugins.
  ASSERT_TRUE(mounts_.count("/var/run/argocd"));
  std::string var_files = mounts_["/var/run/argocd"]->value("name", "");
  bool copied_there = false;
  for (const json& init : pod_->value("initContainers", json::array()))
    for (const json& m : init.value("volumeMounts", json::array()))
      if (m.value("name", "") == var_files && m.value("mountPath", "") == "/var/run/argocd")
        copied_there = true;
  EXPECT_TRUE(copied_there) << "no init container fills " << var_files;

  ASSERT_TRUE(mounts_.count("/home/argocd/cmp-server/plugins"));
  std::string plugins = mounts_["/home/argocd/cmp-server/plugins"]->value("name", "");
  bool repo_server_sees_it = false;
  for (const json& m : containers_["argocd-repo-server"]->at("volumeMounts"))
    if (m.value("name", "") == plugins && m.value("mountPath", "") == "/home/argocd/cmp-server/plugins")
      repo_server_sees_it = true;
  EXPECT_TRUE(repo_server_sees_it);

  // Its own /tmp, an emptyDir the repo-server does not mount.
  ASSERT_TRUE(mounts_.count("/tmp"));
  std::string tmp = mounts_["/tmp"]->value("name", "");
  ASSERT_TRUE(volumes_.count(tmp));
  EXPECT_TRUE(volumes_[tmp]->contains("emptyDir"));
  for (const json& m : containers_["argocd-repo-server"]->at("volumeMounts"))
    EXPECT_NE(m.value("name", ""), tmp) << "the sidecar's /tmp is shared with the repo-server";

  // Every mount names a volume of the pod.
  for (const auto& [path, m] : mounts_)
    EXPECT_TRUE(volumes_.count(m->value("name", ""))) << path;
}

TEST_F(ArgoCdSidecar, MountsThePluginSpecWhereArgocdCmpServerReadsIt) {
  ASSERT_TRUE(mounts_.count("/home/argocd/cmp-server/config/plugin.yaml"));
  const json* m = mounts_["/home/argocd/cmp-server/config/plugin.yaml"];
  std::string key = m->value("subPath", "");
  ASSERT_FALSE(key.empty());
  const json* cm = config_map_of(m->value("name", ""));
  ASSERT_NE(cm, nullptr) << "the plugin.yaml volume's ConfigMap is not rendered";
  EXPECT_EQ(cm->at("metadata").value("namespace", ""), "argocd");
  ASSERT_TRUE(cm->at("data").contains(key));
  EXPECT_EQ(cm->at("data").at(key).get<std::string>(), read_file(kSource + "/plugin/plugin.yaml"));
}

TEST_F(ArgoCdSidecar, HaguardReadsTheMountedPolicy) {
  std::string policy_path;
  for (const json& e : sidecar_->value("env", json::array()))
    if (e.value("name", "") == "HAGUARD_POLICY") policy_path = e.value("value", "");
  ASSERT_FALSE(policy_path.empty()) << "HAGUARD_POLICY is not set on the sidecar";
  auto slash = policy_path.rfind('/');
  std::string dir = policy_path.substr(0, slash), file = policy_path.substr(slash + 1);
  ASSERT_TRUE(mounts_.count(dir)) << dir << " is not mounted";
  EXPECT_FALSE(mounts_[dir]->contains("subPath")) << "a subPath mount never sees policy edits";
  const json* cm = config_map_of(mounts_[dir]->value("name", ""));
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->at("metadata").value("namespace", ""), "argocd");
  ASSERT_TRUE(cm->at("data").contains(file));
  EXPECT_EQ(cm->at("data").at(file).get<std::string>(), read_file(kSource + "/policies/default.yaml"));
}

TEST_F(ArgoCdSidecar, HelmComesFromTheArgoCdImageThroughAnInitContainer) {
  // HAGUARD_HELM names a file in a mount of the sidecar...
  std::string helm;
  for (const json& e : sidecar_->value("env", json::array()))
    if (e.value("name", "") == "HAGUARD_HELM") helm = e.value("value", "");
  ASSERT_FALSE(helm.empty()) << "HAGUARD_HELM is not set on the sidecar";
  std::string dir = helm.substr(0, helm.rfind('/')), file = helm.substr(helm.rfind('/') + 1);
  ASSERT_TRUE(mounts_.count(dir)) << dir << " is not mounted";
  std::string volume = mounts_[dir]->value("name", "");
  ASSERT_TRUE(volumes_.count(volume));
  EXPECT_TRUE(volumes_[volume]->contains("emptyDir"));
  // ...that an init container running Argo CD's own image fills from /usr/local/bin/helm, before
  // the sidecar starts, without a shell.
  std::string image_name = [](std::string image) { return image.substr(0, image.rfind(':')); }(
      containers_["argocd-repo-server"]->value("image", ""));
  bool copied = false;
  for (const json& init : pod_->value("initContainers", json::array())) {
    std::string mount;
    for (const json& m : init.value("volumeMounts", json::array()))
      if (m.value("name", "") == volume) mount = m.value("mountPath", "");
    if (mount.empty()) continue;
    std::string image = init.value("image", "");
    EXPECT_EQ(image.substr(0, image.rfind(':') == std::string::npos ? image.size() : image.rfind(':')),
              image_name);
    EXPECT_EQ(init.value("command", json::array()),
              json::array({"/bin/cp", "/usr/local/bin/helm", mount + "/" + file}));
    EXPECT_TRUE(init.value("/securityContext/runAsNonRoot"_json_pointer, false));
    EXPECT_TRUE(init.value("/securityContext/readOnlyRootFilesystem"_json_pointer, false));
    copied = true;
  }
  EXPECT_TRUE(copied) << "no init container copies helm into " << volume;
  // helm writes its config and cache under the sidecar's writable /tmp.
  for (const char* var : {"HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME"}) {
    std::string value;
    for (const json& e : sidecar_->value("env", json::array()))
      if (e.value("name", "") == var) value = e.value("value", "");
    EXPECT_EQ(value.rfind("/tmp/", 0), 0u) << var << "=" << value;
  }
}

TEST(ExampleApplication, UsesThePluginByItsVersionedName) {
  std::vector<json> spec = parse_yaml_stream(read_file(kSource + "/plugin/plugin.yaml"));
  std::vector<json> app = parse_yaml_stream(read_file(kSource + "/manifests/argocd/example-application.yaml"));
  ASSERT_EQ(spec.size(), 1u);
  ASSERT_EQ(app.size(), 1u);
  ASSERT_EQ(app[0].value("kind", ""), "Application");
  // Argo CD: a plugin with spec.version is named "<metadata.name>-<spec.version>".
  std::string want = spec[0].at("metadata").value("name", "");
  if (spec[0].at("spec").contains("version"))
    want += "-" + spec[0].at("spec").value("version", "");
  EXPECT_EQ(app[0].value("/spec/source/plugin/name"_json_pointer, std::string()), want);
}

TEST(ExampleApplication, ParametersAreTheOnesHaguardAnnounces) {
  // What `haguard parameters` (the plugin's dynamic parameters command) announces, from the
  // example application directory, is the contract for spec.source.plugin.parameters.
  CommandResult c = run("cd " + quote(kSource + "/plugin/examples/dalp") + " && " +
                            quote(HAGUARD_BINARY) + " parameters",
                        false);
  ASSERT_EQ(c.status, 0) << c.out;
  json announced = json::parse(c.out, nullptr, false);
  ASSERT_TRUE(announced.is_array()) << c.out;
  std::map<std::string, std::string> collection;  // name -> string|array|map
  for (const json& a : announced)
    collection[a.value("name", "")] = a.value("collectionType", "string");

  std::vector<json> app = parse_yaml_stream(read_file(kSource + "/manifests/argocd/example-application.yaml"));
  ASSERT_EQ(app.size(), 1u);
  const json& params = app[0].at("/spec/source/plugin/parameters"_json_pointer);
  std::string environment;
  for (const json& p : params) {
    std::string name = p.value("name", "");
    ASSERT_TRUE(collection.count(name)) << "haguard does not announce parameter " << name;
    EXPECT_TRUE(p.contains(collection[name])) << name << " must be given as " << collection[name];
    if (name == "environment") environment = p.value("string", "");
  }
  ASSERT_FALSE(environment.empty()) << "the example must set the environment";
  std::vector<json> policy = parse_yaml_stream(read_file(kSource + "/policies/default.yaml"));
  ASSERT_EQ(policy.size(), 1u);
  std::set<std::string> envs(policy[0].at("spec").at("environments").begin(),
                             policy[0].at("spec").at("environments").end());
  EXPECT_TRUE(envs.count(environment)) << environment;
  // The namespace Argo CD creates carries the same environment, so the webhook agrees.
  EXPECT_EQ(app[0].value("/spec/syncPolicy/managedNamespaceMetadata/labels/haguard.dalp.io~1environment"_json_pointer,
                         std::string()),
            environment);
}

}  // namespace
}  // namespace haguard::manifests_test
