#pragma once
// The harness of the `haguard check` tests: runs the built binary (fork/exec, no shell) in a fresh
// directory per test, with helpers for the inline manifests the tests write.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace haguard::check_test {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

/// A fresh directory per test, removed afterwards.
class CheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/haguard-check-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Runs haguard with `args`, `stdin_text` on its standard input; stdout and stderr captured
  /// through files (no pipes to deadlock on).
  Result haguard(const std::vector<std::string>& args, std::string_view stdin_text = {}) {
    const fs::path in = dir_ / ".stdin", out = dir_ / ".stdout", err = dir_ / ".stderr";
    spit(in, stdin_text);
    std::vector<std::string> argv_s = {HAGUARD_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      int fi = open(in.c_str(), O_RDONLY);
      int fo = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int fe = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fi < 0 || fo < 0 || fe < 0) _exit(127);
      if (!cwd_.empty() && chdir(cwd_.c_str()) != 0) _exit(127);
      dup2(fi, 0), dup2(fo, 1), dup2(fe, 2);
      execv(argv[0], argv.data());
      _exit(127);
    }
    Result r;
    int status = 0;
    if (pid > 0 && waitpid(pid, &status, 0) == pid)
      r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  /// Runs with `-o json` and parses stdout.
  json check_json(std::vector<std::string> args, int expected_code, std::string_view in = {}) {
    args.insert(args.begin(), {"check", "-o", "json"});
    Result r = haguard(args, in);
    EXPECT_EQ(r.code, expected_code) << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }

  static std::string corpus(const char* name) {
    return std::string(HAGUARD_CORPUS_DIR) + "/" + name;
  }

  fs::path dir_;
  fs::path cwd_;  ///< where haguard runs, when set
};

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::istringstream in(text); lines.emplace_back(), std::getline(in, lines.back());) {
  }
  return lines;
}

/// The findings of `report` for object `name` and rule `rule`.
inline std::vector<json> findings(const json& report, std::string_view name,
                                  std::string_view rule) {
  std::vector<json> out;
  for (const json& f : report["findings"])
    if (f["name"] == name && f["rule"] == rule) out.push_back(f);
  return out;
}

inline const char* const kDapp = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: dapp
  namespace: NS
  labels:
    app.kubernetes.io/name: dapp
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: dapp
  template:
    metadata:
      labels:
        app.kubernetes.io/name: dapp
    spec:
      containers:
      - name: dapp
        image: ghcr.io/example/dapp:1.0
        ports:
        - name: http
          containerPort: 3000
)";

inline std::string dapp_in(std::string_view ns) {
  std::string s = kDapp;
  s.replace(s.find("NS"), 2, ns);
  return s;
}

inline std::string namespace_doc(std::string_view name, std::string_view env) {
  return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + std::string(name) +
         "\n  labels:\n    haguard.dalp.io/environment: " + std::string(env) + "\n";
}

// ---------------------------------------------------------------------------------------------

}  // namespace haguard::check_test
