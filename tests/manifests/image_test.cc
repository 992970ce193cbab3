// The Dockerfile, linted without a container engine (docker build cannot run here): the stages
// the issue asks for, runtime packages that exist in bookworm and cover every library the built
// binaries link, and the paths the manifests run.

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

/// Packages named by `apt-get install` in a stage.
std::set<std::string> installed_packages(const Stage& s) {
  std::set<std::string> out;
  for (const std::string& inst : s.instructions) {
    auto at = inst.find("apt-get install");
    if (at == std::string::npos) continue;
    std::istringstream words(inst.substr(at + 15));
    std::string w;
    while (words >> w) {
      if (w == "&&" || w == ";") break;
      if (w[0] == '-') continue;
      out.insert(w);
    }
  }
  return out;
}

bool stage_has(const Stage& s, const std::string& text) {
  for (const std::string& i : s.instructions)
    if (i.find(text) != std::string::npos) return true;
  return false;
}

TEST(Dockerfile, BuildsOnBookwormAndRunsAsNonRoot) {
  std::vector<Stage> s = stages();
  ASSERT_GE(s.size(), 2u);
  const Stage& build = s.front();
  const Stage& runtime = s.back();
  EXPECT_EQ(build.from.rfind("debian:bookworm", 0), 0u) << build.from;
  EXPECT_TRUE(stage_has(build, "scripts/install-deps"));
  EXPECT_TRUE(stage_has(build, "cmake"));
  EXPECT_EQ(runtime.from.rfind("debian:bookworm", 0), 0u) << runtime.from;
  EXPECT_TRUE(stage_has(runtime, "COPY --from="));
  EXPECT_TRUE(stage_has(runtime, "USER 999"));
  // The manifests run these paths: the Deployment's command, and `haguard` on PATH for
  // argocd-cmp-server (plugin.yaml's generate command).
  EXPECT_TRUE(stage_has(build, "/out/usr/local/bin/haguard-webhook"));
  EXPECT_TRUE(stage_has(build, "/out/usr/local/bin/haguard "));
  EXPECT_NE(read_file(kSource + "/manifests/base/deployment.yaml")
                .find("command: [/usr/local/bin/haguard-webhook]"),
            std::string::npos);
}

TEST(Dockerfile, RuntimeHasLibrariesOnlyAndEveryOneExists) {
  std::set<std::string> runtime = installed_packages(stages().back());
  ASSERT_FALSE(runtime.empty());
  for (const std::string& p : runtime) {
    EXPECT_EQ(p.find("-dev"), std::string::npos) << p << ": no headers at run time";
    EXPECT_TRUE(p != "build-essential" && p != "cmake" && p != "g++" && p != "gcc") << p;
  }
  if (!have("apt-cache")) GTEST_SKIP() << "apt-cache not available (not Debian)";
  for (const std::string& p : runtime) {
    CommandResult c = run("apt-cache show --no-all-versions " + quote(p) + " >/dev/null");
    EXPECT_EQ(c.status, 0) << "no package " << p << " in this machine's bookworm lists: " << c.out;
  }
}

TEST(Dockerfile, RuntimePackagesCoverWhatTheBinariesLink) {
  if (!have("ldd") || !have("dpkg")) GTEST_SKIP() << "ldd or dpkg not available";
  std::set<std::string> available = installed_packages(stages().back());
  // In debian:bookworm-slim already (apt itself needs them).
  available.insert({"libc6", "libgcc-s1", "libstdc++6"});
#if HAGUARD_SANITIZED
  // The image is built without sanitizers; this build's binaries also link their runtimes.
  available.insert({"libasan8", "libubsan1"});
#endif
  for (const char* bin : {HAGUARD_BINARY, HAGUARD_WEBHOOK_BIN}) {
    CommandResult l = run("ldd " + quote(bin), false);
    ASSERT_EQ(l.status, 0) << bin;
    std::istringstream lines(l.out);
    std::string line;
    static const std::regex lib(R"(=>\s+(/\S+))");
    while (std::getline(lines, line)) {
      EXPECT_EQ(line.find("not found"), std::string::npos) << bin << ": " << line;
      std::smatch m;
      if (!std::regex_search(line, m, lib)) continue;
      // dpkg knows a file by the path its package ships; with merged /usr that may be the
      // /lib or the /usr/lib spelling of what ldd printed or of its resolved target.
      std::string quoted = quote(m[1]);
      CommandResult owner = run(
          "for c in " + quoted + " \"$(readlink -f " + quoted + ")\"; do "
          "for p in \"$c\" \"${c#/usr}\" \"/usr$c\"; do "
          "o=$(dpkg -S \"$p\" 2>/dev/null) && { echo \"$o\" | head -n1; exit 0; }; "
          "done; done; exit 1",
          false);
      ASSERT_EQ(owner.status, 0) << m[1] << " belongs to no Debian package";
      std::string pkg = owner.out.substr(0, owner.out.find(':'));
      EXPECT_TRUE(available.count(pkg))
          << bin << " links " << m[1] << " from " << pkg << ", not in the runtime stage";
    }
  }
}

TEST(Dockerfile, ContextLeavesOutKeysAndBuildTrees) {
  std::string ignore = read_file(kSource + "/.dockerignore");
  for (const char* p : {"certs/out", "manifests/dev/certs", ".git", "build"})
    EXPECT_NE(ignore.find(p), std::string::npos) << p;
}

}  // namespace
}  // namespace haguard::manifests_test
