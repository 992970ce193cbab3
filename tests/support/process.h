#pragma once
// Programs run by tests: fork/execve with no shell, stdin fed, stdout and stderr read apart.

#include <string>
#include <vector>

namespace haguard::test {

struct ProcResult {
  int exit_code = -1;  ///< -1: killed by a signal or not started
  std::string out, err;
  double seconds = 0;
};

/// fork/execve `argv` (argv[0] an absolute path) in `cwd` with exactly `env`; no shell. Past
/// `timeout_seconds` the program is killed and the current test fails.
ProcResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       const std::string& cwd, const std::string& stdin_text = "",
                       int timeout_seconds = 120);

/// Runs argv[0] with argv in this environment and directory; stdout into `out` when given.
/// Returns the exit code (-1 for a signal).
int run_program(const std::vector<std::string>& argv, std::string* out = nullptr);

}  // namespace haguard::test
