#pragma once
// The records the jsonnet evaluation child writes to its parent over one pipe, per result: u8 kind
// (1 ok, 0 error, 2 run failure), u32 file index, u64 length, bytes; then u8 0xFF when every
// result has been written.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/jsonnet_eval.h"

namespace haguard::plugin {

/// Writes all `n` bytes to `fd` (retrying short writes and EINTR); false on an error.
bool write_all(int fd, const void* data, std::size_t n);
/// One record: `kind`, the file's `index`, then `bytes` with their length.
bool write_record(int fd, std::uint8_t kind, std::uint32_t index, std::string_view bytes);
/// Parses the child's records in `buf` into `results` (by file index). Returns false while the
/// stream is incomplete; `done` is set at the end marker, `failure` by a run-failure record.
bool parse_records(const std::string& buf, std::vector<JsonnetResult>& results, bool& done,
                   std::string& failure);

}  // namespace haguard::plugin
