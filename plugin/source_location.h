#pragma once
// Finds where a JSON pointer into a read document is in the source text: the line and column of
// the field, or of the nearest enclosing field or item that exists (a missing livenessProbe is
// reported at its container). The document's text is parsed again, only for objects that have
// findings, so reading stays as fast for everyone else.

#include <string>
#include <string_view>
#include <vector>

#include "manifest_io/manifest_io.h"

namespace haguard::plugin {

/// A place in a file: 1-based line, and 1-based column counted in Unicode code points.
struct SourcePosition {
  int line = 0;
  int column = 0;
};

/// A JSON pointer into one read document.
struct LocateQuery {
  const Document* document = nullptr;
  std::string pointer;  ///< "" for the object itself
};

/// The position of each query in `text`, the whole text that read_manifests read the documents
/// from: of the field the pointer names, or of its deepest enclosing field or item that exists in
/// the source (a field that is missing, or that came from a YAML alias or merge key). Each
/// document's text is parsed once for all its queries; a document that cannot be parsed again
/// falls back on the line where it starts.
std::vector<SourcePosition> locate(std::string_view text, const std::vector<LocateQuery>& queries);

}  // namespace haguard::plugin
