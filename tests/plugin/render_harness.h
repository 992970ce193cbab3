#pragma once
// Runs `haguard` the way argocd-cmp-server does: a fresh copy of the repository in a temp dir
// (file modes reset), the working directory at the app path, an exact environment, fork/execve
// with no shell; and reads stdout by the rules Argo CD applies (YAML stream, or a JSON stream
// when it starts with `{`).

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/files.h"
#include "tests/support/process.h"

namespace haguard::test {

using json = nlohmann::json;

/// A throwaway repository: <tmp>/repo with a .git directory; removed on destruction.
class FakeRepo {
 public:
  FakeRepo();
  ~FakeRepo();
  FakeRepo(const FakeRepo&) = delete;
  FakeRepo& operator=(const FakeRepo&) = delete;

  const std::string& root() const { return root_; }
  /// The directory that holds root(): outside the tree.
  const std::string& outside() const { return tmp_; }
  /// Copies directory `from` to root()/rel, files 0644 and directories 0755.
  void copy_tree(const std::string& from, const std::string& rel);
  void write(const std::string& rel, const std::string& text);
  void symlink(const std::string& target, const std::string& rel);

 private:
  std::string tmp_, root_;
};

/// The Go tool that decodes a stream as Argo CD does (tests/tools/argocd_yaml_decode), or "" when
/// the build has none.
std::string argocd_decoder();

/// Runs that tool on `stream`: Argo CD's two decoding stages, or with `first_stage_only` the
/// YAML-to-JSON split alone (as kubectl reads a file). out is a JSON array of the objects.
ProcResult decode_as_argocd(const std::string& stream, bool first_stage_only);

/// Parses `haguard render` stdout as Argo CD does (through argocd_decoder() when the build has
/// it). Fails the current test on a stream Argo CD would refuse.
std::vector<json> parse_argocd_stream(const std::string& out);

/// The environment argocd-cmp-server gives `generate` for an app at `app_path` in the repo.
std::map<std::string, std::string> cmp_environment(const std::string& app_path,
                                                   const json& parameters = nullptr);

/// The environment the repo-server gives the dynamic parameters command (populatePluginAppDetails):
/// no destination namespace, no revision, no Kubernetes version; plugin env added by the caller.
std::map<std::string, std::string> cmp_parameters_environment(const std::string& app_path);

std::vector<std::string> to_env_list(const std::map<std::string, std::string>& env);

/// Path of the built haguard binary.
std::string haguard_binary();

}  // namespace haguard::test
