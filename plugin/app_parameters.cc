#include "plugin/app_parameters.h"

#include <nlohmann/json.hpp>

namespace haguard::plugin {

const AppParameter* AppParameters::find(std::string_view name) const {
  for (const auto& p : items)
    if (p.name == name) return &p;
  return nullptr;
}

AppParametersParse parse_app_parameters(std::string_view text) {
  using nlohmann::json;
  AppParametersParse out;
  auto fail = [&](std::string what) {
    out.error = "ARGOCD_APP_PARAMETERS: " + what;
    out.parameters.items.clear();
    return out;
  };
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return fail("not valid JSON");
  if (doc.is_null()) return out;
  if (!doc.is_array()) return fail("expected a JSON array of parameters");
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const json& item = doc[i];
    std::string where = "item " + std::to_string(i);
    if (!item.is_object()) return fail(where + ": expected an object");
    auto name = item.find("name");
    if (name == item.end() || !name->is_string() || name->get<std::string>().empty())
      return fail(where + ": missing \"name\"");
    AppParameter p;
    p.name = name->get<std::string>();
    where = "parameter \"" + p.name + "\"";
    if (out.parameters.find(p.name)) return fail(where + ": set twice");
    for (const auto& [key, value] : item.items()) {
      if (key == "name") continue;
      if (key == "string") {
        if (!value.is_string()) return fail(where + ": \"string\" must be a string");
        p.string = value.get<std::string>();
      } else if (key == "array") {
        if (!value.is_array()) return fail(where + ": \"array\" must be an array of strings");
        std::vector<std::string> a;
        for (const auto& v : value) {
          if (!v.is_string()) return fail(where + ": \"array\" must be an array of strings");
          a.push_back(v.get<std::string>());
        }
        p.array = std::move(a);
      } else if (key == "map") {
        if (!value.is_object()) return fail(where + ": \"map\" must be a map of strings");
        std::map<std::string, std::string> m;
        for (const auto& [k, v] : value.items()) {
          if (!v.is_string())
            return fail(where + ": \"map\" value of \"" + k + "\" must be a string");
          m[k] = v.get<std::string>();
        }
        p.map = std::move(m);
      }
      // other keys (a future Argo CD field) are ignored, like Argo CD's own decoder would
    }
    out.parameters.items.push_back(std::move(p));
  }
  return out;
}

}  // namespace haguard::plugin
