// json_diff must give exactly nlohmann's json::diff ops, in the same order, and its patch must
// turn the first document into the second: over every object in the shared corpus, each paired
// with the engine's fix of it and with many random edits of it.

#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "manifest_io/manifest_io.h"
#include "policies/engine.h"
#include "policies/json_patch.h"

namespace haguard {
namespace {

std::vector<json> corpus_objects() {
  std::vector<json> out;
  for (const char* name :
       {"argo-cd-namespace-install.yaml", "ingress-nginx-deploy.yaml", "microservices-demo.yaml"}) {
    std::ifstream in(std::string(HAGUARD_CORPUS_DIR) + "/" + name);
    EXPECT_TRUE(in) << name;
    std::stringstream ss;
    ss << in.rdbuf();
    for (auto& d : haguard::read_manifests(ss.str(), name).documents) out.push_back(std::move(d.object));
  }
  return out;
}

void expect_same_as_nlohmann(const json& from, const json& to) {
  json ours = json_diff(from, to);
  ASSERT_EQ(ours, json::diff(from, to)) << "from: " << from.dump() << "\nto: " << to.dump();
  ASSERT_EQ(from.patch(ours), to);
}

/// One random edit somewhere in `doc`: change, remove or add a member, grow or shrink an array,
/// or change a value's type.
void edit(json& doc, std::mt19937& rng) {
  json* cur = &doc;
  // Walk down a random number of levels.
  for (int depth = std::uniform_int_distribution<int>(0, 8)(rng); depth > 0; --depth) {
    if (cur->is_object() && !cur->empty()) {
      auto it = cur->begin();
      std::advance(it, std::uniform_int_distribution<std::size_t>(0, cur->size() - 1)(rng));
      cur = &*it;
    } else if (cur->is_array() && !cur->empty()) {
      cur = &(*cur)[std::uniform_int_distribution<std::size_t>(0, cur->size() - 1)(rng)];
    } else {
      break;
    }
  }
  switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
    case 0: *cur = "edited"; break;
    case 1: *cur = 42; break;
    case 2:
      if (cur->is_object() && !cur->empty()) cur->erase(cur->begin());
      break;
    case 3:
      if (cur->is_object()) (*cur)["added/~key"] = json{{"x", 1}};
      break;
    case 4:
      if (cur->is_array()) cur->push_back(json::array({1, "two"}));
      break;
    case 5:
      if (cur->is_array() && !cur->empty()) cur->erase(cur->begin());
      break;
  }
}

TEST(JsonDiff, SmallCases) {
  expect_same_as_nlohmann(json(nullptr), json(nullptr));
  expect_same_as_nlohmann(json(1), json(1u));  // equal numbers of different types: no op
  expect_same_as_nlohmann(json(1), json("1"));
  expect_same_as_nlohmann(json::parse(R"({"a":1,"b":[1,2,3],"c/d":{"e~f":1}})"),
                          json::parse(R"({"b":[1],"c/d":{"e~f":2},"z":null})"));
  expect_same_as_nlohmann(json::parse(R"([1,[2,3],{"a":[]}])"), json::parse(R"([1,[2,3,4,5],{"a":{}},7])"));
  expect_same_as_nlohmann(json::parse(R"({"":1,"a":{"":2}})"), json::parse(R"({"a":{"":3},"b":1})"));
}

TEST(JsonDiff, CorpusObjectsAndTheirFixes) {
  auto objects = corpus_objects();
  ASSERT_GT(objects.size(), 100u) << "the shared corpus was not found at " << HAGUARD_CORPUS_DIR;
  Engine engine(default_policy());
  EvalContext ctx;
  ctx.environment = "production";
  int fixed = 0;
  for (json o : objects) {
    // Run highly available, as the objects the webhook fixes are: single replicas are not asked
    // to spread, and that fix is the largest.
    if (o.value("kind", "") == "Deployment" || o.value("kind", "") == "StatefulSet") o["spec"]["replicas"] = 2;
    FixResult r = engine.fix(o, ctx);
    expect_same_as_nlohmann(o, r.object);
    expect_same_as_nlohmann(r.object, o);
    fixed += r.rules.empty() ? 0 : 1;
  }
  EXPECT_GT(fixed, 10);  // the corpus has plenty to fix: the comparison saw real patches
}

TEST(JsonDiff, RandomEditsOfCorpusObjects) {
  auto objects = corpus_objects();
  ASSERT_FALSE(objects.empty());
  std::mt19937 rng(20261126);
  for (const json& o : objects) {
    for (int round = 0; round < 20; ++round) {
      json edited = o;
      for (int n = std::uniform_int_distribution<int>(1, 4)(rng); n > 0; --n) edit(edited, rng);
      expect_same_as_nlohmann(o, edited);
      expect_same_as_nlohmann(edited, o);
    }
  }
}

}  // namespace
}  // namespace haguard
