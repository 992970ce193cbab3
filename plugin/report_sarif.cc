// The report for code scanning: SARIF 2.1.0. One run; the driver lists every rule of the registry
// (plus the "exemption" pseudo rule); each reportable finding is a result located at the first
// line of its document. Levels: blocking -> error, warning -> warning, the rest (audit-only) ->
// note. An exempted finding carries an inSource suppression with the exemption's reason. Input
// errors are tool execution notifications.

#include <cctype>
#include <map>
#include <string>

#include "plugin/report.h"
#include "policies/rule.h"

namespace haguard::plugin {

namespace {

constexpr const char* kSchema = "https://json.schemastore.org/sarif-2.1.0.json";

/// A URI reference for a path: relative paths stay relative, absolute ones become file:// URIs.
std::string to_uri(const std::string& path) {
  if (path == "-") return "stdin";
  std::string out = path.starts_with('/') ? "file://" : "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string_view level(const Finding& f) {
  if (is_blocking(f)) return "error";
  if (is_warning(f) && f.outcome != Outcome::skip) return "warning";
  return "note";
}

json location(const std::string& file, int line) {
  json physical = {{"artifactLocation", {{"uri", to_uri(file)}}}};
  if (line > 0) physical["region"] = {{"startLine", line}};
  return json{{"physicalLocation", std::move(physical)}};
}

json rule_descriptor(std::string_view id, std::string_view description) {
  return json{{"id", id},
              {"name", id},
              {"shortDescription", {{"text", description}}},
              {"fullDescription", {{"text", description}}},
              {"defaultConfiguration", {{"level", "warning"}}}};
}

}  // namespace

std::string render_sarif(const CheckReport& report) {
  json rules = json::array();
  std::map<std::string, std::size_t, std::less<>> rule_index;
  auto add_rule = [&](std::string_view id, std::string_view description) {
    rule_index.emplace(std::string(id), rules.size());
    rules.push_back(rule_descriptor(id, description));
  };
  for (const Rule* r : all_rules()) add_rule(r->id(), r->description());
  for (const SetRule* r : all_set_rules()) add_rule(r->id(), r->description());
  add_rule(kExemptionRuleId, "Exemption annotations that are void or not allowed");

  json results = json::array();
  for (const ObjectResult& o : report.objects) {
    for (const Finding& f : o.findings) {
      if (!reportable(f)) continue;
      json loc = location(o.document->file, o.document->line);
      loc["logicalLocations"] =
          json::array({{{"fullyQualifiedName", o.display()}, {"kind", "object"}}});
      json r = {{"ruleId", f.rule},
                {"level", level(f)},
                {"message", {{"text", f.message}}},
                {"locations", json::array({std::move(loc)})},
                {"properties",
                 {{"outcome", to_string(f.outcome)},
                  {"enforcement", to_string(f.enforcement)},
                  {"environment", o.environment},
                  {"path", f.path},
                  {"fixable", f.fixable},
                  {"document", o.document->index}}}};
      if (auto it = rule_index.find(f.rule); it != rule_index.end()) r["ruleIndex"] = it->second;
      if (f.outcome == Outcome::skip && !f.exemption.empty())
        r["suppressions"] = json::array({{{"kind", "inSource"}, {"justification", f.exemption}}});
      results.push_back(std::move(r));
    }
  }

  json notifications = json::array();
  for (const ManifestError& e : report.errors)
    notifications.push_back({{"level", "error"},
                             {"message", {{"text", describe_error(e)}}},
                             {"locations", json::array({location(e.file, e.line)})}});

  json driver = {{"name", "haguard"}, {"rules", std::move(rules)}};
#ifdef HAGUARD_VERSION
  driver["version"] = HAGUARD_VERSION;
#endif
  json run = {
      {"tool", {{"driver", std::move(driver)}}},
      {"invocations", json::array({{{"executionSuccessful", report.errors.empty()},
                                    {"toolExecutionNotifications", std::move(notifications)}}})},
      {"results", std::move(results)}};
  json sarif = {
      {"$schema", kSchema}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
  return sarif.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

}  // namespace haguard::plugin
