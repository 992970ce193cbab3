#include "webhook/heap.h"

#include <malloc.h>

#include <atomic>

namespace haguard::webhook {
namespace {

std::atomic<bool> large_body_seen{false};

}  // namespace

void configure_heap() {
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThresholdBytes));
}

void note_body(std::size_t bytes) {
  if (bytes >= kLargeBodyBytes) large_body_seen.store(true, std::memory_order_relaxed);
}

bool trim_heap_if_needed() {
  if (!large_body_seen.exchange(false, std::memory_order_relaxed)) return false;
  malloc_trim(0);
  return true;
}

}  // namespace haguard::webhook
