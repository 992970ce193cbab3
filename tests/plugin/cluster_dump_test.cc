// The workload shapes the ecosystem ships, through the CLI. `haguard check` over a live cluster's dump, as `kubectl get deploy,rs,sts,ds,rollouts,hpa,
// scaledobjects,cronjobs,jobs,pdb -A -o json` prints it (tests/cases/cluster-dump/): objects the
// controllers wrote (a Deployment's ReplicaSets, KEDA's HPA, a CronJob's Job, a Rollout's
// ReplicaSet) carry no findings of their own; each finding stands once, on the owner.

#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // kind, name, rule

std::string read_dump() {
  std::ifstream in(std::string(HAGUARD_CASES_DIR) + "/cluster-dump/production.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The reportable findings of `haguard check -e production -o json -` over `dump`, each counted.
std::multiset<Key> check(const json& dump) {
  ProcResult r = run_process({haguard_binary(), "check", "-e", "production", "-o", "json", "-"}, {},
                             "/", dump.dump());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::multiset<Key> out;
  const json report = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(report.is_discarded()) << r.out;
  if (report.is_discarded()) return out;
  EXPECT_EQ(report["summary"]["errors"], 0) << r.out;
  for (const json& f : report["findings"])
    out.insert({f.value("kind", ""), f.value("name", ""), f.value("rule", "")});
  return out;
}

TEST(ClusterDump, EachFindingOnceOnItsOwner) {
  const json dump = json::parse(read_dump());
  ASSERT_EQ(dump["items"].size(), 12u);
  const std::multiset<Key> got = check(dump);
  const std::multiset<Key> want = {
      {"Deployment", "dapp", "min-replicas"},
      {"Deployment", "dapp", "probes"},
      {"Deployment", "dapp", "soft-anti-affinity"},
      {"Deployment", "dapp", "pod-disruption-budget"},
      // KEDA's minimum, judged on the ScaledObject, not on the HPA it made nor the Deployment
      {"ScaledObject", "dalp-worker", "min-replicas"},
      {"Deployment", "dalp-worker", "pod-disruption-budget"},
      {"CronJob", "pg-backup", "resources"},  // a pg_dump client: no bundled PostgreSQL
      {"Rollout", "dalp-api", "soft-anti-affinity"},
  };
  EXPECT_EQ(got, want);

  // Without the objects the controllers wrote, the report is the same: they added nothing.
  json owners = dump;
  owners["items"] = json::array();
  for (const json& item : dump["items"])
    if (!item["metadata"].contains("ownerReferences")) owners["items"].push_back(item);
  ASSERT_EQ(owners["items"].size(), 6u);
  EXPECT_EQ(check(owners), got);
}

TEST(ClusterDump, AChildWithoutItsControllerReferenceIsJudged) {
  // A ReplicaSet whose ownerReference is not marked controller is no controller's child.
  json dump = json::parse(read_dump());
  json* rs = nullptr;
  for (json& item : dump["items"])
    if (item.value("kind", "") == "ReplicaSet" && item["metadata"].value("name", "") == "dapp-5d4f8b7c9")
      rs = &item;
  ASSERT_NE(rs, nullptr);
  (*rs)["metadata"]["ownerReferences"][0]["controller"] = false;
  const std::multiset<Key> got = check(dump);
  EXPECT_EQ(got.count({"ReplicaSet", "dapp-5d4f8b7c9", "probes"}), 1u);
}

/// Fails the test unless `objects` are the case's objects unchanged: nothing fixed, no replicas
/// written onto the Deployment KEDA scales.
void expect_unchanged(const std::vector<json>& objects, const json& written, const std::string& how) {
  ASSERT_EQ(objects.size(), written.size()) << how;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    json got = objects[i];
    if (got["metadata"].is_object()) got["metadata"].erase("annotations");
    json want = written[i];
    want["metadata"].erase("annotations");
    EXPECT_EQ(got, want) << how << ": object " << i;
    EXPECT_FALSE(objects[i]["metadata"].contains("annotations")) << how << ": " << objects[i].dump();
  }
  EXPECT_FALSE(objects[0]["spec"].contains("replicas")) << how;
}

TEST(WorkloadShapes, RenderAndCheckFixLeaveACompliantKedaAppAlone) {
  // A dApp KEDA scales (no spec.replicas), with a Cloud SQL Auth Proxy sidecar and a pg_dump
  // CronJob: compliant in production as written; render and check --fix change nothing.
  const std::string file = std::string(HAGUARD_CASES_DIR) + "/shapes/keda-dapp-with-sidecar-and-backup.json";
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  const json written = json::parse(ss.str());

  FakeRepo repo;
  repo.write("apps/dalp/main.jsonnet", ss.str());
  json params = json::array({{{"name", "environment"}, {"string", "production"}}});
  ProcResult r = run_process({haguard_binary(), "render"}, to_env_list(cmp_environment("apps/dalp", params)),
                             repo.root() + "/apps/dalp");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_unchanged(parse_argocd_stream(r.out), written, "render");

  ProcResult c = run_process({haguard_binary(), "check", "-e", "production", "--fix", file}, {}, "/");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::vector<json> fixed;
  for (const json& o : parse_argocd_stream(c.out)) fixed.push_back(o);
  expect_unchanged(fixed, written, "check --fix");
}

}  // namespace
}  // namespace haguard::test
