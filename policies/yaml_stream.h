#pragma once
// Cuts a YAML stream into its documents by their marker lines, so that each document is read by
// one YAML::Load. yaml-cpp 0.7's YAML::LoadAll returns empty documents forever on a ',' outside a
// flow collection (jbeder/yaml-cpp#1040); a document marker at column 0 always ends a document in
// YAML 1.2 (it may not appear inside content), so cutting there never splits a document.

#include <cstddef>
#include <string_view>
#include <vector>

namespace haguard {

/// One document of a stream: text [begin, end), starting at 0-based line `line`.
struct YamlPiece {
  std::size_t begin, end;
  int line;
};

/// The documents of `text`: a piece starts at a `---` line that follows content and ends after a
/// `...` line. Stretches of blank lines, comments and directives only make no piece; a `---` line
/// counts as content (`---` alone is an empty document, YAML::Load reads it as null).
std::vector<YamlPiece> cut_yaml_stream(std::string_view text);

/// The 0-based line in `piece` (one piece of cut_yaml_stream) of a second document the parser
/// finds there, which only a ',' outside a flow collection makes: yaml-cpp 0.7 stops at it and
/// YAML::Load returns null for the piece without a word (jbeder/yaml-cpp#1040). -1 when there is
/// none. Call it for a piece YAML::Load read as null.
int stray_token_line(std::string_view piece);

}  // namespace haguard
