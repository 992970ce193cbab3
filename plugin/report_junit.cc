// The report for CI dashboards: JUnit XML. One <testsuite> per input file, one <testcase> per
// object and rule the engine evaluated (name "Kind ns/name: rule", classname the file, file and
// line where the rule's first reported finding is), so a dashboard shows and tracks each result on
// its own: a blocking failure is one <failure> (a blocking evaluation error one <error>) holding
// every message of that rule on that object, an exemption used is <skipped>, other findings go to
// <system-out>. Rules not applicable or off on an object, and objects no rule applies to, make no
// test case. An unreadable input or malformed document is a <testcase> with an <error>.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "plugin/report.h"

namespace haguard::plugin {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
  return n;
}

/// Escapes text for XML 1.0 attributes and content; what XML 1.0 cannot carry (control
/// characters, invalid UTF-8) becomes '?'.
std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      std::size_t n = utf8_length(s, i);
      if (n == 0) {
        out += '?';
      } else {
        out.append(s.substr(i, n));
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += (c < 0x20 || c == 0x7f) ? '?' : ch;
    }
  }
  return out;
}

struct Suite {
  std::string body;
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

/// One object's findings of one rule, as one test case.
void add_testcase(Suite& suite, const ObjectResult& o, const std::vector<std::size_t>& findings) {
  const Finding& first = o.findings[findings.front()];
  std::string blocking, out, exempted, message;
  bool error = false;
  int line = o.document->line;
  bool located = false;
  const std::string display = o.display();
  for (std::size_t k : findings) {
    const Finding& f = o.findings[k];
    if (!reportable(f)) continue;
    if (!located) line = o.positions[k].line, located = true;
    std::string text = std::string(to_string(f.outcome)) + '/' +
                       std::string(to_string(f.enforcement)) + ": " + describe(f, display);
    if (is_blocking(f)) {
      error = error || f.outcome == Outcome::error;
      if (blocking.empty()) message = describe(f, display);
      blocking += (blocking.empty() ? "" : "\n") + text;
    } else if (f.outcome == Outcome::skip) {
      exempted += (exempted.empty() ? "" : "; ") + f.exemption;
      out += text + " (exemption: " + f.exemption + ")\n";
    } else {
      out += text + '\n';
    }
  }
  ++suite.tests;
  const std::string& file = o.document->file;
  suite.body += "    <testcase classname=\"" + xml_escape(file) + "\" name=\"" +
                xml_escape(display + ": " + first.rule) + "\" file=\"" + xml_escape(file) +
                "\" line=\"" + std::to_string(line) + "\"";
  if (blocking.empty() && out.empty()) {
    suite.body += "/>\n";
    return;
  }
  suite.body += ">\n";
  if (!blocking.empty()) {
    const char* element = error ? "error" : "failure";
    ++(error ? suite.errors : suite.failures);
    suite.body += std::string("      <") + element + " type=\"" + xml_escape(first.rule) +
                  "\" message=\"" + xml_escape(message) + "\">" + xml_escape(blocking) + "</" +
                  element + ">\n";
  } else if (!exempted.empty()) {
    ++suite.skipped;
    suite.body += "      <skipped message=\"" + xml_escape("exempted: " + exempted) + "\"/>\n";
  }
  if (!out.empty()) suite.body += "      <system-out>" + xml_escape(out) + "</system-out>\n";
  suite.body += "    </testcase>\n";
}

std::string testsuite(const std::string& name, const Suite& s) {
  std::string head = "  <testsuite name=\"" + xml_escape(name) + "\" tests=\"" +
                     std::to_string(s.tests) + "\" failures=\"" + std::to_string(s.failures) +
                     "\" errors=\"" + std::to_string(s.errors) + "\" skipped=\"" +
                     std::to_string(s.skipped) + "\"";
  return s.body.empty() ? head + "/>\n" : head + ">\n" + s.body + "  </testsuite>\n";
}

}  // namespace

std::string render_junit(const CheckReport& report) {
  std::map<std::string, Suite> suites;  // by file
  for (const ObjectResult& o : report.objects) {
    // Findings by rule, rules in the order the engine reported them.
    std::vector<std::pair<std::string_view, std::vector<std::size_t>>> by_rule;
    for (std::size_t k = 0; k < o.findings.size(); ++k) {
      const Finding& f = o.findings[k];
      if (f.outcome == Outcome::skip && f.exemption.empty()) continue;  // not applicable, off
      auto it = std::find_if(by_rule.begin(), by_rule.end(),
                             [&](const auto& r) { return r.first == f.rule; });
      if (it == by_rule.end()) it = by_rule.insert(by_rule.end(), {f.rule, {}});
      it->second.push_back(k);
    }
    for (const auto& [rule, findings] : by_rule)
      add_testcase(suites[o.document->file], o, findings);
  }
  for (const ManifestError& e : report.errors) {
    Suite& suite = suites[e.file];
    ++suite.tests;
    ++suite.errors;
    std::string name = e.line == 0 ? "read " + e.file
                                   : "document " + std::to_string(e.index) + " (line " +
                                         std::to_string(e.line) + ")";
    suite.body += "    <testcase classname=\"" + xml_escape(e.file) + "\" name=\"" +
                  xml_escape(name) + "\">\n      <error type=\"input\" message=\"" +
                  xml_escape(e.message) + "\">" + xml_escape(describe_error(e)) +
                  "</error>\n    </testcase>\n";
  }

  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  std::string body;
  auto add_suite = [&](const std::string& name, const Suite& s) {
    tests += s.tests, failures += s.failures, errors += s.errors, skipped += s.skipped;
    body += testsuite(name, s);
  };
  for (const std::string& file : report.files) {
    auto it = suites.find(file);
    add_suite(file, it == suites.end() ? Suite{} : it->second);
    if (it != suites.end()) suites.erase(it);
  }
  for (auto& [name, s] : suites) add_suite(name, s);  // inputs that never became files (bad dirs)
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"haguard\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\">\n" + body +
         "</testsuites>\n";
}

}  // namespace haguard::plugin
