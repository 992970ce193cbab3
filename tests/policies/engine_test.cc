#include <gtest/gtest.h>

#include "policies/engine.h"

namespace haguard {
namespace {

const auto kNow = *parse_rfc3339("2026-11-25T12:00:00Z");

json dapp(int replicas) {
  json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"dapp","namespace":"dalp"},
    "spec":{"selector":{"matchLabels":{"app":"dapp"}},"template":{"metadata":{"labels":{"app":"dapp"}},
      "spec":{"containers":[{"name":"dapp","image":"dapp:1","ports":[{"name":"http","containerPort":3000}]}]}}}})");
  d["spec"]["replicas"] = replicas;
  return d;
}

const Finding* find(const Evaluation& ev, std::string_view rule) {
  for (const auto& f : ev.findings)
    if (f.rule == rule) return &f;
  return nullptr;
}

EvalContext ctx(std::string_view env) {
  EvalContext c;
  c.environment = env;
  c.now = kNow;
  return c;
}

TEST(Engine, NonWorkloadsPassThrough) {
  Engine e(default_policy());
  json svc = json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}})");
  EXPECT_TRUE(e.evaluate(svc, ctx("production")).findings.empty());
  FixResult f = e.fix(svc, ctx("production"));
  EXPECT_EQ(f.object, svc);
  EXPECT_TRUE(f.patch.empty());
}

TEST(Engine, ProductionDeniesAndFixes) {
  Engine e(default_policy());
  Evaluation ev = e.evaluate(dapp(1), ctx("production"));
  EXPECT_TRUE(ev.denied());
  EXPECT_EQ(ev.environment, "production");
  FixResult f = e.fix(dapp(1), ctx("production"));
  EXPECT_FALSE(f.evaluation.denied()) << f.evaluation.findings.front().message;
  EXPECT_EQ(f.rules, (std::vector<std::string>{"min-replicas", "probes", "soft-anti-affinity"}));
  EXPECT_EQ(f.object["metadata"]["annotations"]["haguard.dalp.io/mutated"],
            "min-replicas,probes,soft-anti-affinity");
  EXPECT_EQ(dapp(1).patch(f.patch), f.object);
}

TEST(Engine, FixWithoutCopyingWhatIsUnchanged) {
  Engine e(default_policy());
  // Something to fix: the same object, patch and evaluation as with the copy.
  FixResult full = e.fix(dapp(1), ctx("production"));
  FixResult lean = e.fix(dapp(1), ctx("production"), /*copy_unchanged=*/false);
  EXPECT_EQ(lean.object, full.object);
  EXPECT_EQ(lean.patch, full.patch);
  EXPECT_EQ(lean.rules, full.rules);
  EXPECT_EQ(lean.evaluation.findings.size(), full.evaluation.findings.size());
  // Nothing to fix (compliant, staging, not a workload): no copy, no patch, the same evaluation.
  const json svc = json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}})");
  for (const auto& [object, env] : {std::pair{full.object, "production"},
                                    std::pair{dapp(1), "staging"}, std::pair{svc, "production"}}) {
    FixResult kept = e.fix(object, ctx(env));
    FixResult none = e.fix(object, ctx(env), false);
    EXPECT_EQ(kept.object, object) << env;
    EXPECT_TRUE(none.object.is_null()) << env;
    EXPECT_TRUE(none.patch.empty()) << env;
    EXPECT_TRUE(none.rules.empty()) << env;
    EXPECT_EQ(none.evaluation.denied(), kept.evaluation.denied()) << env;
    EXPECT_EQ(none.evaluation.findings.size(), kept.evaluation.findings.size()) << env;
  }
}

TEST(Engine, StagingWarnsAndNeverFixes) {
  Engine e(default_policy());
  Evaluation ev = e.evaluate(dapp(1), ctx("staging"));
  EXPECT_FALSE(ev.denied());
  ASSERT_TRUE(find(ev, "min-replicas"));
  EXPECT_TRUE(is_warning(*find(ev, "min-replicas")));
  EXPECT_TRUE(e.fix(dapp(1), ctx("staging")).patch.empty());
}

TEST(Engine, UnknownEnvironmentIsTheDefault) {
  Engine e(default_policy());
  EXPECT_EQ(e.evaluate(dapp(1), ctx("qa-7")).environment, "default");
}

TEST(Engine, MutatedAnnotationMergesWithEarlierFixes) {
  Engine e(default_policy());
  json d = dapp(1);
  d["metadata"]["annotations"]["haguard.dalp.io/mutated"] = "probes";
  d["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] = {{"exec", {{"command", {"true"}}}}};
  d["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {{"exec", {{"command", {"true"}}}}};
  FixResult f = e.fix(d, ctx("production"));
  EXPECT_EQ(f.object["metadata"]["annotations"]["haguard.dalp.io/mutated"],
            "min-replicas,probes,soft-anti-affinity");
}

TEST(Engine, NamespaceExemptedByPolicy) {
  Engine e(default_policy());
  json d = dapp(1);
  d["metadata"]["namespace"] = "kube-system";
  Evaluation ev = e.evaluate(d, ctx("production"));
  EXPECT_FALSE(ev.denied());
  for (const auto& f : ev.findings) EXPECT_EQ(f.outcome, Outcome::skip) << f.message;
  EXPECT_TRUE(e.fix(d, ctx("production")).patch.empty());
}

json exempted(const char* rules) {
  json d = dapp(1);
  d["metadata"]["annotations"] = {{"haguard.dalp.io/exempt", rules},
                                  {"haguard.dalp.io/exempt-reason", "load test, CHG-9"},
                                  {"haguard.dalp.io/exempt-until", "2026-11-30T00:00:00Z"}};
  return d;
}

TEST(Engine, ExemptionRequesterChecks) {
  auto text = std::string(default_policy_text());
  text.replace(text.find("allowedRequesters: {}"), 21, "allowedRequesters: {groups: [sre]}");
  PolicyLoad l = load_policy(text, "t");
  ASSERT_TRUE(l.policy) << l.error;
  Engine e(l.policy);
  json d = exempted("*");
  Requester bob{"bob", {"dev"}}, sre{"sue", {"sre"}};

  EvalContext c = ctx("production");
  c.requester = &bob;  // CREATE with exemption annotations by someone not allowed
  Evaluation denied = e.evaluate(d, c);
  ASSERT_TRUE(find(denied, "exemption"));
  EXPECT_TRUE(is_blocking(*find(denied, "exemption")));
  EXPECT_NE(find(denied, "exemption")->message.find("\"bob\" may not grant exemptions"), std::string::npos);
  EXPECT_EQ(find(denied, "min-replicas")->outcome, Outcome::fail);  // not honoured either

  c.requester = &sre;
  Evaluation ok = e.evaluate(d, c);
  EXPECT_FALSE(ok.denied());
  EXPECT_EQ(find(ok, "min-replicas")->outcome, Outcome::skip);
  EXPECT_EQ(find(ok, "min-replicas")->exemption, "load test, CHG-9 (until 2026-11-30T00:00:00Z)");
  EXPECT_TRUE(is_warning(*find(ok, "min-replicas")));

  // UPDATE that leaves the annotations as they were: bob may edit the rest of the object.
  c.requester = &bob;
  c.old_object = d;
  EXPECT_FALSE(e.evaluate(d, c).denied());
}

TEST(Engine, VoidExemptionIsReportedAndIgnored) {
  Engine e(default_policy());
  json d = exempted("min-replicas");
  d["metadata"]["annotations"].erase("haguard.dalp.io/exempt-reason");
  Evaluation ev = e.evaluate(d, ctx("production"));
  ASSERT_TRUE(find(ev, "exemption"));
  EXPECT_EQ(find(ev, "exemption")->outcome, Outcome::warn);
  EXPECT_TRUE(is_warning(*find(ev, "exemption")));
  EXPECT_NE(find(ev, "exemption")->message.find("no reason given"), std::string::npos);
  EXPECT_EQ(find(ev, "min-replicas")->outcome, Outcome::fail);
}

json scale(int replicas, const char* name = "dapp") {
  json s = json::parse(R"({"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"namespace":"dalp"},
      "spec":{},"status":{"replicas":2}})");
  s["metadata"]["name"] = name;
  s["status"]["selector"] = std::string("app=") + name;
  s["spec"]["replicas"] = replicas;
  return s;
}

TEST(Engine, ScaleRequests) {
  Engine e(default_policy());
  EvalContext c = ctx("production");
  c.scale_parent_kind = "Deployment";
  Evaluation ev = e.evaluate(scale(1), c);
  ASSERT_TRUE(ev.denied());
  // The message is the rule's alone; the webhook names the object ("Deployment/scale dalp/dapp").
  const Finding& f = *find(ev, "min-replicas");
  EXPECT_EQ(f.message.rfind("scaling to 1 replica(s), needs at least 2; ", 0), 0u) << f.message;
  EXPECT_EQ(describe(f, Workload::of(scale(1), "Deployment")->display()).rfind(
                "Deployment/scale dalp/dapp: min-replicas: scaling to 1 replica(s)", 0),
            0u);
  EXPECT_TRUE(e.fix(scale(1), c).patch.empty()) << "a scale request is never rewritten";
  EXPECT_FALSE(e.evaluate(scale(3), c).denied());
  EXPECT_EQ(find(e.evaluate(scale(1, "worker"), c), "min-replicas")->outcome, Outcome::skip);

  // The exemption lives on the parent.
  json parent = exempted("min-replicas");
  c.scale_parent = &parent;
  Evaluation exempt = e.evaluate(scale(1), c);
  EXPECT_FALSE(exempt.denied());
  EXPECT_EQ(find(exempt, "min-replicas")->outcome, Outcome::skip);
}

TEST(Engine, DescribeNamesTheRuleAndTheObjectWhenGiven) {
  Finding f{"probes", Outcome::fail, Enforcement::enforce, "", "container \"app\" has no probes", false, {}};
  EXPECT_EQ(describe(f), "probes: container \"app\" has no probes");
  EXPECT_EQ(describe(f, "Deployment prod/dapp"), "Deployment prod/dapp: probes: container \"app\" has no probes");
}

TEST(Engine, SetRulesHonourEnvironmentAndExemptions) {
  Engine e(default_policy());
  json d = dapp(2);
  json off = dapp(2);
  off["metadata"]["name"] = "other";
  ObjectSet set({&d, &off});
  auto findings = e.evaluate_set(set, {"production", "production"}, kNow);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].second.rule, "pod-disruption-budget");
  EXPECT_EQ(findings[0].second.enforcement, Enforcement::warn);
  json ex = exempted("pod-disruption-budget");
  ex["spec"]["replicas"] = 2;
  ObjectSet set2({&ex});
  auto f2 = e.evaluate_set(set2, {"production"}, kNow);
  ASSERT_EQ(f2.size(), 1u);
  EXPECT_EQ(f2[0].second.outcome, Outcome::skip);
}

TEST(Engine, FixSetKeepsHpaManagedReplicasAndJudgesTheFixedSet) {
  Engine e(default_policy());
  json d = dapp(1);
  d["spec"].erase("replicas");
  json hpa = json::parse(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
    "metadata":{"name":"dapp","namespace":"dalp"},
    "spec":{"scaleTargetRef":{"kind":"Deployment","name":"dapp"},"minReplicas":1,"maxReplicas":4}})");
  SetFixResult r = e.fix_set({&d, &hpa}, {"production", "production"}, kNow);
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_FALSE(r.objects[0]["spec"].contains("replicas")) << "the HPA owns the count";
  EXPECT_EQ(r.objects[1]["spec"]["minReplicas"], 2);
  EXPECT_EQ(r.rules[1], (std::vector<std::string>{"min-replicas"}));
  for (const auto& [i, f] : r.findings) EXPECT_FALSE(is_blocking(f)) << f.message;
  bool pdb = false;
  for (const auto& [i, f] : r.findings) pdb = pdb || (i == 0 && f.rule == "pod-disruption-budget");
  EXPECT_TRUE(pdb) << "set rules run on the fixed set";
}

TEST(Engine, FindingClassification) {
  Finding f{"probes", Outcome::fail, Enforcement::enforce, "", "m", false, {}};
  EXPECT_TRUE(is_blocking(f));
  f.enforcement = Enforcement::warn;
  EXPECT_TRUE(is_warning(f));
  EXPECT_FALSE(is_blocking(f));
  f.enforcement = Enforcement::audit;
  EXPECT_TRUE(is_audit_only(f));
  EXPECT_FALSE(is_warning(f));
  f.outcome = Outcome::error;
  f.enforcement = Enforcement::enforce;
  EXPECT_TRUE(is_blocking(f));
  f.outcome = Outcome::pass;
  EXPECT_FALSE(is_blocking(f) || is_warning(f) || is_audit_only(f));
}

}  // namespace
}  // namespace haguard
