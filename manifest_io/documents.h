#pragma once
// From one parsed document to the objects of a ReadResult: what the YAML and the JSON reader
// share once a document is JSON (List expansion, the error for a non-mapping, the depth bound).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "manifest_io/manifest_io.h"

namespace haguard::manifest_io {

/// Deepest nesting of mappings and sequences a document may have, in YAML and in JSON: what reads
/// must stay shallow enough for the recursive copies, comparisons and writers downstream, and its
/// YAML must read back (yaml-cpp 0.7's depth guard gives up near 500 levels).
inline constexpr std::size_t kMaxDepth = 400;

/// The error for a document nested deeper than kMaxDepth.
std::string too_deep_message();

/// Adds `doc` (a mapping; a `*List` expanded when `options` say so) to `out`, or an error for
/// anything else. `line` is where the document starts, `item_lines` where its items do;
/// `items_pointer` is where a List's items are in the source ("" for a top-level JSON array).
void add_document(json&& doc, int line, const std::vector<int>& item_lines, std::size_t index,
                  std::string_view file, const SourceSpan& span, std::string_view items_pointer,
                  const ReadOptions& options, ReadResult& out);

}  // namespace haguard::manifest_io
