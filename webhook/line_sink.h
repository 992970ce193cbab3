#pragma once
// An spdlog sink that writes each record as one JSON line with a single write(2) and no lock
// shared between threads for lines up to PIPE_BUF bytes.
//
// Written by hand: spdlog's stderr sinks hold one process-wide mutex across format and write, so
// the I/O threads queued behind each other's admission line (a futex wait and wake for most
// requests under load), and its pattern formatter is not safe to share without that mutex.
// A write of at most PIPE_BUF bytes to a pipe is atomic (POSIX), which is what a container's
// stderr is; longer lines take the lock exclusively so nothing lands inside them.

#include <memory>
#include <shared_mutex>

#include <spdlog/sinks/sink.h>

namespace haguard::webhook {

class JsonLineSink final : public spdlog::sinks::sink {
 public:
  /// Writes to `fd` (not owned). Records' payloads are the rest of a JSON object after the
  /// level (",\"msg\":..."): the line is {"time":"<UTC, µs>Z","level":"<name>"<payload>}.
  explicit JsonLineSink(int fd) : fd_(fd) {}

  void log(const spdlog::details::log_msg& msg) override;
  void flush() override {}                          // nothing is buffered
  void set_pattern(const std::string&) override {}  // the format is fixed
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

 private:
  int fd_;
  std::shared_mutex long_lines_;  ///< shared for atomic writes, exclusive for longer ones
};

/// Appends "2026-11-26T11:10:25.123456Z" for `t`.
void append_utc_time(std::string& out, spdlog::log_clock::time_point t);

}  // namespace haguard::webhook
