#include "webhook/heap_trim.h"

#include <gtest/gtest.h>

namespace haguard::webhook {
namespace {

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

}  // namespace
}  // namespace haguard::webhook
