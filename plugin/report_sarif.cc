// The report for code scanning: SARIF 2.1.0. One run; the driver (with its version) lists every
// rule of the registry plus the "exemption" pseudo rule, each with its help from the operator's
// guide and a link to it. Each reportable finding is a result located at the field its JSON path
// names (line and column, in code points), with a partial fingerprint built from the rule, the
// file, the object's identity and the path, never from line numbers, so code scanning keeps tracking an
// alert when lines move. File names relative to the root are URIs relative to %SRCROOT% (given in
// originalUriBaseIds); others are file:// URIs; standard input is "-". Levels: blocking -> error,
// warning -> warning, the rest (audit-only) -> note. An exempted finding carries an inSource
// suppression with the exemption's reason. Input errors are tool execution notifications.

#include <openssl/evp.h>

#include <cctype>
#include <map>
#include <string>

#include "plugin/check_inputs.h"
#include "plugin/report.h"
#include "plugin/rule_help.h"
#include "policies/rule.h"

namespace haguard::plugin {

namespace {

constexpr const char* kSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr const char* kRootBase = "%SRCROOT%";
constexpr const char* kFingerprintKey = "haguard/v1";

/// `path` as a URI path: unreserved characters and '/' as they are, every other byte
/// percent-encoded (a ':' too, which in a first segment would read as a scheme).
std::string uri_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
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

/// The artifactLocation of an input named `name` (see check_inputs.h).
json artifact_location(const std::string& name) {
  if (name == kStdinName) return json{{"uri", name}};
  if (name.starts_with('/')) return json{{"uri", "file://" + uri_path(name)}};
  return json{{"uri", uri_path(name)}, {"uriBaseId", kRootBase}};
}

/// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

/// What stays the same while the finding is the same: the rule, the file, the object (API group,
/// not version: moving from apps/v1beta2 to apps/v1 is the same Deployment) and the field. The
/// file keeps one object rendered into two files (a base and an overlay) two alerts.
std::string fingerprint(const ObjectResult& o, const Finding& f) {
  const std::size_t slash = o.api_version.find('/');
  const std::string group = slash == std::string::npos ? "" : o.api_version.substr(0, slash);
  std::string identity = f.rule;
  for (const std::string* part :
       {&o.document->file, &group, &o.kind, &o.namespace_, &o.name, &f.path}) {
    identity += '\0';
    identity += *part;
  }
  return sha256_hex(identity);
}

std::string_view level(const Finding& f) {
  if (is_blocking(f)) return "error";
  if (is_warning(f) && f.outcome != Outcome::skip) return "warning";
  return "note";
}

json location(const std::string& file, int line, int column) {
  json physical = {{"artifactLocation", artifact_location(file)}};
  if (line > 0) {
    physical["region"] = {{"startLine", line}};
    if (column > 0) physical["region"]["startColumn"] = column;
  }
  return json{{"physicalLocation", std::move(physical)}};
}

json rule_descriptor(std::string_view id, std::string_view description) {
  json rule = {{"id", id},
               {"name", id},
               {"shortDescription", {{"text", description}}},
               {"fullDescription", {{"text", description}}},
               {"defaultConfiguration", {{"level", "warning"}}}};
  RuleHelp help = rule_help(id);
  if (!help.markdown.empty()) {
    // The plain text: the guide's paragraphs without their line wrapping.
    std::string text = help.markdown;
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n' && (i + 1 == text.size() || text[i + 1] != '\n') &&
          (i == 0 || text[i - 1] != '\n'))
        text[i] = ' ';
    rule["help"] = {{"text", text}, {"markdown", help.markdown}};
    rule["helpUri"] = help.uri;
  }
  return rule;
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
    std::string display;  // spelled for the first finding shown
    for (std::size_t k = 0; k < o.findings.size(); ++k) {
      const Finding& f = o.findings[k];
      if (!reportable(f)) continue;
      if (display.empty()) display = o.display();
      json loc = location(o.document->file, o.positions[k].line, o.positions[k].column);
      loc["logicalLocations"] = json::array({{{"fullyQualifiedName", display}, {"kind", "object"}}});
      json r = {{"ruleId", f.rule},
                {"level", level(f)},
                {"message", {{"text", describe(f, display)}}},
                {"locations", json::array({std::move(loc)})},
                {"partialFingerprints", {{kFingerprintKey, fingerprint(o, f)}}},
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
                             {"locations", json::array({location(e.file, e.line, e.column)})}});

  json driver = {{"name", "haguard"},
                 {"version", HAGUARD_VERSION},
                 {"semanticVersion", HAGUARD_VERSION},
                 {"informationUri", docs_uri()},
                 {"rules", std::move(rules)}};
  std::string root = uri_path(report.root);
  if (!root.ends_with('/')) root += '/';
  json run = {
      {"tool", {{"driver", std::move(driver)}}},
      {"originalUriBaseIds", {{kRootBase, {{"uri", "file://" + root}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"invocations", json::array({{{"executionSuccessful", report.errors.empty()},
                                    {"toolExecutionNotifications", std::move(notifications)}}})},
      {"results", std::move(results)}};
  json sarif = {
      {"$schema", kSchema}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
  return sarif.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

}  // namespace haguard::plugin
