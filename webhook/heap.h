#pragma once
// The process heap under large reviews. glibc's malloc raises its mmap threshold to the size of
// the first large block freed, after which every 1 MiB body, parser buffer and answer is carved
// from the heap and its pages stay with the process: 32 concurrent 1 MiB reviews left ~90 MiB
// resident. configure_heap() fixes the threshold, so large blocks are mapped and unmapped (~55
// MiB at that load, for ~15% more CPU per 1 MiB review; small reviews allocate no large blocks).
// What large reviews leave in the heap itself (the JSON of their objects) is given back by
// trim_heap_if_needed(), which the server calls on its reload timer: malloc_trim costs
// milliseconds, so never on the request path, and only after a large body.

#include <cstddef>

namespace haguard::webhook {

/// Bodies at least this large mark the heap for trimming.
inline constexpr std::size_t kLargeBodyBytes = 256 * 1024;

/// Blocks at least this large are mapped on their own (glibc's initial threshold, kept fixed).
inline constexpr std::size_t kMmapThresholdBytes = 128 * 1024;

/// Called once at start, before the server's threads.
void configure_heap();

/// Called by the request path for a body of `bytes`; cheap.
void note_body(std::size_t bytes);

/// Trims the heap if a large body came since the last call; returns whether it did.
bool trim_heap_if_needed();

}  // namespace haguard::webhook
