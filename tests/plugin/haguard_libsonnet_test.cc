// policies/haguard.libsonnet as programs use it, rendered by the plugin as argocd-cmp-server runs
// it (the library built into haguard): route ports, HPA-managed workloads, and options checked.

#include <gtest/gtest.h>

#include <string>

#include "policies/engine.h"
#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

class Libsonnet : public ::testing::Test {
 protected:
  ProcResult render(const std::string& program, const std::string& environment = "production") {
    repo_.write("app/main.jsonnet", "local h = import 'haguard.libsonnet';\n" + program);
    auto env = cmp_environment(
        "app", json::array({{{"name", "environment"}, {"string", environment}}}));
    return run_process({haguard_binary(), "render"}, to_env_list(env), repo_.root() + "/app");
  }
  static const json* find(const std::vector<json>& objs, const std::string& kind) {
    for (const auto& o : objs)
      if (o.value("kind", "") == kind) return &o;
    return nullptr;
  }
  FakeRepo repo_;
};

TEST_F(Libsonnet, IngressRoutePortIsHonoured) {
  auto r = render(R"(
[h.ingress('dalp', 'dalp.example.com', [
  { path: '/', service: 'dapp' },
  { path: '/api', service: 'api', port: 8080 },
  { path: '/metrics', service: 'api', port: 'metrics' },
])])");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 1u);
  const json& paths = objects[0]["spec"]["rules"][0]["http"]["paths"];
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0]["backend"]["service"]["port"], json({{"name", "http"}}));
  EXPECT_EQ(paths[1]["backend"]["service"]["port"], json({{"number", 8080}}));
  EXPECT_EQ(paths[2]["backend"]["service"]["port"], json({{"name", "metrics"}}));
}

TEST_F(Libsonnet, HpaForAWorkloadTheHpaScales) {
  // Argo CD's advice for an HPA-managed workload: leave spec.replicas out.
  auto r = render(R"(
local dapp = h.dApp('dapp', 'ghcr.io/settlemint/dalp-dapp:1.4.2', { replicas: null })
             + { metadata+: { namespace: 'dalp-apps' } };
[dapp, h.pdbFor(dapp), h.hpaFor(dapp, 6)])");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 3u);
  const json* deployment = find(objects, "Deployment");
  const json* hpa = find(objects, "HorizontalPodAutoscaler");
  ASSERT_TRUE(deployment && hpa);
  EXPECT_FALSE((*deployment)["spec"].contains("replicas"));
  EXPECT_EQ((*hpa)["metadata"]["namespace"], "dalp-apps");
  EXPECT_EQ((*hpa)["spec"]["minReplicas"], 2);
  EXPECT_EQ((*hpa)["spec"]["scaleTargetRef"],
            json({{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "dapp"}}));
  EXPECT_EQ(r.err.find("fixed"), std::string::npos)
      << "the helpers leave nothing to fix\n" << r.err;

  // The HPA follows the workload's kind and keeps a larger replica count as its minimum.
  r = render(R"(
local sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'w' },
              spec: { replicas: 4 } };
[h.hpaFor(sts, 8)])");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0]["spec"]["scaleTargetRef"]["kind"], "StatefulSet");
  EXPECT_EQ(objects[0]["spec"]["minReplicas"], 4);
}

TEST_F(Libsonnet, MisspeltOptionsAreErrorsNamingThem) {
  const std::pair<std::string, std::string> cases[] = {
      {"[h.dApp('dapp', 'img:1', { replica: 5 })]", "unknown option \"replica\""},
      {"[h.dApp('dapp', 'img:1', { resource: {}, podAnnotation: {} })]",
       "unknown options \"podAnnotation\", \"resource\""},
      {"[h.worker('w', 'img:1', { probepath: '/healthz' })]", "unknown option \"probepath\""},
      {"[h.container('c', 'img:1', { ports: 80 })]", "unknown option \"ports\""},
      {"[h.ingress('i', 'x.example.com', [], { tls: 's' })]", "unknown option \"tls\""},
      {"[h.ingress('i', 'x.example.com', [{ path: '/', service: 's', prot: 80 }])]",
       "route: unknown option \"prot\""},
  };
  for (const auto& [program, message] : cases) {
    auto r = render(program);
    EXPECT_EQ(r.exit_code, 1) << program;
    EXPECT_NE(r.err.find(message), std::string::npos) << program << "\n" << r.err;
    EXPECT_NE(r.err.find("main.jsonnet:2"), std::string::npos)
        << "points at the caller\n" << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  // The known options still work, together.
  auto r = render(R"([h.dApp('dapp', 'img:1', { replicas: 3, component: 'dapp', labels: {},
    annotations: {}, podAnnotations: {}, containers: [], serviceAccountName: 'sa', port: 3000,
    env: {}, envFrom: [], resources: h.defaultResources, command: ['x'], args: [],
    probePath: '/healthz', startupSeconds: 10 })])");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace haguard::test
