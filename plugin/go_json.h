#pragma once
// JSON text read as Go's encoding/json reads it into an interface{} (what Tanka's natives do):
// strict RFC 8259, numbers as float64, the last of duplicate keys wins, invalid UTF-8 and lone
// surrogates become U+FFFD; and json.Indent, which re-spaces the text but keeps every token as
// written. One scanner serves both because Indent must not re-encode what it reformats.

#include <string>
#include <string_view>
#include <vector>

namespace haguard::plugin {

/// A decoded JSON value.
struct GoJson {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = kNull;
  bool boolean = false;
  double number = 0;
  std::string text;               ///< kString
  std::vector<std::string> keys;  ///< kObject: distinct keys, in byte order
  std::vector<GoJson> items;      ///< kArray: the items; kObject: the value of each key
};

/// json.Unmarshal(text, &v): false with `error` (Go's wording, with the byte offset) when `text`
/// is not one JSON value.
bool parse_go_json(std::string_view text, GoJson& out, std::string& error);

/// json.Indent(&out, text, "", indent) after bytes.TrimSpace: one item or field per line,
/// `indent` repeated per level, ": " after keys; false with `error` when `text` is not JSON.
bool indent_go_json(std::string_view text, std::string_view indent, std::string& out,
                    std::string& error);

}  // namespace haguard::plugin
