#pragma once
// Reading a whole file, for the doors (webhook, plugin); the engine (policies/) reads nothing.

#include <cstdio>
#include <optional>
#include <string>

namespace haguard {

/// The whole file at `path` (symlinks followed), or nullopt with `*why` (when given) saying why:
/// "cannot open: <strerror>" or "read error: <strerror>".
std::optional<std::string> read_file(const std::string& path, std::string* why = nullptr);

/// The rest of the open stream `f` (standard input, say), or nullopt on a read error.
std::optional<std::string> read_stream(std::FILE* f, std::string* why = nullptr);

}  // namespace haguard
