#include "webhook/log.h"

#include <charconv>
#include <cmath>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "webhook/text.h"

namespace haguard::webhook {
namespace {

constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

/// Writes ,"msg":<msg><rest> through the default logger; the pattern adds time and level.
void emit(spdlog::level::level_enum level, std::string_view msg, std::string_view rest) {
  std::string text = ",\"msg\":";
  text.reserve(text.size() + msg.size() + rest.size() + 2);
  append_json_string(text, msg);
  text += rest;
  spdlog::default_logger_raw()->log(level, "{}", text);
}

}  // namespace

void setup_logging(std::string_view level) {
  auto logger = spdlog::stderr_logger_mt("haguard");
  // The message is the rest of a JSON object (",\"msg\":...,..."), so the line stays valid JSON.
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l"%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void log_event(spdlog::level::level_enum level, std::string_view msg,
               const nlohmann::json& fields) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  // Fields are dumped in place, not copied into a new object.
  std::string rest;
  if (fields.is_object() && !fields.empty()) {
    rest = fields.dump(-1, ' ', false, kReplace);
    rest.front() = ',';
    rest.pop_back();
  }
  emit(level, msg, rest);
}

void log_line(spdlog::level::level_enum level, std::string_view msg, const LogLine& line) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  emit(level, msg, line.text());
}

void LogLine::key(std::string_view k) {
  text_ += ',';
  append_json_string(text_, k);
  text_ += ':';
}

LogLine& LogLine::str(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(text_, value);
  return *this;
}

LogLine& LogLine::flag(std::string_view k, bool value) {
  key(k);
  text_ += value ? "true" : "false";
  return *this;
}

LogLine& LogLine::number(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    text_ += "null";
    return *this;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest text that reads back
  text_.append(buf, ec == std::errc() ? end : buf);
  return *this;
}

LogLine& LogLine::list(std::string_view k, const std::vector<std::string>& values) {
  key(k);
  text_ += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) text_ += ',';
    append_json_string(text_, values[i]);
  }
  text_ += ']';
  return *this;
}

}  // namespace haguard::webhook
