// The Prometheus exposition: series counted by their labels, escaped, the latency histogram, the
// gauges, and the exemption expiry series that come and go with the objects.

#include "webhook/metrics.h"

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace haguard::webhook {
namespace {

using Labels = std::map<std::string, std::string>;

/// One sample line of the exposition, read back: name, labels (unescaped), value.
struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

std::vector<Sample> samples(const std::string& text) {
  std::vector<Sample> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    std::size_t i = line.find_first_of("{ ");
    s.name = line.substr(0, i);
    if (line[i] == '{') {
      ++i;
      while (line[i] != '}') {
        const std::size_t eq = line.find('=', i);
        std::string key = line.substr(i, eq - i), value;
        for (i = eq + 2; line[i] != '"'; ++i) {
          if (line[i] == '\\') {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
        }
        s.labels[key] = value;
        i += line[i + 1] == ',' ? 2 : 1;
      }
      ++i;
    }
    const std::string value = line.substr(i + 1);
    s.value = value == "+Inf" ? HUGE_VAL : std::stod(value);
    out.push_back(std::move(s));
  }
  return out;
}

/// The value of the series `name` with exactly `labels` (a bucket's "le" compared as a number).
std::optional<double> value_of(const std::string& text, const std::string& name,
                               const Labels& labels) {
  for (const Sample& s : samples(text)) {
    if (s.name != name || s.labels.size() != labels.size()) continue;
    bool same = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      same = same && it != s.labels.end() &&
             (k == "le" && v != "+Inf" && it->second != "+Inf" ? std::stod(it->second) == std::stod(v)
                                                                 : it->second == v);
    }
    if (same) return s.value;
  }
  return std::nullopt;
}

std::size_t count_series(const std::string& text, const std::string& name) {
  std::size_t n = 0;
  for (const Sample& s : samples(text)) n += s.name == name;
  return n;
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
  const auto request = [](const char* endpoint, const char* operation, const char* decision) {
    return Labels{{"endpoint", endpoint}, {"environment", "production"}, {"operation", operation},
                  {"kind", "Deployment"}, {"decision", decision}};
  };
  EXPECT_EQ(value_of(text, "haguard_admission_requests_total", request("validate", "CREATE", "denied")), 2) << text;
  EXPECT_EQ(value_of(text, "haguard_admission_requests_total", request("mutate", "UPDATE", "patched")), 1);
  EXPECT_EQ(value_of(text, "haguard_findings_total",
                     {{"rule", "min-replicas"}, {"outcome", "fail"}, {"environment", "production"}}),
            2);
  EXPECT_EQ(value_of(text, "haguard_findings_total",
                     {{"rule", "probes"}, {"outcome", "pass"}, {"environment", "production"}}),
            1);
  EXPECT_EQ(value_of(text, "haguard_exemptions_used_total", {{"rule", "probes"}}), 1);
  EXPECT_EQ(value_of(text, "haguard_http_responses_total", {{"code", "200"}}), 2);
  EXPECT_EQ(value_of(text, "haguard_http_responses_total", {{"code", "400"}}), 1);
  EXPECT_EQ(value_of(text, "haguard_parent_lookups_total", {{"result", "cached"}}), 1);
  EXPECT_EQ(value_of(text, "haguard_policy_reloads_total", {{"result", "success"}}), 1);
  EXPECT_EQ(value_of(text, "haguard_policy_info", {{"hash", "abc123"}, {"source", "embedded"}}), 1);
  EXPECT_EQ(value_of(text, "haguard_policy_last_reload_success", {}), 1);
  EXPECT_EQ(value_of(text, "haguard_certificate_not_after_seconds", {}), 1800000000);
  EXPECT_EQ(value_of(text, "haguard_build_info", {{"version", HAGUARD_VERSION}}), 1);
  // 0.7 ms and 3 ms: not in the 0.5 ms bucket, one in 1 ms, both in 5 ms and above.
  const std::string bucket = "haguard_admission_duration_seconds_bucket";
  EXPECT_EQ(value_of(text, bucket, {{"endpoint", "validate"}, {"le", "0.0005"}}), 0);
  EXPECT_EQ(value_of(text, bucket, {{"endpoint", "validate"}, {"le", "0.001"}}), 1);
  EXPECT_EQ(value_of(text, bucket, {{"endpoint", "validate"}, {"le", "0.005"}}), 2);
  EXPECT_EQ(value_of(text, bucket, {{"endpoint", "validate"}, {"le", "+Inf"}}), 2);
  EXPECT_EQ(value_of(text, "haguard_admission_duration_seconds_count", {{"endpoint", "validate"}}), 2);
  EXPECT_NEAR(*value_of(text, "haguard_admission_duration_seconds_sum", {{"endpoint", "validate"}}),
              0.0037, 1e-12);
  EXPECT_EQ(value_of(text, bucket, {{"endpoint", "mutate"}, {"le", "2.5"}}), 1);
  EXPECT_EQ(value_of(text, bucket, {{"endpoint", "mutate"}, {"le", "1"}}), 0);
  EXPECT_NE(text.find("# TYPE haguard_admission_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("# TYPE haguard_admission_duration_seconds histogram"), std::string::npos);
  // prometheus-cpp writes a family once it has a series.
  EXPECT_EQ(count_series(text, "haguard_certificate_reloads_total"), 0u) << "no series yet";
}

TEST(Metrics, PolicyInfoNamesThePolicyInForce) {
  Metrics m;
  m.policy_reload(true, "abc", "embedded");
  m.policy_reload(true, "def", "/etc/haguard/policy.yaml");
  m.policy_reload(false, "", "/etc/haguard/policy.yaml");  // the last good one stays in force
  const std::string text = m.render();
  EXPECT_EQ(count_series(text, "haguard_policy_info"), 1u) << text;
  EXPECT_EQ(value_of(text, "haguard_policy_info",
                     {{"hash", "def"}, {"source", "/etc/haguard/policy.yaml"}}),
            1);
  EXPECT_EQ(value_of(text, "haguard_policy_last_reload_success", {}), 0);
  EXPECT_EQ(value_of(text, "haguard_policy_reloads_total", {{"result", "error"}}), 1);
  EXPECT_EQ(value_of(text, "haguard_policy_reloads_total", {{"result", "success"}}), 2);
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.finding("a\"b\\c\nd", "fail", "prod");
  const std::string text = m.render();
  EXPECT_NE(text.find(R"(rule="a\"b\\c\nd")"), std::string::npos) << text;
  EXPECT_EQ(value_of(text, "haguard_findings_total",
                     {{"rule", "a\"b\\c\nd"}, {"outcome", "fail"}, {"environment", "prod"}}),
            1);
}

TEST(Metrics, SeriesKeysKeepValuesApart) {
  // Values are looked up with their length: no value can pass for another label set.
  using namespace std::string_literals;
  Metrics m;
  m.finding("a\0b"s, "fail", "p");
  m.finding("a", "fail", "p");
  m.finding("a", "b\0fail"s, "p");  // joined with NULs alone, the same text as the first
  m.finding("", "", "");
  const std::string text = m.render();
  EXPECT_EQ(value_of(text, "haguard_findings_total",
                     {{"rule", "a\0b"s}, {"outcome", "fail"}, {"environment", "p"}}),
            1)
      << text;
  EXPECT_EQ(value_of(text, "haguard_findings_total",
                     {{"rule", "a"}, {"outcome", "fail"}, {"environment", "p"}}),
            1);
  EXPECT_EQ(value_of(text, "haguard_findings_total",
                     {{"rule", "a"}, {"outcome", "b\0fail"s}, {"environment", "p"}}),
            1);
  EXPECT_EQ(count_series(text, "haguard_findings_total"), 4u) << text;
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
  // Rendering while the threads count.
  for (int i = 0; i < 50; ++i)
    EXPECT_NE(m.render().find("# TYPE haguard_build_info gauge"), std::string::npos);
  for (auto& t : threads) t.join();
  const std::string text = m.render();
  for (const char* rule : {"probes", "min-replicas"})
    EXPECT_EQ(value_of(text, "haguard_findings_total",
                       {{"rule", rule}, {"outcome", "pass"}, {"environment", "production"}}),
              10000);
  EXPECT_EQ(value_of(text, "haguard_http_responses_total", {{"code", "200"}}), 20000);
}

TEST(Metrics, InstancesCountApart) {
  auto first = std::make_unique<Metrics>();
  Metrics second;
  first->http_response(200);
  second.http_response(200);
  second.http_response(200);
  EXPECT_EQ(value_of(first->render(), "haguard_http_responses_total", {{"code", "200"}}), 1);
  EXPECT_EQ(value_of(second.render(), "haguard_http_responses_total", {{"code", "200"}}), 2);
  first.reset();
  Metrics third;
  third.http_response(503);
  const std::string text = third.render();
  EXPECT_EQ(value_of(text, "haguard_http_responses_total", {{"code", "503"}}), 1) << text;
  EXPECT_EQ(text.find(R"(code="200")"), std::string::npos) << text;
}

TEST(Metrics, ExemptionExpiryFollowsTheObject) {
  using std::chrono::seconds;
  using std::chrono::system_clock;
  const system_clock::time_point until(seconds(1'796'000'000));
  const std::string name = "haguard_exemption_expiry_timestamp_seconds";
  const auto series = [](const char* object, const char* rule) {
    return Labels{{"namespace", "prod"}, {"kind", "Deployment"}, {"name", object}, {"rule", rule}};
  };
  Metrics m;
  m.exemption_expiry("prod", "Deployment", "dapp", {}, std::nullopt);  // nothing to forget
  EXPECT_EQ(count_series(m.render(), name), 0u);

  m.exemption_expiry("prod", "Deployment", "dapp", {"min-replicas", "probes"}, until);
  m.exemption_expiry("prod", "Deployment", "other", {"*"}, until + seconds(60));
  std::string text = m.render();
  EXPECT_EQ(value_of(text, name, series("dapp", "min-replicas")), 1'796'000'000) << text;
  EXPECT_EQ(value_of(text, name, series("dapp", "probes")), 1'796'000'000);
  EXPECT_EQ(value_of(text, name, series("other", "*")), 1'796'000'060);

  // Admitted again with one rule left and a later expiry: the other rule's series goes.
  m.exemption_expiry("prod", "Deployment", "dapp", {"probes"}, until + seconds(3600));
  text = m.render();
  EXPECT_EQ(value_of(text, name, series("dapp", "min-replicas")), std::nullopt) << text;
  EXPECT_EQ(value_of(text, name, series("dapp", "probes")), 1'796'003'600);

  // Admitted without an exemption (or one without an expiry): its series go, the other stays.
  m.exemption_expiry("prod", "Deployment", "dapp", {}, std::nullopt);
  text = m.render();
  EXPECT_EQ(value_of(text, name, series("dapp", "probes")), std::nullopt) << text;
  EXPECT_EQ(count_series(text, name), 1u) << text;
  m.exemption_expiry("prod", "Deployment", "other", {"*"}, std::nullopt);
  EXPECT_EQ(count_series(m.render(), name), 0u) << m.render();
}

}  // namespace
}  // namespace haguard::webhook
