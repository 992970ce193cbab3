#include "policies/label_selector.h"

#include <algorithm>

namespace haguard {
namespace {

bool contains(const json& values, const std::string& v) {
  return std::any_of(values.begin(), values.end(),
                     [&](const json& x) { return x.is_string() && x.get_ref<const std::string&>() == v; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<bool> selector_matches(const json& selector, const Labels& labels) {
  if (selector.is_null()) return false;  // a null selector selects nothing (API semantics)
  if (!selector.is_object()) return std::nullopt;
  bool any = false;
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && !ml->is_null()) {
    if (!ml->is_object()) return std::nullopt;
    for (auto it = ml->begin(); it != ml->end(); ++it) {
      if (!it->is_string()) return std::nullopt;
      any = true;
      auto l = labels.find(it.key());
      if (l == labels.end() || l->second != it->get_ref<const std::string&>()) return false;
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && !me->is_null()) {
    if (!me->is_array()) return std::nullopt;
    for (const json& e : *me) {
      if (!e.is_object()) return std::nullopt;
      auto key = e.find("key");
      auto op = e.find("operator");
      if (key == e.end() || !key->is_string() || op == e.end() || !op->is_string())
        return std::nullopt;
      static const json kEmpty = json::array();
      auto vit = e.find("values");
      const json& values = (vit == e.end() || vit->is_null()) ? kEmpty : *vit;
      if (!values.is_array()) return std::nullopt;
      any = true;
      auto l = labels.find(key->get_ref<const std::string&>());
      const std::string& o = op->get_ref<const std::string&>();
      bool ok;
      if (o == "In") ok = l != labels.end() && contains(values, l->second);
      else if (o == "NotIn") ok = l == labels.end() || !contains(values, l->second);
      else if (o == "Exists") ok = l != labels.end();
      else if (o == "DoesNotExist") ok = l == labels.end();
      else return std::nullopt;
      if (!ok) return false;
    }
  }
  (void)any;  // an empty selector ({}) selects everything
  return true;
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
