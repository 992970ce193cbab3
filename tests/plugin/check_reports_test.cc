// `haguard check`'s reports: SARIF (locations, driver, rule help), JUnit (one test case per
// object and rule), where each finding points, and what the text report escapes. The schema and
// code-scanning checks over real installs are in sarif/sarif_conformance.py.

#include <algorithm>
#include <ctime>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "manifest_io/manifest_io.h"
#include "tests/plugin/check_harness.h"

namespace haguard::check_test {
namespace {

TEST_F(CheckTest, SarifIsWellFormed) {
  Result r = haguard(
      {"check", "-o", "sarif", "-e", "production", corpus("argo-cd-namespace-install.yaml")});
  EXPECT_EQ(r.code, 1);
  json s = json::parse(r.out);
  EXPECT_EQ(s["version"], "2.1.0");
  ASSERT_EQ(s["runs"].size(), 1u);
  const json& run = s["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "haguard");
  std::vector<std::string> ids;
  for (const json& rule : run["tool"]["driver"]["rules"]) {
    ids.push_back(rule["id"]);
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
  }
  for (const char* id : {"min-replicas", "probes", "soft-anti-affinity",
                         "no-bundled-stateful-services", "pod-disruption-budget"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  ASSERT_FALSE(run["results"].empty());
  bool error_seen = false;
  for (const json& res : run["results"]) {
    const std::size_t index = res["ruleIndex"];
    ASSERT_LT(index, ids.size());
    EXPECT_EQ(ids[index], res["ruleId"]);
    const std::string level = res["level"];
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
    error_seen = error_seen || level == "error";
    EXPECT_FALSE(res["message"]["text"].get<std::string>().empty());
    const json& loc = res["locations"][0]["physicalLocation"];
    EXPECT_NE(
        loc["artifactLocation"]["uri"].get<std::string>().find("argo-cd-namespace-install.yaml"),
        std::string::npos);
    EXPECT_GE(loc["region"]["startLine"].get<int>(), 1);
  }
  EXPECT_TRUE(error_seen);
}

/// A minimal XML 1.0 well-formedness check: balanced tags, quoted attributes, known entities.
bool well_formed_xml(std::string_view x, std::string& why) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  if (x.starts_with("<?xml")) i = x.find("?>") + 2;
  while (i < x.size()) {
    if (x[i] == '&') {
      std::size_t semi = x.find(';', i);
      std::string_view ent = x.substr(i, semi == std::string_view::npos ? 0 : semi - i + 1);
      if (!(ent == "&amp;" || ent == "&lt;" || ent == "&gt;" || ent == "&quot;" ||
            ent == "&apos;" || (ent.starts_with("&#") && ent.size() > 3)))
        return why = "bad entity at " + std::to_string(i), false;
      i = semi + 1;
      continue;
    }
    if (x[i] != '<') {
      if (static_cast<unsigned char>(x[i]) < 0x20 && x[i] != '\n' && x[i] != '\t' && x[i] != '\r')
        return why = "control character", false;
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    char quote = 0;
    for (; end < x.size() && (quote || x[end] != '>'); ++end) {
      if (quote && x[end] == quote)
        quote = 0;
      else if (!quote && (x[end] == '"' || x[end] == '\''))
        quote = x[end];
      else if (quote && x[end] == '<')
        return why = "< in attribute", false;
    }
    if (end >= x.size()) return why = "unterminated tag", false;
    std::string_view tag = x.substr(i + 1, end - i - 1);
    const bool closing = tag.starts_with('/'), empty = tag.ends_with('/');
    std::string name(tag.substr(closing, tag.find_first_of(" /\n", closing) - closing));
    if (closing) {
      if (stack.empty() || stack.back() != name) return why = "mismatched </" + name + ">", false;
      stack.pop_back();
    } else if (!empty) {
      stack.push_back(name);
    }
    i = end + 1;
  }
  if (!stack.empty()) return why = "unclosed <" + stack.back() + ">", false;
  return true;
}

TEST_F(CheckTest, JunitIsWellFormedWithFailuresForBlockingFindings) {
  spit(dir_ / "x.yaml", namespace_doc("prod", "production") + "---\n" + dapp_in("prod") + "---\n" +
                            dapp_in("dev <&> \"q\""));
  Result r = haguard(
      {"check", "-o", "junit", (dir_ / "x.yaml").string(), corpus("microservices-demo.yaml")});
  EXPECT_EQ(r.code, 1);
  std::string why;
  EXPECT_TRUE(well_formed_xml(r.out, why)) << why << "\n" << r.out;
  EXPECT_NE(r.out.find("<testsuites"), std::string::npos);
  auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (std::size_t p = r.out.find(what); p != std::string::npos; p = r.out.find(what, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<testsuite "), 2u);
  // One test case per object and rule evaluated, no two with one name: prod/dapp (production, a
  // dApp) gets all eight rules; a demo Deployment outside production (one replica: not asked to
  // spread) the two that apply to any workload there.
  std::set<std::string> names;
  for (std::size_t p = r.out.find("<testcase "); p != std::string::npos;
       p = r.out.find("<testcase ", p + 1)) {
    const std::size_t name = r.out.find(" name=\"", p) + 7;
    EXPECT_TRUE(names.insert(r.out.substr(name, r.out.find('"', name) - name)).second);
  }
  EXPECT_EQ(names.size(), count("<testcase "));
  for (const char* rule :
       {"min-replicas", "probes", "soft-anti-affinity", "no-bundled-stateful-services", "resources",
        "zone-spread", "rolling-update", "pod-disruption-budget"})
    EXPECT_EQ(names.count("Deployment prod/dapp: " + std::string(rule)), 1u) << rule;
  std::set<std::string> adservice;
  for (const std::string& n : names)
    if (n.starts_with("Deployment adservice: ")) adservice.insert(n.substr(22));
  EXPECT_EQ(adservice, (std::set<std::string>{"probes", "resources"}));
  // Blocking in production: min-replicas, probes (two containers: one failure), anti-affinity.
  EXPECT_EQ(count("<failure "), 3u);
  for (const char* rule : {"min-replicas", "probes", "soft-anti-affinity"}) {
    const std::size_t at = r.out.find("name=\"Deployment prod/dapp: " + std::string(rule) + "\"");
    ASSERT_NE(at, std::string::npos) << rule;
    const std::string testcase = r.out.substr(at, r.out.find("</testcase>", at) - at);
    EXPECT_NE(testcase.find("<failure type=\"" + std::string(rule) + "\""), std::string::npos)
        << testcase;
  }
  // The failure carries the finding, container named.
  const std::size_t probes = r.out.find("name=\"Deployment prod/dapp: probes\"");
  const std::string testcase = r.out.substr(probes, r.out.find("</testcase>", probes) - probes);
  EXPECT_NE(testcase.find("container &quot;dapp&quot;"), std::string::npos) << testcase;
}

/// RFC 3339 UTC time a week from now: an exemption expiry the default policy accepts.
std::string in_a_week() {
  const std::time_t t = std::time(nullptr) + 7 * 24 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TEST_F(CheckTest, TextEscapesWhatTheManifestSays) {
  // An escape sequence that would recolour the terminal and a bidi override that would reorder
  // the line, in a name and in an exemption reason.
  std::string doc = dapp_in("prod");
  doc.replace(doc.find("name: dapp"), 10, "name: \"da\\e[31mpp\\u202Egnp.exe\\u0085\"");
  doc.replace(doc.find("  labels:"), 9,
              "  annotations:\n    haguard.dalp.io/exempt: probes\n"
              "    haguard.dalp.io/exempt-reason: \"CHG-1\\r\\e]0;owned\\a\"\n"
              "    haguard.dalp.io/exempt-until: \"" +
                  in_a_week() + "\"\n  labels:");
  spit(dir_ / "esc.yaml", doc);
  spit(dir_ / "bad\x1b[2J.yaml", "a: [\n");
  Result r = haguard({"check", (dir_ / "esc.yaml").string(), (dir_ / "bad\x1b[2J.yaml").string()});
  for (const std::string* s : {&r.out, &r.err})
    for (char c : *s)
      EXPECT_FALSE((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f)
          << "raw control character " << int(c) << " in:\n"
          << *s;
  EXPECT_EQ(r.out.find("\u202E"), std::string::npos);  // the raw override, as UTF-8
  EXPECT_EQ(r.out.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_NE(r.out.find("da\\x1B[31mpp\\u{202E}gnp.exe\\u{0085}"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CHG-1\\r\\x1B]0;owned\\x07"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("bad\\x1B[2J.yaml"), std::string::npos) << r.err;
  // Machine formats keep the text as it is (JSON escapes it its own way).
  json j = check_json({(dir_ / "esc.yaml").string()}, 0);
  EXPECT_EQ(j["findings"][0]["name"], "da\x1b[31mpp\u202Egnp.exe\u0085");
}

/// The deepest prefix of `pointer` that exists in `object`, and its last token.
std::pair<std::string, std::string> deepest_existing(const json& object,
                                                     const std::string& pointer) {
  std::string existing, token;
  for (std::size_t at = 0; at < pointer.size();) {
    const std::size_t next = std::min(pointer.find('/', at + 1), pointer.size());
    const std::string candidate = pointer.substr(0, next);
    if (!object.contains(json::json_pointer(candidate))) break;
    existing = candidate;
    token = pointer.substr(at + 1, next - at - 1);
    at = next;
  }
  for (std::size_t p; (p = token.find("~1")) != std::string::npos;) token.replace(p, 2, "/");
  for (std::size_t p; (p = token.find("~0")) != std::string::npos;) token.replace(p, 2, "~");
  return {existing, token};
}

TEST_F(CheckTest, EveryFindingPointsAtItsFieldOrTheNearestOneThatExists) {
  // Checked independently of the locator: the object as parsed says which part of the path
  // exists; the text at the reported line and column must be that member's key, or that item.
  std::size_t checked = 0;
  std::set<std::tuple<std::string, std::string, int, int>> places;
  std::vector<std::string> files;
  for (const char* name :
       {"argo-cd-namespace-install.yaml", "ingress-nginx-deploy.yaml", "microservices-demo.yaml"})
    files.push_back(corpus(name));
  for (const auto& e : fs::recursive_directory_iterator(fs::path(HAGUARD_CASES_DIR) / "upstream"))
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  for (const std::string& file : files) {
    const std::vector<std::string> lines = lines_of(slurp(file));
    const auto docs = haguard::read_manifests(slurp(file), file).documents;
    Result r = haguard({"check", "-o", "json", "-e", "production", file});
    ASSERT_NE(r.code, 2) << r.err;
    const json report = json::parse(r.out);
    for (const json& f : report["findings"]) {
      SCOPED_TRACE(f.dump());
      const json* object = nullptr;
      for (const auto& d : docs)
        if (d.line == f["object_line"]) object = &d.object;
      ASSERT_NE(object, nullptr);
      const auto [existing, token] = deepest_existing(*object, f["path"]);
      const int line = f["line"], column = f["column"];
      ASSERT_GE(line, f["object_line"].get<int>());
      ASSERT_GE(column, 1);
      const std::string text = lines[line - 1].substr(column - 1);
      if (existing.empty()) {
        EXPECT_EQ(line, f["object_line"].get<int>());
      } else if (object->at(json::json_pointer(existing.substr(0, existing.rfind('/'))))
                     .is_array()) {
        EXPECT_EQ(lines[line - 1].substr(0, column - 1).find_last_not_of(' '), column - 3)
            << "an item starts after \"- \": " << lines[line - 1];
      } else {
        EXPECT_TRUE(text.starts_with(token + ":") || text.starts_with("\"" + token + "\":"))
            << token << " at " << line << ":" << column << ": " << lines[line - 1];
      }
      EXPECT_TRUE(places.emplace(f["file"], f["rule"], line, column).second)
          << "two findings of one rule at one place";
      ++checked;
    }
  }
  EXPECT_GT(checked, 50u);
}

TEST_F(CheckTest, SarifDriverCarriesTheVersionAndRulesTheirHelp) {
  Result version = haguard({"--version"});
  Result r = haguard({"check", "-o", "sarif", "-"}, dapp_in("a"));
  const json driver = json::parse(r.out)["runs"][0]["tool"]["driver"];
  // --version adds the git revision after the version SARIF reports: "haguard 0.1.0 (revision …)".
  EXPECT_TRUE(version.out.starts_with("haguard " + driver["version"].get<std::string>() + " (revision "))
      << version.out;
  for (const json& rule : driver["rules"]) {
    const std::string id = rule["id"];
    EXPECT_TRUE(rule["helpUri"].get<std::string>().ends_with("/docs/operators-guide.md#" + id));
    const std::string guide = slurp(fs::path(HAGUARD_SOURCE_DIR) / "docs/operators-guide.md");
    const std::string section =
        "\n### " + id + "\n\n" + rule["help"]["markdown"].get<std::string>();
    EXPECT_NE(guide.find(section), std::string::npos) << id;
    EXPECT_GT(rule["help"]["text"].get<std::string>().size(), 100u) << id;
  }
}

}  // namespace
}  // namespace haguard::check_test
