#pragma once
// JSON documents and JSON streams (several values one after another, as `kubectl get -o json`
// of several resources or a log of objects prints them).

#include <string_view>

#include "manifest_io/manifest_io.h"

namespace haguard::manifest_io {

/// Reads the JSON values of `text` named `file` into `out`, each cut by bracket matching and
/// parsed by nlohmann; a top-level array is read as a List of its elements.
void read_json(std::string_view text, std::string_view file, const ReadOptions& options,
               ReadResult& out);

}  // namespace haguard::manifest_io
