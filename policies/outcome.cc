#include "policies/outcome.h"

namespace haguard {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::pass: return "pass";
    case Outcome::fail: return "fail";
    case Outcome::warn: return "warn";
    case Outcome::error: return "error";
    case Outcome::skip: return "skip";
  }
  return "error";
}

std::string_view to_string(Enforcement e) {
  switch (e) {
    case Enforcement::enforce: return "enforce";
    case Enforcement::warn: return "warn";
    case Enforcement::audit: return "audit";
    case Enforcement::off: return "off";
  }
  return "off";
}

std::optional<Enforcement> parse_enforcement(std::string_view s) {
  if (s == "enforce") return Enforcement::enforce;
  if (s == "warn") return Enforcement::warn;
  if (s == "audit") return Enforcement::audit;
  if (s == "off") return Enforcement::off;
  return std::nullopt;
}

}  // namespace haguard
