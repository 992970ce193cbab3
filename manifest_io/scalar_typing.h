#pragma once
// What a YAML scalar means as JSON: the typing rules read_manifests documents (manifest_io.h).
// The writer asks the same question to know which strings to quote.

#include <string>

#include <nlohmann/json.hpp>

namespace haguard::manifest_io {

/// The JSON value of a plain (unquoted, untagged) scalar.
nlohmann::json resolve_plain(std::string&& s);

/// The JSON value of a scalar with yaml-cpp tag `tag` ("?" plain, "!" quoted or block, else an
/// explicit tag such as "tag:yaml.org,2002:int").
nlohmann::json resolve_scalar(const std::string& tag, std::string value);

/// Decimal digit, as the typing rules count them (no locale).
inline bool is_dec(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_hex(char c) {
  return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace haguard::manifest_io
