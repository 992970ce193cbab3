#pragma once
#include <optional>
#include <string>

namespace haguard::webhook {

/// The whole file (following symlinks), or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace haguard::webhook
