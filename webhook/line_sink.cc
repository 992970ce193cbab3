#include "webhook/line_sink.h"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <ctime>
#include <mutex>
#include <string>

namespace haguard::webhook {
namespace {

void append_digits(std::string& out, long value, int width) {
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;
  out.append(static_cast<std::size_t>(std::max<long>(0, width - (end - buf))), '0');
  out.append(buf, end);
}

/// Writes all of `text`; a failed write (closed stderr) loses the line, as any logger would.
void write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

void append_utc_time(std::string& out, spdlog::log_clock::time_point t) {
  using namespace std::chrono;
  const auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000 - (us % 1000000 < 0));
  // gmtime_r once per second and thread: the date part repeats for every line in that second.
  thread_local std::time_t cached_secs = -1;
  thread_local char cached[24];
  if (secs != cached_secs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_secs = secs;
  }
  out += cached;
  out += '.';
  append_digits(out, static_cast<long>(us - static_cast<long long>(secs) * 1000000), 6);
  out += 'Z';
}

void JsonLineSink::log(const spdlog::details::log_msg& msg) {
  thread_local std::string line;
  line.assign("{\"time\":\"");
  append_utc_time(line, msg.time);
  line += "\",\"level\":\"";
  const auto level = spdlog::level::to_string_view(msg.level);
  line.append(level.data(), level.size());
  line += '"';
  line.append(msg.payload.data(), msg.payload.size());
  line += "}\n";
  if (line.size() <= PIPE_BUF) {
    std::shared_lock lock(long_lines_);
    write_all(fd_, line);
  } else {
    std::unique_lock lock(long_lines_);
    write_all(fd_, line);
  }
  if (line.capacity() > 64 * 1024) line = std::string();  // keep no long line's buffer
}

}  // namespace haguard::webhook
