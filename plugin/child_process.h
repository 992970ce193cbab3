#pragma once
// Runs a program without a shell: its standard input from a string, its output and errors
// collected, both bounded. No deadline of its own: callers run inside the bounded evaluation,
// whose parent kills the whole process group at its deadline.

#include <cstddef>
#include <string>
#include <vector>

namespace haguard::plugin {

struct ProcessResult {
  bool started = false;  ///< false: `error` says why (e.g. the program is not found)
  int exit_code = -1;    ///< the exit status, or -1 when a signal ended it
  int signal = 0;        ///< the signal that ended it, 0 when it exited
  bool output_cut = false;  ///< stdout passed `max_output` and the program was stopped
  std::string out, err, error;
};

/// Runs argv[0] (looked up on PATH when it has no '/') with `argv`, writing `input` to its stdin,
/// with the hard address-space limit as its soft one (see spawn in child_process.cc).
/// stderr is kept up to 64 KiB (the rest dropped); stdout up to `max_output`.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          std::size_t max_output);

}  // namespace haguard::plugin
