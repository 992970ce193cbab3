#pragma once
// Files for tests: scratch directories, whole files read and written.

#include <string>

namespace haguard::test {

/// A fresh directory under $TMPDIR (or /tmp), named after `prefix`.
std::string make_temp_dir(const std::string& prefix);
/// The whole file, bytes as they are; empty when it cannot be read.
std::string read_file(const std::string& path);
/// Replaces the file with `text` through a rename: a reader sees the old or the new file whole.
void write_file(const std::string& path, const std::string& text);

}  // namespace haguard::test
