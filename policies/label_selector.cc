#include "policies/label_selector.h"

#include <algorithm>

namespace haguard {
namespace {

bool contains(const std::vector<JsonNode>& values, const std::string& v) {
  return std::any_of(values.begin(), values.end(), [&](JsonNode x) { return x.equals(v); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<bool> selector_matches(JsonNode selector, const Labels& labels) {
  // An absent selector is a null one, which selects nothing (API semantics).
  if (!selector || selector.is_null()) return false;
  if (!selector.is_object()) return std::nullopt;
  if (JsonNode ml = selector["matchLabels"]; ml && !ml.is_null()) {
    if (!ml.is_object()) return std::nullopt;
    const auto members = ml.members();
    // Malformed whatever the members' order, which differs between a tree and a DOM.
    for (const auto& member : members)
      if (!member.second.is_string()) return std::nullopt;
    for (const auto& [key, value] : members) {
      auto l = labels.find(key);
      if (l == labels.end() || l->second != value.str()) return false;
    }
  }
  if (JsonNode me = selector["matchExpressions"]; me && !me.is_null()) {
    if (!me.is_array()) return std::nullopt;
    for (JsonNode e : me.items()) {
      if (!e.is_object()) return std::nullopt;
      JsonNode key = e["key"], op = e["operator"], vs = e["values"];
      if (!key.is_string() || !op.is_string()) return std::nullopt;
      if (vs && !vs.is_null() && !vs.is_array()) return std::nullopt;
      const std::vector<JsonNode> values = vs.items();  // absent or null: none
      auto l = labels.find(key.str());
      const std::string_view o = op.str();
      bool ok;
      if (o == "In") ok = l != labels.end() && contains(values, l->second);
      else if (o == "NotIn") ok = l == labels.end() || !contains(values, l->second);
      else if (o == "Exists") ok = l != labels.end();
      else if (o == "DoesNotExist") ok = l == labels.end();
      else return std::nullopt;
      if (!ok) return false;
    }
  }
  return true;  // an empty selector ({}) selects everything
}

Labels parse_selector_string(std::string_view s) {
  Labels out;
  std::size_t depth = 0, start = 0;
  auto take = [&](std::string_view term) {
    term = trim(term);
    if (term.empty() || term.front() == '!') return;
    if (term.find(" in ") != std::string_view::npos || term.find(" notin ") != std::string_view::npos)
      return;
    std::size_t eq = term.find("!=");
    if (eq != std::string_view::npos) return;
    eq = term.find('=');
    if (eq == std::string_view::npos) return;
    std::string_view key = trim(term.substr(0, eq));
    std::string_view value = term.substr(eq + 1);
    if (!value.empty() && value.front() == '=') value.remove_prefix(1);
    out[std::string(key)] = std::string(trim(value));
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    else if (s[i] == ')' && depth > 0) --depth;
    else if (s[i] == ',' && depth == 0) {
      take(s.substr(start, i - start));
      start = i + 1;
    }
  }
  take(s.substr(start));
  return out;
}

}  // namespace haguard
