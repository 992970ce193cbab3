// spec.valueHints: loading (strict, like the rest of the policy) and matching.

#include "policies/value_hints.h"

#include <cctype>

#include "policies/rule.h"

namespace haguard {
namespace {

struct Bad {
  YAML::Node at;
  std::string path, what;
};

std::string where(std::string_view source, const Bad& b) {
  std::string loc(source);
  YAML::Mark m = b.at.Mark();
  if (m.line >= 0) loc += ':' + std::to_string(m.line + 1) + ':' + std::to_string(m.column + 1);
  return loc + ": " + b.path + ": " + b.what;
}

std::string text(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar() || n.Scalar().empty()) throw Bad{n, path, "must be a non-empty string"};
  return n.Scalar();
}

/// `set`: a string, or a mapping of value paths to values (written "path: value, ...").
std::string set_text(const YAML::Node& n, const std::string& path) {
  if (n.IsScalar()) return text(n, path);
  if (!n.IsMap() || n.size() == 0)
    throw Bad{n, path, "must be a string or a mapping of value paths to values"};
  std::string out;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = text(it->first, path);
    if (!it->second.IsScalar())
      throw Bad{it->second, path + "." + key, "must be a scalar value (true, 2, soft)"};
    out += (out.empty() ? "" : ", ") + key + ": " + it->second.Scalar();
  }
  return out;
}

ValueHint load_one(const YAML::Node& n, const std::string& path) {
  if (!n.IsMap()) throw Bad{n, path, "must be a mapping"};
  ValueHint h;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    std::string p = path + "." + key;
    if (key == "chart") {
      h.chart = text(it->second, p);
    } else if (key == "rule") {
      h.rule = text(it->second, p);
      if (!is_known_rule(h.rule)) throw Bad{it->second, p, "unknown rule id \"" + h.rule + "\""};
    } else if (key == "labels") {
      if (!it->second.IsMap()) throw Bad{it->second, p, "must be a mapping of label keys to values"};
      for (auto l = it->second.begin(); l != it->second.end(); ++l)
        h.labels[text(l->first, p)] = text(l->second, p + "." + l->first.Scalar());
    } else if (key == "set") {
      h.set = set_text(it->second, p);
    } else if (key == "valuesFile") {
      h.values_file = text(it->second, p);
    } else {
      throw Bad{it->first, p, "unknown key (expected one of: chart, rule, labels, set, valuesFile)"};
    }
  }
  if (h.chart.empty()) throw Bad{n, path + ".chart", "missing key chart"};
  if (h.rule.empty()) throw Bad{n, path + ".rule", "missing key rule"};
  if (h.set.empty()) throw Bad{n, path + ".set", "missing key set"};
  return h;
}

}  // namespace

std::string load_value_hints(const YAML::Node& node, std::string_view source,
                             std::vector<ValueHint>& out) {
  try {
    if (!node.IsSequence()) throw Bad{node, "spec.valueHints", "must be a list"};
    for (std::size_t i = 0; i < node.size(); ++i)
      out.push_back(load_one(node[i], "spec.valueHints[" + std::to_string(i) + "]"));
  } catch (const Bad& b) {
    return where(source, b);
  }
  return {};
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
