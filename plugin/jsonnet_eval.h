#pragma once
// Jsonnet evaluation through the libjsonnet C API, bounded and confined: every program runs in a
// forked child (one thread and one VM per file) that the parent kills past the deadline; imports
// resolve only inside the repository tree. Deliberately free of nlohmann/json: the Debian
// libjsonnet exports its own copy of it, so this unit passes plain strings in and out.

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace haguard::plugin {

/// Bounds that keep one bad program from starving the sidecar.
struct JsonnetLimits {
  unsigned max_stack = 500;                       ///< jsonnet call depth (the VM's own default)
  std::size_t max_output = 64u << 20;             ///< bytes of JSON over all files
  std::chrono::milliseconds timeout{45'000};      ///< wall time for the whole evaluation
  std::size_t max_memory = std::size_t{4} << 30;  ///< address space of the child, 0 = unlimited
  unsigned max_trace = 20;                        ///< stack trace lines kept in an error
  unsigned jobs = 0;                              ///< threads; 0 = one per file, at most 8
};

using NamedValues = std::vector<std::pair<std::string, std::string>>;

struct JsonnetInputs {
  std::string root;        ///< the repository tree; imports may not leave it (absolute path)
  std::string work_dir;    ///< the app directory; file names and errors are relative to it
  std::vector<std::string> library_paths;  ///< searched in order after the importing file's dir
  std::string builtin_library;  ///< text served for `import "haguard.libsonnet"` when no file has it
  std::string helm = "helm";    ///< the helm binary helmTemplate runs (looked up on PATH without '/')
  NamedValues ext_str, ext_code, tla_str, tla_code;
};

struct JsonnetResult {
  std::string file;    ///< as given
  bool ok = false;
  std::string output;  ///< the JSON text when ok
  std::string error;   ///< the VM's message (file:line:column and trace) when not ok
};

struct JsonnetRun {
  std::vector<JsonnetResult> results;  ///< one per file, in the order given
  std::string failure;  ///< set when the run as a whole failed (deadline, crash, output bound)
};

/// Evaluates `files` (relative to inputs.work_dir or absolute inside inputs.root).
JsonnetRun evaluate_jsonnet(const std::vector<std::string>& files, const JsonnetInputs& inputs,
                            const JsonnetLimits& limits);

/// Resolves an import as the VM would, for tests: returns the path found (canonical) or sets
/// `error`. `base` is the importing file's directory.
std::string resolve_import(const JsonnetInputs& inputs, const std::string& base,
                           const std::string& rel, std::string& error);

/// The version string of the linked libjsonnet.
std::string jsonnet_library_version();

}  // namespace haguard::plugin
