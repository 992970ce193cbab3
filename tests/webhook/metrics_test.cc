// The Prometheus exposition: series counted by their labels, escaped, and the latency histogram.

#include "webhook/metrics.h"

#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace haguard::webhook {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(Metrics, CountsEachLabelSetSeparately) {
  Metrics m;
  m.request("validate", "production", "CREATE", "Deployment", "denied", 0.0007);
  m.request("validate", "production", "CREATE", "Deployment", "denied", 0.003);
  m.request("mutate", "production", "UPDATE", "Deployment", "patched", 2.0);
  m.finding("min-replicas", "fail", "production");
  m.finding("min-replicas", "fail", "production");
  m.finding("probes", "pass", "production");
  m.exemption_used("probes");
  m.http_response(200);
  m.http_response(200);
  m.http_response(400);
  m.parent_lookup("cached");
  m.policy_reload(true, "abc123", "embedded");
  m.certificate_not_after(1800000000);
  const std::string text = m.render();
  for (
      const std::string line : {
          R"(haguard_admission_requests_total{endpoint="validate",environment="production",operation="CREATE",kind="Deployment",decision="denied"} 2)",
          R"(haguard_admission_requests_total{endpoint="mutate",environment="production",operation="UPDATE",kind="Deployment",decision="patched"} 1)",
          R"(haguard_findings_total{rule="min-replicas",outcome="fail",environment="production"} 2)",
          R"(haguard_findings_total{rule="probes",outcome="pass",environment="production"} 1)",
          R"(haguard_exemptions_used_total{rule="probes"} 1)",
          R"(haguard_http_responses_total{code="200"} 2)",
          R"(haguard_http_responses_total{code="400"} 1)",
          R"(haguard_parent_lookups_total{result="cached"} 1)",
          R"(haguard_policy_reloads_total{result="success"} 1)",
          R"(haguard_policy_info{hash="abc123",source="embedded"} 1)",
          R"(haguard_policy_last_reload_success 1)",
          R"(haguard_certificate_not_after_seconds 1800000000)",
          // 0.7 ms and 3 ms: not in the 0.5 ms bucket, one in 1 ms, both in 5 ms and above.
          R"(haguard_admission_duration_seconds_bucket{endpoint="validate",le="0.00050000000000000001"} 0)",
          R"(haguard_admission_duration_seconds_bucket{endpoint="validate",le="0.001"} 1)",
          R"(haguard_admission_duration_seconds_bucket{endpoint="validate",le="0.0050000000000000001"} 2)",
          R"(haguard_admission_duration_seconds_bucket{endpoint="validate",le="+Inf"} 2)",
          R"(haguard_admission_duration_seconds_count{endpoint="validate"} 2)",
          R"(haguard_admission_duration_seconds_bucket{endpoint="mutate",le="2.5"} 1)",
          R"(haguard_admission_duration_seconds_bucket{endpoint="mutate",le="1"} 0)",
      })
    EXPECT_TRUE(has_line(text, line)) << line << "\nin:\n" << text;
  EXPECT_EQ(text.find("certificate_reloads_total{"), std::string::npos) << "no series yet";
  EXPECT_NE(text.find("# TYPE haguard_certificate_reloads_total counter"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.finding("a\"b\\c\nd", "fail", "prod");
  EXPECT_TRUE(
      has_line(m.render(),
               R"(haguard_findings_total{rule="a\"b\\c\nd",outcome="fail",environment="prod"} 1)"))
      << m.render();
}

TEST(Metrics, SeriesKeysKeepValuesApart) {
  // Values are stored with their length: no value can pass for another label set.
  using namespace std::string_literals;
  Metrics m;
  m.finding("a\0b"s, "fail", "p");
  m.finding("a", "fail", "p");
  m.finding("a", "b\0fail"s, "p");  // joined with NULs alone, the same text as the first
  m.finding("", "", "");
  const std::string text = m.render();
  EXPECT_TRUE(has_line(text, R"(haguard_findings_total{rule="a)"s + '\0' +
                                 R"(b",outcome="fail",environment="p"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(haguard_findings_total{rule="a",outcome="fail",environment="p"} 1)"));
  EXPECT_TRUE(has_line(text, R"(haguard_findings_total{rule="a",outcome="b)"s + '\0' +
                                 R"(fail",environment="p"} 1)"));
  EXPECT_TRUE(has_line(text, R"(haguard_findings_total{rule="",outcome="",environment=""} 1)"));
  std::size_t series = 0;
  for (std::size_t at = text.find("\nhaguard_findings_total{"); at != std::string::npos;
       at = text.find("\nhaguard_findings_total{", at + 1))
    ++series;
  EXPECT_EQ(series, 4u) << text;
}

TEST(Metrics, ThreadsCountEveryIncrement) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m] {
      for (int i = 0; i < 5000; ++i) {
        m.finding(i % 2 ? "probes" : "min-replicas", "pass", "production");
        m.http_response(200);
      }
    });
  // Rendering while the threads count: each sees a consistent sum so far, never a torn series.
  for (int i = 0; i < 50; ++i) EXPECT_NE(m.render().find("# TYPE haguard_findings_total"), std::string::npos);
  for (auto& t : threads) t.join();
  const std::string text = m.render();
  EXPECT_TRUE(has_line(
      text,
      R"(haguard_findings_total{rule="probes",outcome="pass",environment="production"} 10000)"));
  EXPECT_TRUE(has_line(
      text,
      R"(haguard_findings_total{rule="min-replicas",outcome="pass",environment="production"} 10000)"));
  EXPECT_TRUE(has_line(text, R"(haguard_http_responses_total{code="200"} 20000)"));
}

TEST(Metrics, InstancesOnOneThreadCountApart) {
  // Each thread keeps a shard per instance: a second Metrics (as in tests, or a restarted
  // server) must not count into the first one's, even when one is destroyed and another made.
  auto first = std::make_unique<Metrics>();
  Metrics second;
  first->http_response(200);
  second.http_response(200);
  second.http_response(200);
  EXPECT_TRUE(has_line(first->render(), R"(haguard_http_responses_total{code="200"} 1)"));
  EXPECT_TRUE(has_line(second.render(), R"(haguard_http_responses_total{code="200"} 2)"));
  first.reset();
  Metrics third;
  third.http_response(503);
  const std::string text = third.render();
  EXPECT_TRUE(has_line(text, R"(haguard_http_responses_total{code="503"} 1)")) << text;
  EXPECT_EQ(text.find(R"(code="200")"), std::string::npos) << text;
}

}  // namespace
}  // namespace haguard::webhook
