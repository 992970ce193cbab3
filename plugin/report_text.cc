// The report for people: findings grouped by file and object, one line each with the line:column
// of the field at fault, then one summary line. Input errors go to stderr (check_command.cc).
// Everything that comes from a manifest is passed through terminal_safe.
//
//   deploy.yaml
//     Deployment prod/dapp  (document 2, line 14, production)
//       BLOCK   min-replicas  fail/enforce  22:3   spec.replicas is 1 ...; fix: ...  [fixable]
//       WARN    resources     fail/warn     31:9   ...
//   FAIL: 1 blocking finding in 1 of 12 objects (5 workloads, 1 file); 3 warnings, 0 exemptions

#include <algorithm>
#include <cstdio>
#include <string>

#include "plugin/report.h"

namespace haguard::plugin {

std::string terminal_safe(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  auto hex_byte = [&](unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\n')
        out += "\\n";
      else if (c == '\t')
        out += "\\t";
      else if (c == '\r')
        out += "\\r";
      else if (c < 0x20 || c == 0x7f)
        hex_byte(c);
      else
        out += static_cast<char>(c);
      continue;
    }
    // A UTF-8 sequence: its length, and the code point when it is well formed.
    const std::size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    char32_t cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    bool ok = n != 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc >> 6) == 2;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 either.
    ok = ok &&
         cp >= (n == 2   ? 0x80u
                : n == 3 ? 0x800u
                         : 0x10000u) &&
         cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
    if (!ok) {
      hex_byte(c);
      continue;
    }
    const bool control = (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
                         (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
                         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C;
    if (control) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s.substr(i, n));
    }
    i += n - 1;
  }
  return out;
}

namespace {

/// How a finding counts, in one word: what a person acts on first.
std::string_view verdict(const Finding& f) {
  if (is_blocking(f)) return "BLOCK";
  if (f.outcome == Outcome::skip) return "EXEMPT";
  if (is_warning(f)) return "WARN";
  if (is_audit_only(f)) return "AUDIT";
  return "NOTE";
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
      out += terminal_safe(current_file);
      out += '\n';
    }
    out += "  " + terminal_safe(o.display()) + "  (document " + std::to_string(o.document->index) +
           ", line " + std::to_string(o.document->line) + ", " + o.environment + ")\n";
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
      const SourcePosition& at = o.positions[static_cast<std::size_t>(f - o.findings.data())];
      std::string where = std::to_string(at.line);
      if (at.column > 0) where += ':' + std::to_string(at.column);
      pad(out, where, 8);
      out += terminal_safe(f->message);
      if (f->outcome == Outcome::skip && !f->exemption.empty())
        out += " (exemption: " + terminal_safe(f->exemption) + ")";
      if (f->fixable && f->outcome != Outcome::skip) out += "  [fixable]";
      out += '\n';
    }
  }

  const Summary& s = report.summary;
  if (any_file) out += '\n';
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
  if (s.input_errors) out += ", " + plural(s.input_errors, "input error") + " (on stderr)";
  out += '\n';
  return out;
}

}  // namespace haguard::plugin
