#pragma once
// std.manifestJsonEx, std.manifestYamlDoc and std.manifestYamlStream as go-jsonnet writes them,
// byte for byte, in C++: libjsonnet 0.18 runs its jsonnet versions at ~19 KB/s. The input is the
// VM's own one-line JSON of the value (std.toString), which the VM writes in C++ quickly; numbers
// in it carry 17 significant digits, so they read back to the exact double.

#include <string>
#include <string_view>

namespace haguard::plugin {

/// The options of std.manifestYamlDoc / manifestYamlStream.
struct YamlManifestOptions {
  bool indent_array_in_object = false;
  bool quote_keys = true;
  bool c_document_end = true;  ///< stream only: end with "..."
};

/// go-jsonnet's std.manifestJsonEx(value, indent, newline, key_val_sep), where `json` is the VM's
/// JSON of `[value]` (wrapped, so that a string value is JSON too); false with `error` set when
/// `json` is not that.
bool manifest_json_ex(std::string_view json, std::string_view indent, std::string_view newline,
                      std::string_view key_val_sep, std::string& out, std::string& error);

/// go-jsonnet's std.manifestYamlDoc(value, indent_array_in_object, quote_keys); `json` as above.
bool manifest_yaml_doc(std::string_view json, const YamlManifestOptions& options, std::string& out,
                       std::string& error);

/// go-jsonnet's std.manifestYamlStream(value, ...); `json` is the VM's JSON of the array `value`.
bool manifest_yaml_stream(std::string_view json, const YamlManifestOptions& options,
                          std::string& out, std::string& error);

}  // namespace haguard::plugin
