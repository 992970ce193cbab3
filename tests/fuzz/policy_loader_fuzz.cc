// Fuzz target: the HAPolicy loader (policies/policy.h load_policy) from YAML text: a policy or an
// error naming the source, never both, never a crash, hang or exception. A policy that loads is
// then put to work: the engine evaluates and fixes a small Deployment in each of its environments
// (policy values such as a huge or negative minimum reach the rules this way).

#include <chrono>

#include "fuzz_check.h"
#include "policies/engine.h"

namespace {

using haguard::json;

const json& deployment() {
  static const json d = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "dapp", "namespace": "prod",
                 "labels": {"app.kubernetes.io/name": "dapp"},
                 "annotations": {"haguard.dalp.io/exempt": "probes",
                                 "haguard.dalp.io/exempt-reason": "CHG-1",
                                 "haguard.dalp.io/exempt-until": "2026-12-01T06:00:00Z"}},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "dapp"}},
             "template": {"metadata": {"labels": {"app": "dapp"}},
                          "spec": {"containers": [{"name": "app", "image": "postgres:16",
                                                   "ports": [{"name": "http", "containerPort": 8080}]}]}}}
  })");
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  haguard::PolicyLoad load = haguard::load_policy(haguard::fuzz::as_text(data, size), "fuzz.yaml");
  FUZZ_CHECK((load.policy == nullptr) != load.error.empty(), "policy xor error: " + load.error);
  if (!load.policy) {
    FUZZ_CHECK(load.error.rfind("fuzz.yaml", 0) == 0, load.error);
    return 0;
  }
  const haguard::Engine engine(load.policy);
  haguard::EvalContext ctx;
  ctx.now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
  std::size_t n = 0;
  for (const std::string& env : load.policy->environments) {
    if (++n > 4) break;
    ctx.environment = env;
    (void)engine.evaluate(deployment(), ctx);
    haguard::FixResult fixed = engine.fix(deployment(), ctx);
    (void)deployment().patch(fixed.patch);
  }
  return 0;
}
