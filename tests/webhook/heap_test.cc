#include "webhook/heap.h"

#include <malloc.h>

#include <cstdlib>

#include <gtest/gtest.h>

namespace haguard::webhook {
namespace {

/// Keeps the compiler from eliding a malloc/free pair whose block is never used.
void* kept(void* p) {
  asm volatile("" : : "r"(p) : "memory");
  return p;
}

TEST(HeapTrim, OnlyAfterALargeBodyAndOncePerLargeBody) {
  (void)trim_heap_if_needed();  // whatever an earlier test left
  EXPECT_FALSE(trim_heap_if_needed());
  note_body(1500);
  note_body(kLargeBodyBytes - 1);
  EXPECT_FALSE(trim_heap_if_needed()) << "small bodies never cost a trim";
  note_body(kLargeBodyBytes);
  note_body(4 * kLargeBodyBytes);
  EXPECT_TRUE(trim_heap_if_needed());
  EXPECT_FALSE(trim_heap_if_needed()) << "one trim covers every large body before it";
}

TEST(ConfigureHeap, LargeBlocksStayMappedAfterOneIsFreed) {
  if (HAGUARD_SANITIZED) GTEST_SKIP() << "the sanitizer's allocator replaces glibc's malloc";
  configure_heap();
  // glibc's dynamic threshold would rise to 1 MiB when the first block is freed, and the second
  // would come from the heap; fixed, both are mappings of their own.
  void* first = kept(std::malloc(1 << 20));
  ASSERT_NE(first, nullptr);
  std::free(first);
  const auto before = mallinfo2().hblks;
  void* second = kept(std::malloc(1 << 20));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(mallinfo2().hblks, before + 1);
  std::free(second);
  EXPECT_EQ(mallinfo2().hblks, before);
}

}  // namespace
}  // namespace haguard::webhook
