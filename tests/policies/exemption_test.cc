#include <gtest/gtest.h>

#include "policies/engine.h"
#include "policies/exemption.h"

namespace haguard {
namespace {

using namespace std::chrono_literals;

const auto kNow = *parse_rfc3339("2026-11-25T12:00:00Z");

Labels ann(const char* rules, const char* reason, const char* until) {
  Labels a{{"haguard.dalp.io/exempt", rules}};
  if (reason) a["haguard.dalp.io/exempt-reason"] = reason;
  if (until) a["haguard.dalp.io/exempt-until"] = until;
  return a;
}

TEST(Rfc3339, ParsesZuluOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("2026-12-01T06:00:00Z"), parse_rfc3339("2026-12-01T07:00:00+01:00"));
  EXPECT_EQ(*parse_rfc3339("2026-12-01T06:00:00.250Z") - *parse_rfc3339("2026-12-01T06:00:00Z"), 250ms);
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:10Z"), std::chrono::system_clock::time_point(10s));
  for (const char* bad : {"", "2026-12-01", "2026-12-01 06:00:00Z", "2026-13-01T06:00:00Z",
                          "2026-02-30T06:00:00Z", "2026-12-01T06:00:00", "2026-12-01T06:00:00Zjunk",
                          "tomorrow", "2026-12-01T25:00:00Z"})
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
}

TEST(Rfc3339, ClampsBeyondTheClockRange) {  // found by exemption_fuzz: nanoseconds overflowed
  using tp = std::chrono::system_clock::time_point;
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59.5Z"), tp::max());
  EXPECT_EQ(parse_rfc3339("2300-01-01T00:00:00Z"), tp::max());
  EXPECT_EQ(parse_rfc3339("1013-12-01T06:00:00Z"), tp::min());
  EXPECT_LT(*parse_rfc3339("2261-12-31T23:59:59Z"), tp::max());
}

TEST(Exemption, ValidListsRules) {
  Exemption e = read_exemption(ann("min-replicas, probes", "CHG-1", "2026-12-01T06:00:00Z"),
                               *default_policy(), kNow);
  EXPECT_TRUE(e.valid) << e.problem;
  EXPECT_TRUE(e.covers("min-replicas"));
  EXPECT_TRUE(e.covers("probes"));
  EXPECT_FALSE(e.covers("soft-anti-affinity"));
}

TEST(Exemption, StarCoversEveryRule) {
  Exemption e = read_exemption(ann("*", "CHG-1", "2026-12-01T06:00:00Z"), *default_policy(), kNow);
  EXPECT_TRUE(e.valid);
  EXPECT_TRUE(e.covers("soft-anti-affinity"));
  EXPECT_TRUE(e.covers("pod-disruption-budget"));
}

struct VoidCase {
  const char* name;
  Labels annotations;
  const char* problem;
};

class VoidExemptions : public testing::TestWithParam<VoidCase> {};

TEST_P(VoidExemptions, DoNothingAndSayWhy) {
  Exemption e = read_exemption(GetParam().annotations, *default_policy(), kNow);
  EXPECT_TRUE(e.requested);
  EXPECT_FALSE(e.valid);
  EXPECT_FALSE(e.covers("min-replicas"));
  EXPECT_NE(e.problem.find(GetParam().problem), std::string::npos) << e.problem;
}

INSTANTIATE_TEST_SUITE_P(
    All, VoidExemptions,
    testing::Values(VoidCase{"no_reason", ann("min-replicas", nullptr, "2026-12-01T06:00:00Z"), "no reason"},
                    VoidCase{"blank_reason", ann("min-replicas", "  ", "2026-12-01T06:00:00Z"), "no reason"},
                    VoidCase{"expired", ann("min-replicas", "r", "2026-11-25T11:59:59Z"), "expired at"},
                    VoidCase{"unparsable", ann("min-replicas", "r", "next tuesday"), "not an RFC 3339"},
                    VoidCase{"no_expiry", ann("min-replicas", "r", nullptr), "no expiry"},
                    VoidCase{"too_long", ann("min-replicas", "r", "2027-06-01T00:00:00Z"), "further away"},
                    VoidCase{"unknown_rule_only", ann("max-replicas", "r", "2026-12-01T06:00:00Z"),
                             "unknown: max-replicas"},
                    VoidCase{"empty_list", ann(" , ", "r", "2026-12-01T06:00:00Z"), "names no rule"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(Exemption, UnknownIdsBesideKnownOnesAreReported) {
  Exemption e = read_exemption(ann("probes,max-replicas", "r", "2026-12-01T06:00:00Z"), *default_policy(), kNow);
  EXPECT_TRUE(e.valid);
  ASSERT_EQ(e.unknown_rules.size(), 1u);
  EXPECT_EQ(e.unknown_rules[0], "max-replicas");
}

TEST(Exemption, ChangedDetection) {
  Labels a = ann("probes", "r", "2026-12-01T06:00:00Z");
  EXPECT_TRUE(exemption_changed(a, nullptr));  // CREATE with annotations
  EXPECT_FALSE(exemption_changed(a, &a));
  Labels b = a;
  b["haguard.dalp.io/exempt-until"] = "2026-12-02T06:00:00Z";
  EXPECT_TRUE(exemption_changed(b, &a));  // extending the window is a change
  EXPECT_FALSE(exemption_changed(Labels{}, &a));  // removing one is always fine
}

TEST(Exemption, RequesterChecks) {
  Requesters allowed{{"alice"}, {"sre"}, {"argocd:argocd-application-controller"}};
  EXPECT_TRUE(requester_allowed({"alice", {}}, allowed));
  EXPECT_TRUE(requester_allowed({"bob", {"dev", "sre"}}, allowed));
  EXPECT_TRUE(requester_allowed({"system:serviceaccount:argocd:argocd-application-controller", {}}, allowed));
  EXPECT_FALSE(requester_allowed({"bob", {"dev"}}, allowed));
  EXPECT_FALSE(requester_allowed({"system:serviceaccount:default:argocd-application-controller", {}}, allowed));
  EXPECT_TRUE(requester_allowed({"anyone", {}}, Requesters{}));  // empty list: anyone
}

}  // namespace
}  // namespace haguard
