#pragma once
// JSON-lines logging over spdlog: one object per line with time, level, msg and fields.
// Callers pass fields as JSON; object bodies and key material never go in them.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/common.h>

namespace haguard::webhook {

/// Routes spdlog's default logger to stderr as JSON lines at `level` ("info", ...).
void setup_logging(std::string_view level);

/// Logs `msg` with `fields` (a JSON object) as one line.
void log_event(spdlog::level::level_enum level, std::string_view msg,
               const nlohmann::json& fields = nlohmann::json::object());

}  // namespace haguard::webhook
