// parse_go_duration against Go's time.ParseDuration: the values below are what Go 1.26 returns
// (and its errors where it refuses), for the spellings kube-apiserver, Kubernetes and Argo CD
// users write and for the corners of the grammar.

#include "common/go_duration.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace haguard {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(GoDuration, AsKubeApiserverAndUsersWriteIt) {
  EXPECT_EQ(parse_go_duration("10s"), nanoseconds(seconds(10)));
  EXPECT_EQ(parse_go_duration("1m30s"), nanoseconds(seconds(90)));
  EXPECT_EQ(parse_go_duration("500ms"), nanoseconds(milliseconds(500)));
  EXPECT_EQ(parse_go_duration("720h"), nanoseconds(hours(720)));
  EXPECT_EQ(parse_go_duration("1h30m"), nanoseconds(minutes(90)));
  EXPECT_EQ(parse_go_duration("0"), nanoseconds(0));
}

TEST(GoDuration, FractionsSignsAndEveryUnit) {
  EXPECT_EQ(parse_go_duration("1.5s"), nanoseconds(milliseconds(1500)));
  EXPECT_EQ(parse_go_duration("1.5h"), nanoseconds(minutes(90)));
  EXPECT_EQ(parse_go_duration(".5s"), nanoseconds(milliseconds(500)));
  EXPECT_EQ(parse_go_duration("5.s"), nanoseconds(seconds(5)));
  EXPECT_EQ(parse_go_duration("+2m"), nanoseconds(minutes(2)));
  EXPECT_EQ(parse_go_duration("-1h2m"), -nanoseconds(minutes(62)));
  EXPECT_EQ(parse_go_duration("-0"), nanoseconds(0));
  EXPECT_EQ(parse_go_duration("0s"), nanoseconds(0));
  EXPECT_EQ(parse_go_duration("3ns"), nanoseconds(3));
  EXPECT_EQ(parse_go_duration("3us"), nanoseconds(microseconds(3)));
  EXPECT_EQ(parse_go_duration("3\xC2\xB5s"), nanoseconds(microseconds(3)));  // U+00B5
  EXPECT_EQ(parse_go_duration("3\xCE\xBCs"), nanoseconds(microseconds(3)));  // U+03BC
  EXPECT_EQ(parse_go_duration("1h1m1s1ms1us1ns"), nanoseconds(3'661'001'001'001));
  EXPECT_EQ(parse_go_duration("1.0000000001s"), nanoseconds(1'000'000'000));  // Go truncates
  EXPECT_EQ(parse_go_duration("2562047h47m16.854775807s"), nanoseconds(INT64_MAX));
  EXPECT_EQ(parse_go_duration("-2562047h47m16.854775808s"), nanoseconds(INT64_MIN));
}

TEST(GoDuration, RefusesWhatGoRefusesAndSaysWhy) {
  std::string why;
  EXPECT_FALSE(parse_go_duration("10", &why));
  EXPECT_EQ(why, "missing unit (ns, us, ms, s, m or h)");
  EXPECT_FALSE(parse_go_duration("30d", &why));
  EXPECT_EQ(why, "unknown unit \"d\" (expected ns, us, ms, s, m or h)");
  EXPECT_FALSE(parse_go_duration("2562047h47m16.854775808s", &why));
  EXPECT_EQ(why, "out of range");
  EXPECT_FALSE(parse_go_duration("99999999999999999999h", &why));
  EXPECT_EQ(why, "out of range");
  for (const char* bad : {"", "s", "-", "+", ".s", "1.2.3s", "1 s", " 1s", "1s ", "1S", "x1s",
                          "1h-1m", "--1s"})
    EXPECT_FALSE(parse_go_duration(bad)) << '"' << bad << '"';
}

}  // namespace
}  // namespace haguard
