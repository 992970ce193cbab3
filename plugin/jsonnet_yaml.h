#pragma once
// std.parseYaml as go-jsonnet decodes YAML (Argo CD's and Tanka's engine): the text is cut into
// documents at `---` lines, each document is read as go-yaml v2 reads it (YAML 1.1 scalars:
// quoted text stays a string, `yes`/`on` are booleans, `~`/`null` are null, merge keys apply),
// converted to JSON as sigs.k8s.io/yaml does (non-string keys become strings), and every number
// becomes a double. Input with a `---` line is a stream: an array of its documents.

#include <string>
#include <string_view>

extern "C" {
struct JsonnetVm;
struct JsonnetJsonValue;
}

namespace haguard::plugin {

/// Decodes `text` into a value owned by `vm`'s native-callback interface; nullptr with `error`
/// set (one line, with the YAML line number where the parser gives one) when it cannot.
JsonnetJsonValue* parse_yaml_like_go(JsonnetVm* vm, std::string_view text, std::string& error);

/// As parse_yaml_like_go, but always an array of the documents ([] for none), as Tanka's
/// parseYaml returns them.
JsonnetJsonValue* parse_yaml_documents(JsonnetVm* vm, std::string_view text, std::string& error);

}  // namespace haguard::plugin
