// JsonLineSink: one JSON object per line, lines from many threads never mixed, long ones included.

#include "webhook/line_sink.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <nlohmann/json.hpp>

namespace haguard::webhook {
namespace {

/// A pipe whose read end is drained on a thread while the test writes: a real container's stderr.
class DrainedPipe {
 public:
  DrainedPipe() {
    EXPECT_EQ(::pipe(fds_), 0);
    reader_ = std::thread([this] {
      char buf[65536];
      for (;;) {
        const ssize_t n = ::read(fds_[0], buf, sizeof buf);
        if (n <= 0) return;
        text_.append(buf, static_cast<std::size_t>(n));
      }
    });
  }
  int fd() const { return fds_[1]; }
  /// Closes the write end and returns everything written.
  std::string finish() {
    ::close(fds_[1]);
    reader_.join();
    ::close(fds_[0]);
    return text_;
  }

 private:
  int fds_[2] = {-1, -1};
  std::thread reader_;
  std::string text_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(JsonLineSink, WritesTimeLevelAndPayloadAsOneObject) {
  DrainedPipe pipe;
  spdlog::logger logger("t", std::make_shared<JsonLineSink>(pipe.fd()));
  logger.warn(spdlog::string_view_t(R"(,"msg":"hello","n":1)"));
  const std::string text = pipe.finish();
  ASSERT_EQ(text.back(), '\n');
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["msg"], "hello");
  EXPECT_EQ(j["n"], 1);
  const std::string time = j["time"];
  ASSERT_EQ(time.size(), 27u) << time;  // 2026-11-26T11:10:25.123456Z
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
}

TEST(JsonLineSink, FormatsTheTimeInUtcWithMicroseconds) {
  std::string out;
  // 2001-09-09T01:46:40Z is 1,000,000,000 s after the epoch.
  append_utc_time(out, spdlog::log_clock::time_point(std::chrono::microseconds(1000000000000007)));
  EXPECT_EQ(out, "2001-09-09T01:46:40.000007Z");
  out.clear();
  append_utc_time(out, spdlog::log_clock::time_point(std::chrono::microseconds(1000000001999999)));
  EXPECT_EQ(out, "2001-09-09T01:46:41.999999Z") << "the cached second moved on";
}

TEST(JsonLineSink, LinesFromManyThreadsStayWholeLongOnesToo) {
  DrainedPipe pipe;
  spdlog::logger logger("t", std::make_shared<JsonLineSink>(pipe.fd()));
  constexpr int kThreads = 4, kLines = 2000;
  const std::string long_value(3 * PIPE_BUF, 'x');  // longer than an atomic pipe write
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) {
        const std::string value = (i % 100 == 0) ? long_value : std::to_string(i);
        const std::string payload =
            ",\"msg\":\"m\",\"thread\":" + std::to_string(t) + ",\"v\":\"" + value + "\"";
        logger.info(spdlog::string_view_t(payload));
      }
    });
  for (auto& t : threads) t.join();
  const std::vector<std::string> lines = lines_of(pipe.finish());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  std::vector<int> seen(kThreads, 0);
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line.substr(0, 200);
    ++seen.at(j["thread"].get<int>());
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(seen[t], kLines);
}

}  // namespace
}  // namespace haguard::webhook
