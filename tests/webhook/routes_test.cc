#include "webhook/routes.h"
#include "webhook/flags.h"

#include <gtest/gtest.h>

namespace haguard::webhook {
namespace {

TEST(ParseRoute, AdmissionPathsWithEnvironmentAndTimeout) {
  Route r = parse_route("/validate/production?timeout=10s");
  EXPECT_EQ(r.kind, RouteKind::validate);
  EXPECT_EQ(r.environment, "production");
  ASSERT_TRUE(r.timeout);
  EXPECT_EQ(*r.timeout, std::chrono::seconds(10));

  r = parse_route("/mutate");
  EXPECT_EQ(r.kind, RouteKind::mutate);
  EXPECT_EQ(r.environment, "");
  EXPECT_FALSE(r.timeout);

  EXPECT_EQ(parse_route("/mutate/staging?x=1&timeout=5s").environment, "staging");
  EXPECT_EQ(parse_route("/healthz").kind, RouteKind::healthz);
  EXPECT_EQ(parse_route("/readyz?verbose").kind, RouteKind::readyz);
  EXPECT_EQ(parse_route("/metrics").kind, RouteKind::metrics);
}

TEST(ParseRoute, TimeoutIsAGoDurationThatGivesABudget) {
  EXPECT_EQ(parse_route("/validate?timeout=1m30s").timeout, std::chrono::seconds(90));
  EXPECT_EQ(parse_route("/validate?timeout=2.5s").timeout, std::chrono::milliseconds(2500));
  // A negative timeout leaves no budget to work with: treated as absent.
  EXPECT_FALSE(parse_route("/validate?timeout=-5s").timeout);
  // Not Go's grammar (the number "1.2.3"): absent, not 1.2 s.
  EXPECT_FALSE(parse_route("/validate?timeout=1.2.3s").timeout);
  EXPECT_FALSE(parse_route("/validate?timeout=10").timeout);
}

TEST(ParseRoute, UnknownPathsAreNotFound) {
  for (const char* t : {"/", "/validate/", "/validate/Prod", "/validate/a/b", "/validatex",
                        "/mutate/under_score", "/healthz/x"})
    EXPECT_EQ(parse_route(t).kind, RouteKind::not_found) << t;
}

TEST(ParseListen, Forms) {
  auto hp = parse_listen("0.0.0.0:8443");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "0.0.0.0");
  EXPECT_EQ(hp->port, 8443);
  hp = parse_listen("[::]:9443");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "::");
  hp = parse_listen(":8443");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "0.0.0.0");
  EXPECT_FALSE(parse_listen("8443"));
  EXPECT_FALSE(parse_listen("host:99999"));
}

}  // namespace
}  // namespace haguard::webhook
