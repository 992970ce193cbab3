// JsonNode answers alike over a nlohmann tree and over a simdjson DOM of the same text: every
// question the rules ask, on values of every type, malformed shapes included.

#include "policies/json_node.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

namespace haguard {
namespace {

/// What a node answers, as one JSON value to compare.
json answers(JsonNode n) {
  json out = {{"present", n.present()},     {"null", n.is_null()},
              {"object", n.is_object()},    {"array", n.is_array()},
              {"string", n.is_string()},    {"boolean", n.is_boolean()},
              {"number", n.is_number()},    {"str", std::string(n.str())},
              {"size", n.size()},           {"empty", n.empty()},
              {"value", n.to_json()}};
  out["integer"] = n.integer() ? json(*n.integer()) : json("none");
  json members = json::array();  // in key order from both: compared as listed
  for (const auto& [key, value] : n.members()) members.push_back({key, answers(value)});
  out["members"] = members;
  json items = json::array();
  for (JsonNode item : n.items()) items.push_back(answers(item));
  out["items"] = items;
  for (const char* key : {"a", "kind", "", "missing"})
    out["at " + std::string(key)] = n[key] ? answers(n[key]) : json("absent");
  out["dump"] = n.dump();  // nlohmann's text from both
  return out;
}

class JsonNodeAlike : public ::testing::TestWithParam<const char*> {};

TEST_P(JsonNodeAlike, TreeAndDomAnswerTheSame) {
  const std::string text = GetParam();
  const json tree = json::parse(text);
  simdjson::dom::parser parser;
  simdjson::dom::element dom;
  ASSERT_EQ(parser.parse(text).get(dom), simdjson::SUCCESS) << text;
  const JsonNode from_dom = JsonNode::dom(dom);
  EXPECT_EQ(answers(from_dom), answers(tree)) << text;
  EXPECT_EQ(from_dom.tree(), nullptr);
  EXPECT_EQ(JsonNode(tree).tree(), &tree);
}

INSTANTIATE_TEST_SUITE_P(
    Values, JsonNodeAlike,
    ::testing::Values(
        "null", "true", "false", "0", "3", "-7", "9223372036854775807", "18446744073709551615",
        "-9223372036854775808", "2.5", "3.0", "1e2", "\"\"", "\"dapp\"", "\"caf\\u00e9 \\\"q\\\"\"",
        "[]", "{}", "[1,\"a\",null,[2],{\"a\":1}]",
        R"({"kind":"Deployment","a":{"a":{"kind":[true]}},"":"empty key","z":null})",
        R"({"b":"2","a":"1","c":{"d":[{"e":"f"}]},"kind":7})"));

TEST(JsonNode, AnAbsentNodeAnswersNothing) {
  const JsonNode none;
  EXPECT_FALSE(none);
  EXPECT_FALSE(none.is_null());
  EXPECT_FALSE(none["a"]);
  EXPECT_TRUE(none.items().empty());
  EXPECT_TRUE(none.members().empty());
  EXPECT_EQ(none.dump(), "");
  EXPECT_TRUE(none.to_json().is_null());
  EXPECT_FALSE(none.integer());
  // JSON null is a value: present, unlike an absent member.
  const json null_value;
  EXPECT_TRUE(JsonNode(null_value));
  EXPECT_TRUE(JsonNode(null_value).is_null());
}

TEST(JsonNode, LookupsGoDownBothBackendsAlike) {
  const std::string text =
      R"({"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"name":"http"}]}]}}}})";
  const json tree = json::parse(text);
  simdjson::dom::parser parser;
  simdjson::dom::element dom;
  ASSERT_EQ(parser.parse(text).get(dom), simdjson::SUCCESS);
  for (JsonNode root : {JsonNode(tree), JsonNode::dom(dom)}) {
    const JsonNode containers = root["spec"]["template"]["spec"]["containers"];
    ASSERT_TRUE(containers.is_array());
    ASSERT_EQ(containers.items().size(), 1u);
    EXPECT_TRUE(containers.items()[0]["ports"].items()[0]["name"].equals("http"));
    EXPECT_FALSE(containers.items()[0]["ports"].items()[0]["name"].equals("htt"));
    EXPECT_FALSE(root["spec"]["replicas"]);
    EXPECT_FALSE(root["spec"]["template"]["spec"]["containers"]["name"]);  // not an object
  }
}

}  // namespace
}  // namespace haguard
