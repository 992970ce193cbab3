// Policy warnings where Argo CD shows them: argocd-cmp-server drops a successful plugin's stderr,
// so render writes each object's warnings into its haguard.dalp.io/warnings annotation, with no
// drift: the same text on every render, and the webhook's mutate of the result an empty patch.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "policies/engine.h"
#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

const std::string kKey = "haguard.dalp.io/warnings";

// A dApp Deployment with no resources, no zone spread and no PodDisruptionBudget: production
// fixes what it enforces (probes, anti-affinity) and warns about the rest.
const char* const kProgram = R"([
  { apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'dapp', labels: { 'app.kubernetes.io/name': 'dapp' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'dapp' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'dapp' } },
        spec: { containers: [{ name: 'dapp', image: 'ghcr.io/settlemint/dalp-dapp:1.0.0',
                               ports: [{ name: 'http', containerPort: 3000 }] }] },
      },
    } },
  { apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'settings', annotations: { 'haguard.dalp.io/warnings': 'stale' } } },
])";

ProcResult render_production(FakeRepo& repo) {
  repo.write("app/main.jsonnet", kProgram);
  auto env = cmp_environment(
      "app", json::array({{{"name", "environment"}, {"string", "production"}}}));
  return run_process({haguard_binary(), "render"}, to_env_list(env), repo.root() + "/app");
}

TEST(RenderWarnings, EachObjectCarriesItsWarningsInAnAnnotation) {
  FakeRepo repo;
  ProcResult r = render_production(repo);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << "stderr still has them for a person";
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 2u);
  const json& deployment = objects[0];
  ASSERT_TRUE(deployment["metadata"]["annotations"].contains(kKey)) << deployment.dump();
  const std::string text = deployment["metadata"]["annotations"][kKey];
  for (const char* rule : {"resources", "zone-spread", "pod-disruption-budget"})
    EXPECT_NE(text.find(std::string(": ") + rule + ": "), std::string::npos)
        << rule << "\n" << text;
  // Every stderr warning about the Deployment is in the annotation, one line each.
  std::size_t lines = 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  std::size_t on_stderr = 0;
  for (std::size_t p = r.err.find("warning: "); p != std::string::npos;
       p = r.err.find("warning: ", p + 1))
    ++on_stderr;
  EXPECT_EQ(lines, on_stderr) << text << "\n---\n" << r.err;
  // On the object, not its pod template (that would roll the pods).
  EXPECT_FALSE(deployment["spec"]["template"]["metadata"].contains("annotations"));
  // No warnings: no annotation, and a stale one haguard owns is removed.
  EXPECT_FALSE(objects[1]["metadata"].contains("annotations")) << objects[1].dump();
}

TEST(RenderWarnings, AnnotationCausesNoDrift) {
  FakeRepo repo;
  ProcResult a = render_production(repo);
  ProcResult b = render_production(repo);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out) << "Argo CD would see a diff between two renders";
  Engine engine(default_policy());
  for (const json& o : parse_argocd_stream(a.out)) {
    EvalContext ctx;
    ctx.environment = "production";
    FixResult fr = engine.fix(o, ctx);
    EXPECT_TRUE(fr.patch.empty()) << o["kind"] << ": " << fr.patch.dump();
  }
}

}  // namespace
}  // namespace haguard::test
