// Walks tests/cases/<rule-id>/*.yaml: each case holds an input object, the environment, optional
// context objects (an HPA, a PDB), the findings expected for that rule, and the expected object
// after fix (absent: the fix changes nothing). Every case also checks the fix's invariants:
// the patch applies to the input and yields the fixed object, and fixing again changes nothing.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "plugin/manifest_io.h"
#include "policies/engine.h"
#include "policies/rule.h"

namespace haguard {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string rule;
  fs::path file;
};

/// How gtest names a case in its output: the file, not the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.rule << "/" << c.file.filename().string(); }

std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (const auto& dir : fs::directory_iterator(HAGUARD_CASES_DIR)) {
    if (!dir.is_directory() || !is_known_rule(dir.path().filename().string())) continue;
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".yaml") out.push_back({dir.path().filename().string(), f.path()});
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.file < b.file; });
  return out;
}

json load_case(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto read = plugin::read_manifests(ss.str(), file.string());
  if (!read.errors.empty()) throw std::runtime_error(read.errors.front().describe());
  if (read.documents.size() != 1) throw std::runtime_error(file.string() + ": want one document");
  return read.documents.front().object;
}

bool is_set_rule(const std::string& id) {
  for (const SetRule* r : all_set_rules())
    if (r->id() == id) return true;
  return false;
}

class RuleCases : public testing::TestWithParam<Case> {};

TEST_P(RuleCases, FindingsAndFix) {
  const Case& c = GetParam();
  json spec = load_case(c.file);
  ASSERT_TRUE(spec.contains("input")) << c.file;
  const json& input = spec["input"];
  const std::string env = spec.value("environment", "production");
  Engine engine(default_policy());

  std::vector<json> context = spec.value("context", json::array()).get<std::vector<json>>();
  std::vector<const json*> members{&input};
  for (const json& o : context) members.push_back(&o);
  ObjectSet set(members);
  EvalContext ctx;
  ctx.environment = env;
  ctx.set = &set;
  ctx.now = *parse_rfc3339("2026-11-25T12:00:00Z");

  std::vector<Finding> got;
  if (is_set_rule(c.rule)) {
    for (auto& [index, f] : engine.evaluate_set(set, std::vector<std::string>(members.size(), env), ctx.now))
      if (index == 0 && f.rule == c.rule) got.push_back(f);
  } else {
    for (const Finding& f : engine.evaluate(input, ctx).findings)
      if (f.rule == c.rule && f.outcome != Outcome::pass) got.push_back(f);
  }
  const json expected = spec.value("findings", json::array());
  ASSERT_EQ(got.size(), expected.size()) << c.file << "\nfirst finding: "
                                         << (got.empty() ? "(none)" : got.front().message);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const json& e = expected[i];
    SCOPED_TRACE(c.file.string() + " finding " + std::to_string(i) + ": " + got[i].message);
    EXPECT_EQ(to_string(got[i].outcome), e.value("outcome", "fail"));
    if (e.contains("enforcement")) {
      EXPECT_EQ(to_string(got[i].enforcement), e["enforcement"].get<std::string>());
    }
    if (e.contains("path")) {
      EXPECT_EQ(got[i].path, e["path"].get<std::string>());
    }
    if (e.contains("fixable")) {
      EXPECT_EQ(got[i].fixable, e["fixable"].get<bool>());
    }
    if (e.contains("exemption")) {
      EXPECT_NE(got[i].exemption.find(e["exemption"].get<std::string>()), std::string::npos);
    }
    for (const auto& needle : e.value("message", json::array()))
      EXPECT_NE(got[i].message.find(needle.get<std::string>()), std::string::npos) << needle;
    EXPECT_EQ(got[i].message.find('\n'), std::string::npos) << "messages are one line";
    EXPECT_NE(got[i].message.rfind(display_name(input), 0), 0u) << "the doors name the object";
  }

  if (is_set_rule(c.rule)) return;

  // The webhook judges the object where simdjson parsed it: the same findings, fix and patch.
  const std::string text = input.dump();
  simdjson::dom::parser parser;
  simdjson::dom::element dom;
  ASSERT_EQ(parser.parse(text).get(dom), simdjson::SUCCESS);
  const Evaluation from_tree = engine.evaluate(input, ctx);
  const Evaluation from_dom = engine.evaluate(JsonNode::dom(dom), ctx);
  EXPECT_EQ(from_dom.kind, from_tree.kind);
  EXPECT_EQ(from_dom.namespace_, from_tree.namespace_);
  EXPECT_EQ(from_dom.name, from_tree.name);
  ASSERT_EQ(from_dom.findings.size(), from_tree.findings.size());
  for (std::size_t i = 0; i < from_tree.findings.size(); ++i) {
    const Finding &d = from_dom.findings[i], &t = from_tree.findings[i];
    EXPECT_EQ(std::tie(d.rule, d.outcome, d.enforcement, d.path, d.message, d.fixable, d.exemption),
              std::tie(t.rule, t.outcome, t.enforcement, t.path, t.message, t.fixable, t.exemption))
        << "from the DOM: " << d.message << "\nfrom the tree: " << t.message;
  }

  FixResult fixed = engine.fix(input, ctx);
  FixResult fixed_from_dom = engine.fix(JsonNode::dom(dom), ctx);
  EXPECT_EQ(fixed_from_dom.object, fixed.object);
  EXPECT_EQ(fixed_from_dom.patch, fixed.patch);
  EXPECT_EQ(fixed_from_dom.rules, fixed.rules);
  const json want = spec.contains("fixed") ? spec["fixed"] : input;
  EXPECT_EQ(fixed.object, want) << c.file << "\ngot:\n" << fixed.object.dump(2);
  EXPECT_EQ(input.patch(fixed.patch), fixed.object) << "the patch applies to the object as received";
  FixResult again = engine.fix(fixed.object, ctx);
  EXPECT_TRUE(again.patch.empty()) << "fix is idempotent; second patch: " << again.patch.dump();
  EXPECT_EQ(again.object, fixed.object);
}

INSTANTIATE_TEST_SUITE_P(Cases, RuleCases, testing::ValuesIn(all_cases()), [](const auto& p) {
  std::string n = p.param.rule + "_" + p.param.file.stem().string();
  std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return n;
});

TEST(RuleCases, EveryRuleHasPassingAndFailingCases) {
  auto cases = all_cases();
  auto count = [&](std::string_view rule, std::string_view prefix) {
    return std::count_if(cases.begin(), cases.end(), [&](const Case& c) {
      return c.rule == rule && c.file.filename().string().rfind(prefix, 0) == 0;
    });
  };
  for (const Rule* r : all_rules()) {
    EXPECT_GT(count(r->id(), "pass"), 0) << r->id();
    EXPECT_GT(count(r->id(), "fail"), 0) << r->id();
  }
  for (const SetRule* r : all_set_rules()) EXPECT_GT(count(r->id(), "fail"), 0) << r->id();
}

}  // namespace
}  // namespace haguard
