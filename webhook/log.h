#pragma once
// JSON-lines logging over spdlog: one object per line with time, level, msg and fields.
// Callers pass fields as JSON, or write them into a LogLine; object bodies and key material never
// go in them.

#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>
#include <nlohmann/json.hpp>

namespace haguard::webhook {

/// Routes spdlog's default logger to stderr as JSON lines at `level` ("info", ...).
void setup_logging(std::string_view level);

/// Logs `msg` with `fields` (a JSON object) as one line.
void log_event(spdlog::level::level_enum level, std::string_view msg,
               const nlohmann::json& fields = nlohmann::json::object());

/// The fields of one line written as JSON text while they are added: the per-request admission
/// line, where building a JSON object and dumping it cost more than the rest of the logging.
/// Strings are escaped as nlohmann's dump does (invalid UTF-8 replaced by U+FFFD).
class LogLine {
 public:
  LogLine& str(std::string_view key, std::string_view value);
  LogLine& flag(std::string_view key, bool value);
  LogLine& number(std::string_view key, double value);  ///< null when not finite, as nlohmann
  LogLine& list(std::string_view key, const std::vector<std::string>& values);
  /// ,"key":value,... : the rest of the line after msg.
  const std::string& text() const { return text_; }

 private:
  void key(std::string_view k);
  std::string text_;
};

/// Logs `msg` with the fields of `line`.
void log_line(spdlog::level::level_enum level, std::string_view msg, const LogLine& line);

}  // namespace haguard::webhook
