// The report for people: findings grouped by file and object, one line each, then one summary line.
//
//   deploy.yaml
//     Deployment prod/dapp  (document 2, line 14, production)
//       BLOCK   min-replicas  fail/enforce  spec.replicas is 1 ...; fix: ...  [fixable]
//       WARN    resources     fail/warn     ...
//   FAIL: 1 blocking finding in 1 of 12 objects (5 workloads, 1 file); 3 warnings, 0 exemptions

#include <algorithm>
#include <string>

#include "plugin/report.h"

namespace haguard::plugin {

namespace {

/// How a finding counts, in one word: what a person acts on first.
std::string_view verdict(const Finding& f) {
  if (is_blocking(f)) return "BLOCK";
  if (f.outcome == Outcome::skip) return "EXEMPT";
  if (is_warning(f)) return "WARN";
  if (is_audit_only(f)) return "AUDIT";
  return "NOTE";
}

/// The engine's message without the "Kind ns/name: rule: " prefix the object header already says.
std::string_view short_message(const Finding& f, const std::string& display) {
  std::string_view m = f.message;
  if (m.starts_with(display) && m.substr(display.size()).starts_with(": "))
    m.remove_prefix(display.size() + 2);
  if (m.starts_with(f.rule) && m.substr(f.rule.size()).starts_with(": "))
    m.remove_prefix(f.rule.size() + 2);
  return m;
}

void pad(std::string& out, std::string_view s, std::size_t width) {
  out += s;
  if (s.size() < width) out.append(width - s.size(), ' ');
}

std::string plural(std::size_t n, std::string_view word) {
  std::string s = std::to_string(n) + ' ' + std::string(word);
  if (n != 1) s += 's';
  return s;
}

}  // namespace

std::string render_text(const CheckReport& report) {
  std::string out;
  std::string current_file;
  bool any_file = false;
  std::size_t objects_with_blocking = 0;
  std::size_t rule_width = 0;  // one column for the whole report
  for (const ObjectResult& o : report.objects)
    for (const Finding& f : o.findings)
      if (reportable(f)) rule_width = std::max(rule_width, f.rule.size());
  for (const ObjectResult& o : report.objects) {
    std::vector<const Finding*> shown;
    bool blocking = false;
    for (const Finding& f : o.findings) {
      if (reportable(f)) shown.push_back(&f);
      blocking = blocking || is_blocking(f);
    }
    if (blocking) ++objects_with_blocking;
    if (shown.empty() && o.fixed.empty()) continue;
    if (!any_file || o.document->file != current_file) {
      if (any_file) out += '\n';
      current_file = o.document->file;
      any_file = true;
      out += current_file == "-" ? "(stdin)" : current_file;
      out += '\n';
    }
    const std::string display = o.display();
    out += "  " + display + "  (document " + std::to_string(o.document->index) + ", line " +
           std::to_string(o.document->line) + ", " + o.environment + ")\n";
    if (!o.fixed.empty()) {
      out += "    FIXED  ";
      for (std::size_t i = 0; i < o.fixed.size(); ++i) out += (i ? ", " : "") + o.fixed[i];
      out += '\n';
    }
    for (const Finding* f : shown) {
      out += "    ";
      pad(out, verdict(*f), 8);
      pad(out, f->rule, rule_width + 2);
      std::string how =
          std::string(to_string(f->outcome)) + '/' + std::string(to_string(f->enforcement));
      pad(out, how, 15);
      out += short_message(*f, display);
      if (f->outcome == Outcome::skip && !f->exemption.empty())
        out += " (exemption: " + f->exemption + ")";
      if (f->fixable && f->outcome != Outcome::skip) out += "  [fixable]";
      out += '\n';
    }
  }

  if (!report.errors.empty()) {
    if (any_file) out += '\n';
    out += "input errors\n";
    for (const ManifestError& e : report.errors) out += "  " + describe_error(e) + '\n';
  }

  const Summary& s = report.summary;
  if (any_file || !report.errors.empty()) out += '\n';
  const int code = exit_code(report);
  out += code == 2 ? "ERROR: " : code == 1 ? "FAIL: " : "OK: ";
  if (s.blocking == 0)
    out += "no blocking findings in " + plural(s.objects, "object");
  else
    out += plural(s.blocking, "blocking finding") + " in " + std::to_string(objects_with_blocking) +
           " of " + plural(s.objects, "object");
  out += " (" + plural(s.workloads, "workload") + ", " + plural(s.files, "file") + "); " +
         plural(s.warnings, "warning") + ", " + plural(s.exemptions, "exemption") + " used";
  if (s.audit) out += ", " + std::to_string(s.audit) + " audit-only";
  if (report.fix_mode) out += ", " + plural(s.fixed, "object") + " fixed";
  if (s.input_errors) out += ", " + plural(s.input_errors, "input error");
  out += '\n';
  return out;
}

}  // namespace haguard::plugin
