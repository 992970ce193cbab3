// The engine over manifests nobody here wrote (../shared/corpus): every document parses, and the
// findings are the ones a person reading the file would give.

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "plugin/manifest_io.h"
#include "policies/engine.h"

namespace haguard {
namespace {

std::vector<plugin::Document> read_corpus(const std::string& name) {
  std::ifstream in(std::string(HAGUARD_CORPUS_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = plugin::read_manifests(ss.str(), name);
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors.front().describe());
  return r.documents;
}

/// (rule, object name) -> outcome, for the non-pass findings of every document in `env`.
std::map<std::pair<std::string, std::string>, std::vector<Finding>> judge(
    const std::vector<plugin::Document>& docs, std::string_view env) {
  Engine engine(default_policy());
  std::vector<const json*> objects;
  for (const auto& d : docs) objects.push_back(&d.object);
  ObjectSet set(objects);
  EvalContext ctx;
  ctx.environment = env;
  ctx.set = &set;
  std::map<std::pair<std::string, std::string>, std::vector<Finding>> out;
  for (const auto& d : docs) {
    Evaluation ev = engine.evaluate(d.object, ctx);
    for (const auto& f : ev.findings)
      if (f.outcome != Outcome::pass && f.outcome != Outcome::skip) out[{f.rule, ev.name}].push_back(f);
  }
  return out;
}

/// `docs` with every Deployment and StatefulSet run at `replicas`: how they would be judged if they
/// ran highly available (single replicas are not asked to spread).
std::vector<plugin::Document> scaled_to(std::vector<plugin::Document> docs, int replicas) {
  for (auto& d : docs)
    if (d.object.value("kind", "") == "Deployment" || d.object.value("kind", "") == "StatefulSet")
      d.object["spec"]["replicas"] = replicas;
  return docs;
}

std::set<std::string> failing(const std::map<std::pair<std::string, std::string>, std::vector<Finding>>& m,
                              const std::string& rule) {
  std::set<std::string> names;
  for (const auto& [key, findings] : m)
    if (key.first == rule)
      for (const auto& f : findings)
        if (f.outcome == Outcome::fail) names.insert(key.second);
  return names;
}

TEST(Corpus, ArgoCdNamespaceInstall) {
  auto docs = read_corpus("argo-cd-namespace-install.yaml");
  ASSERT_EQ(docs.size(), 50u);
  auto prod = judge(docs, "production");
  EXPECT_EQ(failing(prod, "probes"),
            (std::set<std::string>{"argocd-applicationset-controller", "argocd-dex-server",
                                   "argocd-notifications-controller", "argocd-redis",
                                   "argocd-application-controller"}));
  // Every workload here runs one replica: none is asked to spread. Run at two, three are not
  // spread; dex's only anti-affinity term selects part-of=argocd, which its own pods do not carry.
  EXPECT_TRUE(failing(prod, "soft-anti-affinity").empty());
  auto prod_ha = judge(scaled_to(docs, 2), "production");
  EXPECT_EQ(failing(prod_ha, "soft-anti-affinity"),
            (std::set<std::string>{"argocd-applicationset-controller", "argocd-dex-server",
                                   "argocd-notifications-controller"}));
  const auto& dex = prod_ha[{"soft-anti-affinity", "argocd-dex-server"}];
  ASSERT_FALSE(dex.empty());
  EXPECT_NE(dex.front().message.find("term #0 (app.kubernetes.io/part-of=argocd) does not select"),
            std::string::npos)
      << dex.front().message;
  // The in-cluster Redis is a bundled service in production, and not in staging.
  EXPECT_EQ(failing(prod, "no-bundled-stateful-services"), (std::set<std::string>{"argocd-redis"}));
  EXPECT_TRUE(is_blocking(prod[{"no-bundled-stateful-services", "argocd-redis"}].front()));
  auto staging = judge(docs, "staging");
  EXPECT_TRUE(failing(staging, "no-bundled-stateful-services").empty());
  EXPECT_FALSE(is_blocking(staging[{"probes", "argocd-redis"}].front()));
  // No dApp here: min-replicas judges nothing.
  EXPECT_TRUE(failing(prod, "min-replicas").empty());
  // Its nodeSelectors name the OS only: no placement is pinned, at one replica or two.
  EXPECT_TRUE(failing(prod_ha, "placement-pinning").empty());
  // The probes of containers without a port named http cannot be fixed; the denial names them.
  const auto& appset = prod[{"probes", "argocd-applicationset-controller"}].front();
  EXPECT_FALSE(appset.fixable);
  EXPECT_NE(appset.message.find("container \"argocd-applicationset-controller\""), std::string::npos);
}

TEST(Corpus, IngressNginx) {
  auto docs = read_corpus("ingress-nginx-deploy.yaml");
  ASSERT_EQ(docs.size(), 19u);
  auto prod = judge(docs, "production");
  EXPECT_TRUE(failing(prod, "probes").empty()) << "the controller has httpGet probes; Jobs are not judged";
  EXPECT_TRUE(failing(prod, "soft-anti-affinity").empty()) << "one replica: not asked to spread";
  EXPECT_EQ(failing(judge(scaled_to(docs, 2), "production"), "soft-anti-affinity"),
            (std::set<std::string>{"ingress-nginx-controller"}));
  EXPECT_TRUE(failing(prod, "no-bundled-stateful-services").empty());
  EXPECT_TRUE(failing(prod, "resources").count("ingress-nginx-admission-create"));
  EXPECT_TRUE(failing(judge(scaled_to(docs, 2), "production"), "placement-pinning").empty());
}

TEST(Corpus, MicroservicesDemo) {
  auto docs = read_corpus("microservices-demo.yaml");
  ASSERT_EQ(docs.size(), 35u);
  auto prod = judge(docs, "production");
  EXPECT_EQ(failing(prod, "probes"), (std::set<std::string>{"loadgenerator"}));
  EXPECT_EQ(failing(prod, "no-bundled-stateful-services"), (std::set<std::string>{"redis-cart"}));
  const Finding& redis = prod[{"no-bundled-stateful-services", "redis-cart"}].front();
  EXPECT_NE(redis.message.find("image redis:alpine"), std::string::npos);
  EXPECT_TRUE(failing(prod, "soft-anti-affinity").empty()) << "one replica each: not asked to spread";
  EXPECT_EQ(failing(judge(scaled_to(docs, 2), "production"), "soft-anti-affinity").size(), 12u);
  EXPECT_TRUE(failing(judge(scaled_to(docs, 2), "production"), "placement-pinning").empty());
  // Fixing every Deployment in production leaves only what cannot be fixed, and is idempotent.
  Engine engine(default_policy());
  EvalContext ctx;
  ctx.environment = "production";
  for (const auto& d : docs) {
    FixResult f = engine.fix(d.object, ctx);
    EXPECT_EQ(d.object.patch(f.patch), f.object);
    EXPECT_TRUE(engine.fix(f.object, ctx).patch.empty()) << f.evaluation.name;
    for (const auto& finding : f.evaluation.findings) {
      if (!is_blocking(finding)) continue;
      EXPECT_TRUE(finding.rule == "probes" || finding.rule == "no-bundled-stateful-services")
          << finding.message;
    }
  }
}

}  // namespace
}  // namespace haguard
