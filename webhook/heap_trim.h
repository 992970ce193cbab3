#pragma once
// Giving the memory of large reviews back to the system. glibc keeps the pages that the JSON of a
// burst of 1 MiB reviews freed (tens of MiB, held for good); malloc_trim returns them but costs
// milliseconds, so the server calls it on its reload timer, and only after a large body: never on
// the request path, never while only small reviews come in.

#include <cstddef>

namespace haguard::webhook {

/// Bodies at least this large mark the heap for trimming.
inline constexpr std::size_t kLargeBodyBytes = 256 * 1024;

/// Called by the request path for a body of `bytes`; cheap.
void note_body(std::size_t bytes);

/// Trims the heap if a large body came since the last call; returns whether it did.
bool trim_heap_if_needed();

}  // namespace haguard::webhook
