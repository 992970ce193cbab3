// read_file and read_stream: whole contents byte for byte, and a reason when they cannot.

#include "common/file_reading.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

namespace haguard {
namespace {

namespace fs = std::filesystem;

TEST(FileReading, WholeFileByteForByte) {
  const fs::path p = fs::temp_directory_path() / ("haguard-read-" + std::to_string(::getpid()));
  std::string bytes(200'000, 'x');  // more than one read buffer
  bytes[0] = '\0';
  bytes[100'000] = '\r';
  std::ofstream(p, std::ios::binary) << bytes;
  std::string why;
  auto text = read_file(p.string(), &why);
  fs::remove(p);
  ASSERT_TRUE(text) << why;
  EXPECT_EQ(*text, bytes);
  EXPECT_EQ(read_file("/dev/null"), std::string());
}

TEST(FileReading, SaysWhyItCannot) {
  std::string why;
  EXPECT_FALSE(read_file("/nonexistent/haguard/policy.yaml", &why));
  EXPECT_EQ(why, "cannot open: No such file or directory");
  EXPECT_FALSE(read_file(fs::temp_directory_path().string(), &why));  // a directory
  EXPECT_EQ(why, "read error: Is a directory");
}

TEST(FileReading, TheRestOfAStream) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  std::fputs("kind: x\n", f);
  std::rewind(f);
  EXPECT_EQ(read_stream(f), "kind: x\n");
  std::fclose(f);
}

}  // namespace
}  // namespace haguard
