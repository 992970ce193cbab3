#pragma once
// haguard's std on libjsonnet 0.18 (go-jsonnet's functions; plugin/jsonnet_std.libsonnet): the
// line-1 prefix that gives every evaluated file that std, and notes for what 0.18 cannot parse.

#include <string>
#include <string_view>

namespace haguard::plugin {

/// The import path in the prefix, served from the embedded library rather than a file.
inline constexpr std::string_view kStdImport = "<haguard>/std";
/// The name errors and traces show for the embedded library.
inline constexpr const char* kStdFoundHere = "<haguard>/std.libsonnet";
/// The text of plugin/jsonnet_std.libsonnet, embedded at build time.
extern const std::string_view kJsonnetStdText;

/// Whether an imported file is jsonnet code that gets the prefix. 0.18's import callback serves
/// `import` and `importstr` alike, so data files (.json, .yaml, text) stay untouched.
bool takes_std_prefix(std::string_view path);

/// `text` with the prefix on its first line (no newline added: line numbers stay the user's).
std::string with_std_prefix(std::string_view text);

/// Appends a plain note to `error` where `text` uses syntax 0.18 lacks (importbin), naming the
/// engine version.
void explain_engine_limits(std::string_view text, std::string& error);

}  // namespace haguard::plugin
