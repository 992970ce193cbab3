// The report for scripts. Every reportable finding (all but passes and plain skips: fail, warn,
// error, and skips caused by an exemption) with its object and source:
//   {"findings": [{"rule", "outcome", "enforcement", "environment", "kind", "namespace", "name",
//                  "file", "document", "line", "column", "object_line", "path", "message",
//                  "fixable", "exemption", "blocking"}],
//    "errors": [{"file", "document", "line", "column", "message"}],        // input errors
//    "fixed": [{"kind", "namespace", "name", "file", "document", "line", "rules"}],  // --fix only
//    "summary": {"files", "objects", "workloads",
//                "outcomes": {"pass", "fail", "warn", "error", "skip"},  // every finding
//                "blocking", "warnings", "audit", "exemptions", "fixed", "errors", "exit"}}
// A finding's "line" and "column" (1-based, code points; 0 when unknown) are where its "path" is
// in the file (the nearest enclosing field when the path is missing); "object_line" is where the
// object starts. "file" is the input's name (relative to the root, "-" for standard input).
// "exemption" is the exemption's reason, or null when none applied.

#include "plugin/report.h"

namespace haguard::plugin {

namespace {

json object_fields(const ObjectResult& o) {
  return json{
      {"kind", o.kind},           {"namespace", o.namespace_},     {"name", o.name},
      {"file", o.document->file}, {"document", o.document->index}, {"line", o.document->line}};
}

}  // namespace

std::string render_json(const CheckReport& report) {
  json findings = json::array();
  json fixed = json::array();
  for (const ObjectResult& o : report.objects) {
    std::string display;  // spelled for the first finding shown
    for (std::size_t k = 0; k < o.findings.size(); ++k) {
      const Finding& f = o.findings[k];
      if (!reportable(f)) continue;
      if (display.empty()) display = o.display();
      json j = object_fields(o);
      j["object_line"] = o.document->line;
      j["line"] = o.positions[k].line;
      j["column"] = o.positions[k].column;
      j["rule"] = f.rule;
      j["outcome"] = to_string(f.outcome);
      j["enforcement"] = to_string(f.enforcement);
      j["environment"] = o.environment;
      j["path"] = f.path;
      j["message"] = describe(f, display);
      j["fixable"] = f.fixable;
      j["exemption"] = f.exemption.empty() ? json(nullptr) : json(f.exemption);
      j["blocking"] = is_blocking(f);
      findings.push_back(std::move(j));
    }
    if (!o.fixed.empty()) {
      json j = object_fields(o);
      j["rules"] = o.fixed;
      fixed.push_back(std::move(j));
    }
  }

  json errors = json::array();
  for (const ManifestError& e : report.errors)
    errors.push_back({{"file", e.file},
                      {"document", e.index},
                      {"line", e.line},
                      {"column", e.column},
                      {"message", e.message}});

  const Summary& s = report.summary;
  json outcomes = json::object();
  for (Outcome o : {Outcome::pass, Outcome::fail, Outcome::warn, Outcome::error, Outcome::skip})
    outcomes[std::string(to_string(o))] = s.outcomes[static_cast<std::size_t>(o)];
  json summary = {{"files", s.files},         {"objects", s.objects},
                  {"workloads", s.workloads}, {"outcomes", std::move(outcomes)},
                  {"blocking", s.blocking},   {"warnings", s.warnings},
                  {"audit", s.audit},         {"exemptions", s.exemptions},
                  {"errors", s.input_errors}, {"exit", exit_code(report)}};
  json out = {{"findings", std::move(findings)}, {"errors", std::move(errors)}};
  if (report.fix_mode) {
    out["fixed"] = std::move(fixed);
    summary["fixed"] = s.fixed;
  }
  out["summary"] = std::move(summary);
  // Invalid UTF-8 in an input must not abort the report: replace it.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

}  // namespace haguard::plugin
