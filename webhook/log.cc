#include "webhook/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace haguard::webhook {

void setup_logging(std::string_view level) {
  auto logger = spdlog::stderr_logger_mt("haguard");
  // The message is the rest of a JSON object (",\"msg\":...,..."), so the line stays valid JSON.
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l"%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void log_event(spdlog::level::level_enum level, std::string_view msg, const nlohmann::json& fields) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  // The line is ,"msg":...,<fields>: the pattern supplies the braces around time and level.
  // Fields are dumped in place, not copied into a new object (every admission logs a line).
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  std::string text = ",\"msg\":" + nlohmann::json(msg).dump(-1, ' ', false, kReplace);
  if (fields.is_object() && !fields.empty()) {
    std::string rest = fields.dump(-1, ' ', false, kReplace);
    rest.front() = ',';
    rest.pop_back();
    text += rest;
  }
  spdlog::default_logger_raw()->log(level, "{}", text);
}

}  // namespace haguard::webhook
