#pragma once
// ARGOCD_APP_PARAMETERS: the JSON array argocd-cmp-server passes to a plugin, one entry per
// parameter the Application sets: {"name": n, "string": s} | {"name": n, "array": [..]} |
// {"name": n, "map": {..}}. Announced defaults are never sent; only what the spec sets.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haguard::plugin {

struct AppParameter {
  std::string name;
  std::optional<std::string> string;
  std::optional<std::vector<std::string>> array;
  std::optional<std::map<std::string, std::string>> map;
};

struct AppParameters {
  std::vector<AppParameter> items;
  const AppParameter* find(std::string_view name) const;
};

struct AppParametersParse {
  AppParameters parameters;
  std::string error;  ///< "ARGOCD_APP_PARAMETERS: <what>"; never quotes a value
};

/// Parses the variable's text; empty text is no parameters. Non-string items in arrays and maps
/// are an error; a parameter named twice is an error.
AppParametersParse parse_app_parameters(std::string_view text);

}  // namespace haguard::plugin
