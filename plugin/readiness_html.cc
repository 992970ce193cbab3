// The readiness report as one self-contained HTML page for a release manager: a verdict at the
// top, one card per checklist row with its status at a glance, the evidence beneath. No script,
// no external asset: the Content-Security-Policy forbids loading anything, so the page looks the
// same attached to a ticket, opened offline or from a mail.

#include <string>

#include "plugin/readiness.h"

namespace haguard::plugin {

namespace {

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string capitalized(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

constexpr const char* kStyle = R"(
:root{--ready:#1a7f37;--attest:#9a6700;--not:#cf222e;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f6f8fa}
main{max-width:960px;margin:0 auto;padding:24px}
header.verdict{border-radius:12px;padding:20px 24px;color:#fff;margin-bottom:20px}
header.verdict h1{margin:0;font-size:26px}
header.verdict p{margin:4px 0 0;opacity:.92}
.s-ready{--c:var(--ready)} .s-needs-attestation{--c:var(--attest)} .s-not-ready{--c:var(--not)}
header.verdict{background:var(--c)}
.counts{display:flex;gap:12px;margin:0 0 20px;padding:0;list-style:none}
.counts li{flex:1;background:#fff;border:1px solid var(--line);border-top:4px solid var(--c);border-radius:8px;padding:10px 14px}
.counts b{display:block;font-size:24px}
h2{font-size:19px;margin:28px 0 4px}
.owner{color:var(--muted);margin:0 0 12px}
article.check{background:#fff;border:1px solid var(--line);border-left:8px solid var(--c);border-radius:8px;margin:10px 0;padding:12px 16px}
article.check header{display:flex;align-items:center;gap:12px}
article.check h3{margin:0;font-size:17px;flex:1}
.badge{background:var(--c);color:#fff;border-radius:999px;padding:2px 12px;font-weight:600;font-size:13px;white-space:nowrap}
.who{color:var(--muted);font-size:13px}
ul.facts{margin:8px 0 0;padding:0;list-style:none}
ul.facts li{padding:3px 0 3px 26px;position:relative;overflow-wrap:anywhere}
ul.facts li::before{position:absolute;left:4px;font-weight:700}
li.found::before{content:"\2713";color:var(--ready)}
li.missing::before{content:"\2717";color:var(--not)}
li.fix::before{content:"\2192";color:var(--muted)}
li.fix{color:var(--muted)}
code{font-size:13px}
footer{color:var(--muted);font-size:13px;margin-top:28px}
)";

void facts(std::string& out, const char* cls, const char* lead, const std::vector<std::string>& items) {
  for (const std::string& i : items)
    out += std::string("<li class=\"") + cls + "\"><span class=\"lead\">" + lead + "</span> " + esc(i) + "</li>\n";
}

}  // namespace

std::string render_readiness_html(const ReadinessReport& report) {
  std::size_t counts[3] = {};
  RowStatus worst = RowStatus::ready;
  for (const NamespaceReadiness& n : report.namespaces) {
    for (const ReadinessRow& r : n.rows) ++counts[static_cast<int>(r.status)];
    if (static_cast<int>(n.status()) > static_cast<int>(worst)) worst = n.status();
  }
  const bool ok = readiness_exit_code(report) == 0;
  if (!report.errors.empty() || report.namespaces.empty()) worst = RowStatus::not_ready;

  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Production readiness: " + esc(report.environment) + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<main>\n";
  out += "<header class=\"verdict s-" + std::string(to_string(worst)) + "\" data-ready=\"" +
         (ok ? "true" : "false") + "\">\n<h1>" +
         (ok ? std::string("Ready for production traffic")
             : "Not ready for production traffic: " + std::to_string(counts[2]) + " not ready, " +
                   std::to_string(counts[1]) + " to attest") +
         "</h1>\n<p>Environment " + esc(report.environment) + " · " + esc(report.scope) + "</p>\n</header>\n";
  out += "<ul class=\"counts\">\n"
         "<li class=\"s-ready\"><b>" + std::to_string(counts[0]) + "</b>ready</li>\n"
         "<li class=\"s-needs-attestation\"><b>" + std::to_string(counts[1]) + "</b>needs attestation</li>\n"
         "<li class=\"s-not-ready\"><b>" + std::to_string(counts[2]) + "</b>not ready</li>\n</ul>\n";
  for (const std::string& e : report.errors)
    out += "<article class=\"check s-not-ready\"><header><h3>Input error</h3></header><ul class=\"facts\"><li class=\"missing\">" +
           esc(e) + "</li></ul></article>\n";
  for (const NamespaceReadiness& n : report.namespaces) {
    out += "<section class=\"namespace\" data-namespace=\"" + esc(n.name) + "\">\n<h2>Namespace " +
           esc(n.name) + "</h2>\n<p class=\"owner\">" +
           (n.owner.empty() ? std::string("No owner recorded (haguard.dalp.io/owner)")
                            : "Owner: " + esc(n.owner)) +
           "</p>\n";
    for (const ReadinessRow& r : n.rows) {
      const std::string status(to_string(r.status));
      out += "<article class=\"check s-" + status + "\" data-check=\"" + esc(r.id) + "\">\n<header><h3>" +
             esc(r.title) + "</h3>" +
             (r.owner.empty() ? std::string() : "<span class=\"who\">" + esc(r.owner) + "</span>") +
             "<span class=\"badge\">" + capitalized(status_label(r.status)) + "</span></header>\n"
             "<ul class=\"facts\">\n";
      facts(out, "found", "Found:", r.evidence);
      facts(out, "missing", "Missing:", r.missing);
      facts(out, "fix", "Fix:", r.fix);
      out += "</ul>\n</article>\n";
    }
    out += "</section>\n";
  }
  out += "<footer>haguard readiness · as of " + esc(report.generated_at) + " · policy " +
         esc(report.policy) + " · " + std::to_string(report.inputs.size()) + " input(s)</footer>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace haguard::plugin
