// The image, both ways. Dockerfile.*: the Dockerfile read as text against the manifests and
// CMakeLists.txt (no engine needed). ImageRoot.*: a built image's root and configuration (the image
// stage of scripts/test sets HAGUARD_IMAGE_ROOT, from `podman image mount`, and
// HAGUARD_IMAGE_INSPECT, `podman image inspect`'s JSON) against what the manifests run and mount.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/manifests/manifests_harness.h"

namespace haguard::manifests_test {
namespace {

const std::string kSource = HAGUARD_SOURCE_DIR;

struct Stage {
  std::string from;
  std::vector<std::string> instructions;  ///< continuation lines joined
};

std::vector<Stage> stages() {
  std::istringstream in(read_file(kSource + "/Dockerfile"));
  std::vector<Stage> out;
  std::string line, pending;
  while (std::getline(in, line)) {
    if (pending.empty() && (line.empty() || line[0] == '#')) continue;
    if (!line.empty() && line.back() == '\\') {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    std::string inst = pending + line;
    pending.clear();
    if (inst.rfind("FROM ", 0) == 0) {
      out.push_back({inst.substr(5), {}});
    } else if (!out.empty()) {
      out.back().instructions.push_back(inst);
    }
  }
  return out;
}

bool stage_has(const Stage& s, const std::string& text) {
  for (const std::string& i : s.instructions)
    if (i.find(text) != std::string::npos) return true;
  return false;
}

/// The default value of `ARG name=value` in the Dockerfile's global scope or `stage`.
std::string arg_default(const std::vector<std::string>& instructions, const std::string& name) {
  for (const std::string& i : instructions)
    if (i.rfind("ARG " + name + "=", 0) == 0) return i.substr(5 + name.size());
  return {};
}

std::vector<std::string> global_instructions() {
  std::istringstream in(read_file(kSource + "/Dockerfile"));
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line) && line.rfind("FROM ", 0) != 0)
    if (!line.empty() && line[0] != '#') out.push_back(line);
  return out;
}

std::string project_version() {
  std::smatch m;
  std::string cmake = read_file(kSource + "/CMakeLists.txt");
  static const std::regex version(R"(project\(haguard VERSION ([0-9.]+))");
  return std::regex_search(cmake, m, version) ? m[1].str() : "";
}

TEST(Dockerfile, BuildStageDefaultsToPublicDebianAndRuntimeStartsFromNothing) {
  std::vector<Stage> s = stages();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.front().from, "${DEBIAN_IMAGE} AS build");
  EXPECT_EQ(arg_default(global_instructions(), "DEBIAN_IMAGE"), "debian:bookworm");
  EXPECT_TRUE(stage_has(s.front(), "scripts/install-deps --product"));
  EXPECT_TRUE(stage_has(s.front(), "scripts/image-root /build /rootfs"));
  // Nothing runs in the runtime stage (it has no shell to run it): it is the laid-out root.
  EXPECT_EQ(s.back().from, "scratch");
  for (const std::string& i : s.back().instructions) EXPECT_NE(i.rfind("RUN ", 0), 0u) << i;
  EXPECT_TRUE(stage_has(s.back(), "COPY --from=build /rootfs/ /"));
}

TEST(Dockerfile, LabelsNameTheProjectVersion) {
  std::string version = project_version();
  ASSERT_FALSE(version.empty());
  for (const Stage& st : stages())
    EXPECT_EQ(arg_default(st.instructions, "HAGUARD_VERSION"), version) << st.from;
  for (const char* label : {"source", "version", "revision", "licenses"})
    EXPECT_TRUE(stage_has(stages().back(), std::string("org.opencontainers.image.") + label)) << label;
}

TEST(Dockerfile, EntrypointAndUserAreTheDeployments) {
  const Stage runtime = stages().back();
  EXPECT_TRUE(stage_has(runtime, R"(ENTRYPOINT ["/usr/local/bin/haguard-webhook"])"));
  EXPECT_TRUE(stage_has(runtime, "USER 999:999"));
  std::string deployment = read_file(kSource + "/manifests/base/deployment.yaml");
  EXPECT_NE(deployment.find("command: [/usr/local/bin/haguard-webhook]"), std::string::npos);
  EXPECT_NE(deployment.find("runAsUser: 999"), std::string::npos);
}

TEST(Dockerfile, ContextLeavesOutKeysAndBuildTrees) {
  std::string ignore = read_file(kSource + "/.dockerignore");
  for (const char* p : {"certs/out", "manifests/dev/certs", ".git", "build"})
    EXPECT_NE(ignore.find(p), std::string::npos) << p;
}

/// The image stage's inputs: the mounted root and `podman image inspect`'s first element.
class ImageRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* root = std::getenv("HAGUARD_IMAGE_ROOT");
    const char* inspect = std::getenv("HAGUARD_IMAGE_INSPECT");
    if (!root || !inspect) GTEST_SKIP() << "no image (tests/image/run sets HAGUARD_IMAGE_ROOT)";
    root_ = root;
    json all = json::parse(read_file(inspect), nullptr, false);
    ASSERT_TRUE(all.is_array() && !all.empty()) << inspect;
    image_ = all[0];
    config_ = image_.value("Config", json::object());
    // Asked to check an image, a missing kubectl is a failure, not a reason to pass.
    ASSERT_TRUE(have("kubectl")) << "kubectl not on PATH (the e2e stage builds one in build/e2e/bin)";
  }

  /// The container `name` of Deployment `deployment` in `r`.
  static const json& container(const Render& r, const std::string& deployment,
                               const std::string& name) {
    static const json none = json::object();
    const json* d = find_one(r.objects, "Deployment", deployment);
    if (!d) return none;
    for (const json& c : d->at("/spec/template/spec/containers"_json_pointer))
      if (c.value("name", "") == name) return c;
    return none;
  }

  bool is_dir(const std::string& path) const {
    struct stat st {};
    return ::stat((root_ + path).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  std::string root_;
  json image_, config_;
};

TEST_F(ImageRoot, IsWhatTheManifestsReferenceAndRunAs) {
  for (const json* c : {&container(base_render(), "haguard", "webhook"),
                        &container(argocd_render(), "argocd-repo-server", "haguard")}) {
    ASSERT_TRUE(c->contains("image")) << "no haguard container rendered";
    // podman names a local image localhost/NAME:TAG.
    std::string ref = c->value("image", "");
    json tags = image_.value("RepoTags", json::array());
    EXPECT_TRUE(std::find(tags.begin(), tags.end(), ref) != tags.end() ||
                std::find(tags.begin(), tags.end(), "localhost/" + ref) != tags.end())
        << ref << " is not among the image's names " << tags.dump();
    const json& sc = c->at("securityContext");
    EXPECT_EQ(config_.value("User", ""), std::to_string(sc.value("runAsUser", -1)) + ":" +
                                             std::to_string(sc.value("runAsGroup", -1)));
    EXPECT_TRUE(sc.value("readOnlyRootFilesystem", false));
  }
  const json& webhook = container(base_render(), "haguard", "webhook");
  EXPECT_EQ(config_.value("Entrypoint", json()), webhook.value("command", json()));
  EXPECT_EQ(::access((root_ + webhook.at("command")[0].get<std::string>()).c_str(), X_OK), 0);
}

TEST_F(ImageRoot, ArgoCdFindsHaguardOnThePath) {
  // argocd-cmp-server runs plugin.yaml's commands by name, with the image's PATH.
  json env = config_.value("Env", json::array());
  EXPECT_TRUE(std::find(env.begin(), env.end(), "PATH=/usr/local/bin") != env.end()) << env.dump();
  std::string plugin = read_file(kSource + "/plugin/plugin.yaml");
  EXPECT_NE(plugin.find("command: [haguard, render]"), std::string::npos);
  EXPECT_EQ(::access((root_ + "/usr/local/bin/haguard").c_str(), X_OK), 0);
}

TEST_F(ImageRoot, HasADirectoryForEveryMount) {
  // A read-only root cannot grow a mount point; a subPath mount of a file needs its directory.
  for (const json* c : {&container(base_render(), "haguard", "webhook"),
                        &container(argocd_render(), "argocd-repo-server", "haguard")}) {
    ASSERT_TRUE(c->contains("volumeMounts"));
    for (const json& m : c->at("volumeMounts")) {
      std::string path = m.value("mountPath", "");
      if (m.contains("subPath")) path = path.substr(0, path.rfind('/'));
      EXPECT_TRUE(is_dir(path)) << c->value("name", "") << " mounts " << path
                                << ": no such directory in the image";
    }
  }
}

}  // namespace
}  // namespace haguard::manifests_test
