#pragma once
// Manifest streams in and out: YAML streams (one or many documents), JSON documents, JSON streams
// and `kind: List` (what `kubectl get -o json` prints). Every object keeps the file, the document
// index and the line it came from, so findings can point back at the source. `check`, `render`
// and `fn` all read through here, so a manifest means the same to each of them.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace haguard {

using json = nlohmann::json;

/// Where a document's text lies in the file it was read from, so that a JSON pointer into the
/// object can be found again as a line and column (plugin/source_location.h).
struct SourceSpan {
  std::size_t begin = 0;     ///< byte offset of the text that was parsed for this document
  std::size_t end = 0;       ///< one past its last byte
  int first_line = 1;        ///< 1-based line of `begin`
  std::size_t document = 0;  ///< which YAML document of that text (`...` can end one early)
  std::string prefix;        ///< JSON pointer of the object in that document ("/items/3" for a
                             ///< List item, "/3" for an element of a top-level JSON array)
};

/// One object read from a manifest stream.
struct Document {
  std::string file;        ///< as given ("-" for stdin)
  std::size_t index = 0;   ///< 0-based document index within the file
  int line = 0;            ///< 1-based line where the document (or List item) starts
  json object;
  SourceSpan source;       ///< offsets into the text given to read_manifests
};

/// A document that could not be read; nothing is skipped silently.
struct ManifestError {
  std::string file;
  std::size_t index = 0;
  int line = 0;
  std::string message;
  int column = 0;  ///< 1-based, 0 when unknown
  std::string describe() const;  ///< "<file>: document <i> (line <l>): <message>"
};

struct ReadResult {
  std::vector<Document> documents;
  std::vector<ManifestError> errors;  ///< malformed documents; nothing is skipped silently
};

struct ReadOptions {
  /// Replace a `*List` document (`kind: List`, `kind: PodList`, a top-level JSON array) by its
  /// items. Off for a reader of one envelope whose items it handles itself (a KRM ResourceList).
  bool expand_lists = true;
};

/// Parses `text` (YAML stream or JSON) named `file`. Empty documents are dropped; a document that
/// is not a mapping is an error; `kind: List` items are expanded in place (each keeps the List's
/// document index and its own line) unless `options` say otherwise.
///
/// Plain scalars are typed as sigs.k8s.io/yaml reads manifests, with the YAML 1.2 core schema
/// where YAML 1.1 surprises people:
///   null: "", ~, null, Null, NULL          bool: true/True/TRUE, false/False/FALSE
///   int: [-+]?[0-9]+ without a leading zero ("0755" stays a string), 0x.., 0o..
///   float: [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?, again without a leading zero
///   yes/no/on/off/y/n stay strings; .inf and .nan stay strings (JSON cannot hold them), and so
///   do numbers beyond a double's range ("1e999"), as Go's strconv makes them.
/// Quoted and block scalars are strings; `!!int`, `!!float`, `!!bool`, `!!null` type a scalar
/// that reads as that type, `!!str` keeps it a string; merge keys (`<<`) are expanded.
ReadResult read_manifests(std::string_view text, std::string_view file, ReadOptions options = {});

/// Writes objects as a deterministic YAML stream ("---" between documents, keys in the JSON
/// object's order, strings quoted where YAML would read them as another type).
std::string write_yaml_stream(const std::vector<json>& objects);

/// Writes objects as a JSON stream, one compact object per line, with DEL, C1 controls, U+2028,
/// U+2029, U+FEFF, U+FFFE and U+FFFF as \u escapes, so that a YAML reader of the JSON text reads
/// the same strings.
std::string write_json_stream(const std::vector<json>& objects);

/// Whether a string in `v` (key or value) holds a character that Argo CD cannot take through a
/// YAML stream: DEL, a C1 control (NEL included), U+FFFE or U+FFFF. Escaping them in YAML is not
/// enough there, because the repo-server decodes the JSON that argocd-cmp-server made of each
/// YAML document again as YAML, with the character raw (refused, or NEL folded into a space); a
/// JSON stream keeps the \u escapes to that point.
bool yaml_reread_refuses(const json& v);

}  // namespace haguard
