// The report for CI dashboards: JUnit XML. One <testsuite> per input file, one <testcase> per
// object (name "Kind ns/name", classname the file); each blocking finding is a <failure>, other
// reportable findings go to <system-out>; an unreadable input or malformed document is a
// <testcase> with an <error>.

#include <map>
#include <string>

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
  std::size_t tests = 0, failures = 0, errors = 0;
};

}  // namespace

std::string render_junit(const CheckReport& report) {
  std::map<std::string, Suite> suites;  // by file
  for (const ObjectResult& o : report.objects) {
    Suite& suite = suites[o.document->file];
    ++suite.tests;
    const std::string& file = o.document->file;
    std::string failures, out;
    std::size_t blocking = 0;
    for (const Finding& f : o.findings) {
      if (!reportable(f)) continue;
      std::string line = std::string(to_string(f.outcome)) + '/' +
                         std::string(to_string(f.enforcement)) + ": " + f.message;
      if (f.outcome == Outcome::skip) line += " (exemption: " + f.exemption + ")";
      if (is_blocking(f)) {
        ++blocking;
        failures += "      <failure type=\"" + xml_escape(f.rule) + "\" message=\"" +
                    xml_escape(f.message) + "\">" + xml_escape(line) + "</failure>\n";
      } else {
        out += line + '\n';
      }
    }
    if (blocking) ++suite.failures;
    suite.body += "    <testcase classname=\"" + xml_escape(file) + "\" name=\"" +
                  xml_escape(o.display()) + "\" file=\"" + xml_escape(file) + "\" line=\"" +
                  std::to_string(o.document->line) + "\"";
    if (failures.empty() && out.empty()) {
      suite.body += "/>\n";
      continue;
    }
    suite.body += ">\n" + failures;
    if (!out.empty()) suite.body += "      <system-out>" + xml_escape(out) + "</system-out>\n";
    suite.body += "    </testcase>\n";
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

  std::size_t tests = 0, failures = 0, errors = 0;
  std::string body;
  for (const std::string& file : report.files) {
    auto it = suites.find(file);
    if (it == suites.end()) {
      body += "  <testsuite name=\"" + xml_escape(file) +
              "\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\"/>\n";
      continue;
    }
    Suite& s = it->second;
    tests += s.tests, failures += s.failures, errors += s.errors;
    body += "  <testsuite name=\"" + xml_escape(file) + "\" tests=\"" + std::to_string(s.tests) +
            "\" failures=\"" + std::to_string(s.failures) + "\" errors=\"" +
            std::to_string(s.errors) + "\" skipped=\"0\">\n" + s.body + "  </testsuite>\n";
    suites.erase(it);
  }
  for (auto& [file, s] : suites) {  // errors about inputs that never became files (bad dirs)
    tests += s.tests, failures += s.failures, errors += s.errors;
    body += "  <testsuite name=\"" + xml_escape(file) + "\" tests=\"" + std::to_string(s.tests) +
            "\" failures=\"" + std::to_string(s.failures) + "\" errors=\"" +
            std::to_string(s.errors) + "\" skipped=\"0\">\n" + s.body + "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"haguard\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\">\n" + body + "</testsuites>\n";
}

}  // namespace haguard::plugin
