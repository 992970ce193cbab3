#pragma once
// YAML streams to JSON documents (manifest_io.h has the typing rules).

#include <string_view>

#include "manifest_io/manifest_io.h"

namespace haguard::manifest_io {

/// Reads the YAML stream `text` named `file` into `out`: one document (or error) per document of
/// the stream, its objects added as add_document (documents.h) does.
void read_yaml(std::string_view text, std::string_view file, const ReadOptions& options,
               ReadResult& out);

}  // namespace haguard::manifest_io
