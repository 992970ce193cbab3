#pragma once
// Text as Go and go-jsonnet write it, for the manifest writers (jsonnet_manifest.cc): JSON and
// jsonnet string escapes, Go's shortest number form, and which YAML keys may go unquoted.

#include <cstdint>
#include <string>
#include <string_view>

namespace haguard::plugin {

/// Appends code point `c` as UTF-8.
void append_utf8(std::string& out, std::uint32_t c);

/// `s` as Go's encoding/json carries it: each byte of a malformed UTF-8 sequence becomes U+FFFD.
std::string go_json_utf8(std::string_view s);

/// Go's base64.StdEncoding.DecodeString (padding required; "\r" and "\n" skipped) into `out`;
/// false on text that is not base64.
bool decode_base64(std::string_view text, std::string& out);

/// Go's encoding/json string form (SetEscapeHTML(false), Go >= 1.22): what manifestJsonEx writes.
void append_go_json_string(std::string& out, std::string_view s);

/// go-jsonnet's unparseString / escapeStringJson: what manifestYamlDoc writes.
void append_jsonnet_string(std::string& out, std::string_view s);

/// strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back, without an exponent.
void append_go_number(std::string& out, double v);

/// go-jsonnet's yamlBareSafe: whether a key may be written without quotes.
bool yaml_bare_safe(std::string_view s);

}  // namespace haguard::plugin
