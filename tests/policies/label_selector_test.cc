#include <gtest/gtest.h>

#include "policies/label_selector.h"

namespace haguard {
namespace {

TEST(LabelSelector, MatchLabelsAndExpressions) {
  Labels pod{{"app", "dapp"}, {"tier", "web"}};
  EXPECT_EQ(selector_matches(json::parse(R"({"matchLabels":{"app":"dapp"}})"), pod), true);
  EXPECT_EQ(selector_matches(json::parse(R"({"matchLabels":{"app":"api"}})"), pod), false);
  EXPECT_EQ(selector_matches(json::parse(R"({"matchLabels":{"app":"dapp","x":"y"}})"), pod), false);
  EXPECT_EQ(selector_matches(json::parse(
                R"({"matchExpressions":[{"key":"tier","operator":"In","values":["web","api"]}]})"), pod),
            true);
  EXPECT_EQ(selector_matches(json::parse(
                R"({"matchExpressions":[{"key":"tier","operator":"NotIn","values":["web"]}]})"), pod),
            false);
  EXPECT_EQ(selector_matches(json::parse(R"({"matchExpressions":[{"key":"tier","operator":"Exists"}]})"), pod),
            true);
  EXPECT_EQ(selector_matches(
                json::parse(R"({"matchExpressions":[{"key":"gone","operator":"DoesNotExist"}]})"), pod),
            true);
  EXPECT_EQ(selector_matches(json::object(), pod), true);   // empty selects everything
  EXPECT_EQ(selector_matches(json(nullptr), pod), false);   // null selects nothing
}

TEST(LabelSelector, MalformedIsNotAMatch) {
  Labels pod{{"app", "dapp"}};
  EXPECT_FALSE(selector_matches(json::parse(R"({"matchLabels":["app"]})"), pod).has_value());
  EXPECT_FALSE(selector_matches(json::parse(R"({"matchExpressions":[{"key":"a","operator":"Near"}]})"), pod)
                   .has_value());
  EXPECT_FALSE(selector_matches(json("app=dapp"), pod).has_value());
}

TEST(LabelSelector, ParsesScaleSelectorStrings) {
  EXPECT_EQ(parse_selector_string("app=dapp,tier==web"), (Labels{{"app", "dapp"}, {"tier", "web"}}));
  EXPECT_EQ(parse_selector_string("app.kubernetes.io/name=dapp, env in (a,b), !legacy, x!=y"),
            (Labels{{"app.kubernetes.io/name", "dapp"}}));
  EXPECT_TRUE(parse_selector_string("").empty());
}

}  // namespace
}  // namespace haguard
