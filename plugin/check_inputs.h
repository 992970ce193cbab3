#pragma once
// What `haguard check` reads: its arguments expanded into files, each named the same however it
// was spelled (relative to a root directory when inside it, else absolute), and their text.

#include <filesystem>
#include <string>
#include <vector>

#include "manifest_io/manifest_io.h"

namespace haguard::plugin {

/// The name standard input has in every report. A file called "-" is named "./-".
inline constexpr std::string_view kStdinName = "-";

/// Names inputs for reports: "dir/x.yaml" for ./dir/x.yaml, dir//x.yaml and /root/dir/x.yaml
/// alike; absolute (lexically normal) outside the root.
class InputNamer {
 public:
  /// `root` may be relative (to the working directory).
  explicit InputNamer(const std::filesystem::path& root);
  /// The name of command-line path `path` ("-": standard input).
  std::string name(const std::string& path) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;  ///< absolute, lexically normal
};

/// One file to read.
struct InputFile {
  std::string path;         ///< to open ("-": standard input)
  std::string name;         ///< in reports
  std::string text;         ///< filled by read_inputs
  bool unreadable = false;  ///< read_inputs could not read it (an error says why)
};

struct CheckInputs {
  std::vector<InputFile> files;        ///< each file once, in argument order, directories sorted
  std::vector<std::string> arguments;  ///< each argument's name
  /// Per argument, indexes into `files` of what it named (a file named twice is listed twice).
  std::vector<std::vector<std::size_t>> argument_files;
  std::vector<ManifestError> errors;  ///< unreadable arguments and files (line 0)
};

/// Expands `args`: "-" and files as given, directories walked recursively (.yaml, .yml, .json
/// only, sorted by name). A file met twice is read once.
CheckInputs expand_inputs(const std::vector<std::string>& args, const InputNamer& namer);

/// Reads every file's text; a file that cannot be read becomes an error.
void read_inputs(CheckInputs& inputs);

}  // namespace haguard::plugin
