// spec.valueHints: the loader's errors, the chart read from helm.sh/chart, and the hint a finding
// carries (default policy: DALP's charts; a policy author's own chart).

#include <gtest/gtest.h>

#include "policies/engine.h"
#include "policies/value_hints.h"

namespace haguard {
namespace {

const auto kNow = *parse_rfc3339("2026-11-25T12:00:00Z");

EvalContext ctx(std::string_view env) {
  EvalContext c;
  c.environment = env;
  c.now = kNow;
  return c;
}

json from_chart(const std::string& chart_label, const std::string& name_label, int replicas) {
  json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"dalp-dapp","namespace":"dalp","labels":{}},
    "spec":{"selector":{"matchLabels":{"app.kubernetes.io/name":"dapp"}},
      "template":{"metadata":{"labels":{"app.kubernetes.io/name":"dapp"}},
      "spec":{"containers":[{"name":"dapp","image":"dapp:1","ports":[{"name":"http","containerPort":3000}]}]}}}})");
  if (!chart_label.empty()) d["metadata"]["labels"]["helm.sh/chart"] = chart_label;
  d["metadata"]["labels"]["app.kubernetes.io/name"] = name_label;
  d["spec"]["replicas"] = replicas;
  return d;
}

std::string message(const Evaluation& ev, std::string_view rule) {
  for (const auto& f : ev.findings)
    if (f.rule == rule) return f.message;
  return "<no finding>";
}

TEST(ValueHints, ChartNameFromHelmsLabel) {
  EXPECT_EQ(chart_of_label("dalp-1.4.0"), "dalp");
  EXPECT_EQ(chart_of_label("kube-state-metrics-5.27.0"), "kube-state-metrics");
  EXPECT_EQ(chart_of_label("support-v2.0.1-rc.1"), "support");
  EXPECT_EQ(chart_of_label("postgresql-16.4.1_build.3"), "postgresql");
  EXPECT_EQ(chart_of_label("dalp"), "");
  EXPECT_EQ(chart_of_label("my-chart-latest"), "");
}

TEST(ValueHints, DefaultPolicyNamesDalpsValues) {
  Engine e(default_policy());
  Evaluation ev = e.evaluate(from_chart("dalp-1.4.0", "dapp", 1), ctx("production"));
  EXPECT_NE(message(ev, "min-replicas").find("; set dalp.dapp.replicaCount: 2 (values-production-ha.yaml)"),
            std::string::npos)
      << message(ev, "min-replicas");
  EXPECT_NE(message(ev, "soft-anti-affinity").find("set dalp.dapp.podAntiAffinityPreset: soft"),
            std::string::npos);
  EXPECT_NE(message(ev, "probes").find("set dalp.dapp.probes.liveness.enabled: true, "
                                       "dalp.dapp.probes.readiness.enabled: true"),
            std::string::npos)
      << message(ev, "probes");
}

TEST(ValueHints, OnlyOnFindingsAgainstObjectsOfThatChart) {
  Engine e(default_policy());
  // No helm.sh/chart label, another chart, or a passing rule: no hint.
  for (const json& object : {from_chart("", "dapp", 1), from_chart("other-1.0.0", "dapp", 1)})
    EXPECT_EQ(message(e.evaluate(object, ctx("production")), "min-replicas").find("set dalp."),
              std::string::npos);
  Evaluation ok = e.evaluate(from_chart("dalp-1.4.0", "dapp", 2), ctx("production"));
  EXPECT_EQ(message(ok, "min-replicas").find("set dalp."), std::string::npos);
}

const char* kPolicy = R"(apiVersion: haguard.dalp.io/v1alpha1
kind: HAPolicy
spec:
  environments: [production]
  rules:
    min-replicas: {enforcement: enforce}
  valueHints:
)";

TEST(ValueHints, PolicyAuthorsAddTheirOwn) {
  PolicyLoad l = load_policy(std::string(kPolicy) +
                                 "    - chart: billing\n"
                                 "      rule: min-replicas\n"
                                 "      set: \"api.replicas: 3\"\n",
                             "p.yaml");
  ASSERT_TRUE(l.policy) << l.error;
  Engine e(l.policy);
  json object = from_chart("billing-0.9.2", "api", 1);
  std::string m = message(e.evaluate(object, ctx("production")), "min-replicas");
  // No valuesFile: the hint names no file.
  EXPECT_EQ(m.substr(m.size() - std::min<std::size_t>(m.size(), 21)), "; set api.replicas: 3") << m;
}

TEST(ValueHints, BadEntriesNameTheKey) {
  struct Case {
    std::string entry, error;
  };
  const Case cases[] = {
      {"    - {chart: x, rule: min-replica, set: a}",
       "p.yaml:8:24: spec.valueHints[0].rule: unknown rule id \"min-replica\""},
      {"    - {chart: x, rule: probes}", "spec.valueHints[0].set: missing key set"},
      {"    - {chart: x, rule: probes, set: a, value: b}",
       "spec.valueHints[0].value: unknown key (expected one of: chart, rule, labels, set, valuesFile)"},
      {"    - {chart: x, rule: probes, set: {a: [1]}}", "spec.valueHints[0].set.a: must be a scalar value"},
      {"    - {rule: probes, set: a}", "spec.valueHints[0].chart: missing key chart"},
      {"    x: 1", "spec.valueHints: must be a list"},
  };
  for (const auto& c : cases) {
    PolicyLoad l = load_policy(std::string(kPolicy) + c.entry + "\n", "p.yaml");
    EXPECT_FALSE(l.policy) << c.entry;
    EXPECT_NE(l.error.find(c.error), std::string::npos) << c.entry << "\n" << l.error;
  }
}

}  // namespace
}  // namespace haguard
