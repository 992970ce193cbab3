// spec.valueHints: loading (strict, like the rest of the policy) and matching.

#include "policies/value_hints.h"

#include <cctype>

#include "policies/policy_reader.h"
#include "policies/rule.h"

namespace haguard {
namespace {

/// `set`: a string, or a mapping of value paths to values (written "path: value, ...").
std::string set_text(const PolicyReader& r, const YAML::Node& n, const std::string& path) {
  if (n.IsScalar()) return r.string(n, path);
  if (!n.IsMap() || n.size() == 0) r.fail(n, path, "must be a string or a mapping of value paths to values");
  std::string out;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = r.string(it->first, path);
    if (!it->second.IsScalar())
      r.fail(it->second, PolicyReader::join(path, key), "must be a scalar value (true, 2, soft)");
    out += (out.empty() ? "" : ", ") + key + ": " + it->second.Scalar();
  }
  return out;
}

ValueHint load_one(const PolicyReader& r, const YAML::Node& n, const std::string& path) {
  r.only_keys(n, path, {"chart", "rule", "labels", "set", "valuesFile"});
  for (const char* key : {"chart", "rule", "set"})
    if (!n[key]) r.fail(n, PolicyReader::join(path, key), std::string("missing key ") + key);
  ValueHint h;
  h.chart = r.string(n["chart"], path + ".chart");
  h.rule = r.string(n["rule"], path + ".rule");
  if (!is_known_rule(h.rule)) r.fail(n["rule"], path + ".rule", "unknown rule id \"" + h.rule + "\"");
  if (const YAML::Node& l = n["labels"]) {
    if (!l.IsMap()) r.fail(l, path + ".labels", "must be a mapping of label keys to values");
    for (auto it = l.begin(); it != l.end(); ++it) {
      std::string key = r.string(it->first, path + ".labels");
      h.labels[key] = r.string(it->second, PolicyReader::join(path + ".labels", key));
    }
  }
  h.set = set_text(r, n["set"], path + ".set");
  if (n["valuesFile"]) h.values_file = r.string(n["valuesFile"], path + ".valuesFile");
  return h;
}

}  // namespace

void load_value_hints(const PolicyReader& r, const YAML::Node& node, std::vector<ValueHint>& out) {
  if (!node.IsSequence()) r.fail(node, "spec.valueHints", "must be a list");
  for (std::size_t i = 0; i < node.size(); ++i)
    out.push_back(load_one(r, node[i], PolicyReader::at("spec.valueHints", i)));
}

std::string chart_of_label(std::string_view value) {
  // Helm writes "<name>-<version>"; names may hold '-', versions start with a digit (or "v").
  for (std::size_t dash = value.rfind('-'); dash != std::string_view::npos && dash > 0;
       dash = value.rfind('-', dash - 1)) {
    std::string_view version = value.substr(dash + 1);
    if (!version.empty() && version.front() == 'v') version.remove_prefix(1);
    if (!version.empty() && std::isdigit(static_cast<unsigned char>(version.front())) &&
        version.find('.') != std::string_view::npos)
      return std::string(value.substr(0, dash));
  }
  return {};
}

std::string value_hint_suffix(const std::vector<ValueHint>& hints, std::string_view rule,
                              const Workload& w) {
  if (hints.empty()) return {};
  Labels labels = w.labels();
  auto chart_label = labels.find("helm.sh/chart");
  if (chart_label == labels.end()) return {};
  std::string chart = chart_of_label(chart_label->second);
  std::string out;
  for (const ValueHint& h : hints) {
    if (h.rule != rule || h.chart != chart) continue;
    bool all = true;
    for (const auto& [k, v] : h.labels) {
      auto it = labels.find(k);
      all = all && it != labels.end() && it->second == v;
    }
    if (!all) continue;
    out += "; set " + h.set;
    if (!h.values_file.empty()) out += " (" + h.values_file + ")";
  }
  return out;
}

}  // namespace haguard
