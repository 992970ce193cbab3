#include "tests/plugin/render_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace haguard::test {
namespace fs = std::filesystem;

FakeRepo::FakeRepo() {
  std::string tmpl = (fs::temp_directory_path() / "haguard-render-XXXXXX").native();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  tmp_ = fs::canonical(made).native();
  root_ = tmp_ + "/repo";
  fs::create_directories(root_ + "/.git");
}

FakeRepo::~FakeRepo() {
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void FakeRepo::copy_tree(const std::string& from, const std::string& rel) {
  fs::path dest = fs::path(root_) / rel;
  fs::create_directories(dest);
  for (const auto& e : fs::recursive_directory_iterator(from)) {
    fs::path target = dest / fs::relative(e.path(), from);
    if (e.is_directory()) {
      fs::create_directories(target);
      fs::permissions(target, fs::perms(0755));
    } else if (e.is_regular_file()) {
      fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing);
      fs::permissions(target, fs::perms(0644));  // argocd-cmp-server resets file modes
    }
  }
}

void FakeRepo::write(const std::string& rel, const std::string& text) {
  fs::path p = fs::path(root_) / rel;
  if (rel.rfind("../", 0) == 0) p = fs::path(tmp_) / rel.substr(3);
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

void FakeRepo::symlink(const std::string& target, const std::string& rel) {
  fs::path p = fs::path(root_) / rel;
  fs::create_directories(p.parent_path());
  fs::create_symlink(target, p);
}

namespace {

json scalar_to_json(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted: always a string
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex number("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, integer)) return std::stoll(s);
  if (std::regex_match(s, number)) return std::stod(s);
  return s;
}

json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& v : n) a.push_back(to_json(v));
      return a;
    }
    case YAML::NodeType::Scalar: return scalar_to_json(n);
    default: return nullptr;
  }
}

}  // namespace

std::string argocd_decoder() {
#ifdef HAGUARD_ARGOCD_DECODE
  return HAGUARD_ARGOCD_DECODE;
#else
  return "";
#endif
}

ProcResult decode_as_argocd(const std::string& stream, bool first_stage_only) {
  std::vector<std::string> argv{argocd_decoder()};
  if (first_stage_only) argv.push_back("-first-stage-only");
  return run_process(argv, {"PATH=/usr/bin:/bin"}, "/", stream);
}

std::vector<json> parse_argocd_stream(const std::string& out) {
  std::vector<json> objects;
  if (!argocd_decoder().empty()) {
    if (out.empty()) return objects;
    ProcResult r = decode_as_argocd(out, false);
    if (r.exit_code != 0) {
      ADD_FAILURE() << "Argo CD refuses the stream: " << r.err;
      return objects;
    }
    for (auto& o : json::parse(r.out)) objects.push_back(std::move(o));
    return objects;
  }
  auto first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return objects;
  if (out[first] == '[') {
    ADD_FAILURE() << "stdout is a top-level JSON array; Argo CD wants a stream of objects";
    return objects;
  }
  if (out[first] == '{') {
    std::istringstream in(out);
    while (in >> std::ws && in.peek() != EOF) {
      json j;
      in >> j;
      objects.push_back(std::move(j));
    }
    return objects;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "stdout is not a YAML stream: " << e.what();
    return objects;
  }
  for (const auto& d : docs) {
    if (d.IsNull()) continue;
    if (!d.IsMap()) {
      ADD_FAILURE() << "a YAML document is not a mapping";
      continue;
    }
    objects.push_back(to_json(d));
  }
  return objects;
}

std::map<std::string, std::string> cmp_environment(const std::string& app_path,
                                                   const json& parameters) {
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"ARGOCD_APP_NAME", "dalp"},
      {"ARGOCD_APP_NAMESPACE", "dalp-prod"},
      {"ARGOCD_APP_PROJECT_NAME", "default"},
      {"ARGOCD_APP_REVISION", "5f3c0d2a9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"},
      {"ARGOCD_APP_REVISION_SHORT", "5f3c0d2"},
      {"ARGOCD_APP_REVISION_SHORT_8", "5f3c0d2a"},
      {"ARGOCD_APP_SOURCE_PATH", app_path},
      {"ARGOCD_APP_SOURCE_REPO_URL", "https://git.example.com/dalp/deploy.git"},
      {"ARGOCD_APP_SOURCE_TARGET_REVISION", "main"},
      {"KUBE_VERSION", "1.30.4"},
      {"KUBE_API_VERSIONS", "v1,apps/v1,batch/v1,policy/v1,autoscaling/v2,networking.k8s.io/v1"},
  };
  if (!parameters.is_null()) env["ARGOCD_APP_PARAMETERS"] = parameters.dump();
  return env;
}

std::map<std::string, std::string> cmp_parameters_environment(const std::string& app_path) {
  return {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
          {"ARGOCD_APP_NAME", "dalp"},
          {"ARGOCD_APP_SOURCE_REPO_URL", "https://git.example.com/dalp/deploy.git"},
          {"ARGOCD_APP_SOURCE_PATH", app_path},
          {"ARGOCD_APP_SOURCE_TARGET_REVISION", "main"}};
}

std::vector<std::string> to_env_list(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::string haguard_binary() { return HAGUARD_BINARY; }

}  // namespace haguard::test
