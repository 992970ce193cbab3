// Engine benchmarks: every rule on a dApp Deployment, the whole policy, the fix path with patch
// computation, and the set rules over 1,000 objects.

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "policies/engine.h"
#include "policies/rule.h"

namespace haguard {
namespace {

/// A realistic dApp Deployment as DALP's chart renders it (~1.5 KB of JSON), compliant or not.
json dapp(bool compliant) {
  json d = json::parse(R"({
    "apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"dapp","namespace":"dalp","labels":{"app.kubernetes.io/name":"dapp",
      "app.kubernetes.io/instance":"dalp","app.kubernetes.io/part-of":"dalp","helm.sh/chart":"dapp-2.1.0"}},
    "spec":{"replicas":2,"revisionHistoryLimit":5,
      "selector":{"matchLabels":{"app.kubernetes.io/name":"dapp","app.kubernetes.io/instance":"dalp"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
      "template":{"metadata":{"labels":{"app.kubernetes.io/name":"dapp","app.kubernetes.io/instance":"dalp"},
          "annotations":{"checksum/config":"5f1b7c9e"}},
        "spec":{"serviceAccountName":"dapp",
          "affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,
            "podAffinityTerm":{"labelSelector":{"matchLabels":{"app.kubernetes.io/name":"dapp",
              "app.kubernetes.io/instance":"dalp"}},"topologyKey":"kubernetes.io/hostname"}}]}},
          "topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"topology.kubernetes.io/zone",
            "whenUnsatisfiable":"ScheduleAnyway","labelSelector":{"matchLabels":{"app.kubernetes.io/name":"dapp"}}}],
          "containers":[{"name":"dapp","image":"ghcr.io/settlemint/dalp-dapp:2.1.0",
            "ports":[{"name":"http","containerPort":3000,"protocol":"TCP"}],
            "env":[{"name":"NODE_ENV","value":"production"},{"name":"DATABASE_URL","valueFrom":
              {"secretKeyRef":{"name":"dapp-db","key":"url"}}}],
            "livenessProbe":{"httpGet":{"path":"/api/health","port":"http"},"periodSeconds":10},
            "readinessProbe":{"httpGet":{"path":"/api/ready","port":"http"},"periodSeconds":5},
            "resources":{"requests":{"cpu":"250m","memory":"512Mi"},"limits":{"memory":"1Gi"}}}]}}}})");
  if (!compliant) {
    d["spec"].erase("replicas");
    auto& spec = d["spec"]["template"]["spec"];
    spec.erase("affinity");
    spec["containers"][0].erase("livenessProbe");
    spec["containers"][0].erase("readinessProbe");
  }
  return d;
}

void BM_Rule(benchmark::State& state, const Rule* rule) {
  auto policy = default_policy();
  json d = dapp(true);
  auto w = *Workload::of(d);
  RuleContext ctx{*policy, *policy->rule(rule->id()), "production", nullptr};
  for (auto _ : state) benchmark::DoNotOptimize(rule->check(w, ctx));
}

void BM_EvaluateCompliant(benchmark::State& state) {
  Engine e(default_policy());
  json d = dapp(true);
  EvalContext ctx;
  ctx.environment = "production";
  for (auto _ : state) benchmark::DoNotOptimize(e.evaluate(d, ctx));
}
BENCHMARK(BM_EvaluateCompliant);

/// `object` where simdjson parsed it, as the webhook judges a review (no tree).
struct Dom {
  explicit Dom(const json& object) : text(object.dump()) { ok = parser.parse(text).get(root) == 0; }
  std::string text;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  bool ok = false;
};

void BM_EvaluateCompliantDom(benchmark::State& state) {
  Engine e(default_policy());
  const Dom dom(dapp(true));
  if (!dom.ok) return state.SkipWithError("parse");
  EvalContext ctx;
  ctx.environment = "production";
  for (auto _ : state) benchmark::DoNotOptimize(e.evaluate(JsonNode::dom(dom.root), ctx));
}
BENCHMARK(BM_EvaluateCompliantDom);

/// The fix path from a DOM: evaluated there, read into a tree to be fixed.
void BM_FixNonCompliantDom(benchmark::State& state) {
  Engine e(default_policy());
  const Dom dom(dapp(false));
  if (!dom.ok) return state.SkipWithError("parse");
  EvalContext ctx;
  ctx.environment = "production";
  for (auto _ : state) benchmark::DoNotOptimize(e.fix(JsonNode::dom(dom.root), ctx));
}
BENCHMARK(BM_FixNonCompliantDom);

void BM_FixNonCompliant(benchmark::State& state) {
  Engine e(default_policy());
  json d = dapp(false);
  EvalContext ctx;
  ctx.environment = "production";
  for (auto _ : state) benchmark::DoNotOptimize(e.fix(d, ctx));
}
BENCHMARK(BM_FixNonCompliant);

void BM_FixCompliant(benchmark::State& state) {
  Engine e(default_policy());
  json d = dapp(true);
  EvalContext ctx;
  ctx.environment = "production";
  for (auto _ : state) benchmark::DoNotOptimize(e.fix(d, ctx));
}
BENCHMARK(BM_FixCompliant);

void BM_SetRules1000(benchmark::State& state) {
  Engine e(default_policy());
  std::vector<json> objects;
  for (int i = 0; i < 1000; ++i) {
    json d = dapp(true);
    std::string name = "svc-" + std::to_string(i);
    d["metadata"]["name"] = name;
    d["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] = name;
    d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] = name;
    if (i % 2 == 0)  // the workload's selector, as haguard.libsonnet's pdbFor writes it: every
                     // budget also selects app.kubernetes.io/instance=dalp
      objects.push_back({{"apiVersion", "policy/v1"}, {"kind", "PodDisruptionBudget"},
                         {"metadata", {{"name", name}, {"namespace", "dalp"}}},
                         {"spec", {{"maxUnavailable", 1}, {"selector", d["spec"]["selector"]}}}});
    objects.push_back(std::move(d));
  }
  std::vector<const json*> ptrs;
  for (const auto& o : objects) ptrs.push_back(&o);
  ObjectSet set(ptrs);
  std::vector<std::string> envs(ptrs.size(), "production");
  for (auto _ : state) benchmark::DoNotOptimize(e.evaluate_set(set, envs));
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_SetRules1000)->Unit(benchmark::kMillisecond);

[[maybe_unused]] const bool registered = [] {
  for (const Rule* r : all_rules())
    benchmark::RegisterBenchmark(("BM_Rule/" + std::string(r->id())).c_str(), BM_Rule, r);
  return true;
}();

}  // namespace
}  // namespace haguard

BENCHMARK_MAIN();
