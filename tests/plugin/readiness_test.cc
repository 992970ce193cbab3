// `haguard readiness` over cluster dumps as `kubectl get ... -A -o json` prints them
// (tests/cases/readiness/ready-cluster.json: a GKE production cluster over three zones, managed
// data services, Velero and Argo CD, attestations) with haguard's shipped PrometheusRules, and the
// ways such a cluster falls short, each made by changing the ready dump the way a cluster drifts.

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "policies/policy.h"
#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

const std::string kNow = "2026-12-04T10:00:00Z";
const std::string kNs = "dalp-prod";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json ready_dump() {
  return json::parse(slurp(std::string(HAGUARD_CASES_DIR) + "/readiness/ready-cluster.json"));
}

std::string shipped(const std::string& file) {
  return std::string(HAGUARD_SOURCE_DIR) + "/manifests/monitoring/" + file;
}

struct Readiness {
  ProcResult proc;
  json report;
  /// The row `id` of namespace dalp-prod.
  const json& row(const std::string& id) const {
    for (const json& n : report["namespaces"])
      if (n["name"] == kNs)
        for (const json& r : n["rows"])
          if (r["id"] == id) return r;
    static const json none;
    ADD_FAILURE() << "no row " << id << " in " << report.dump(2);
    return none;
  }
  std::string status(const std::string& id) const { return row(id).value("status", ""); }
  /// Every line of the row's `field` joined, for substring assertions.
  std::string text(const std::string& id, const std::string& field) const {
    std::string out;
    for (const json& s : row(id)[field]) out += s.get<std::string>() + "\n";
    return out;
  }
};

/// Runs readiness on `dump` (given on standard input) and the extra files.
Readiness readiness(const json& dump, std::vector<std::string> files = {shipped("dalp-workloads.yaml")},
              std::vector<std::string> options = {}) {
  std::vector<std::string> argv = {haguard_binary(), "readiness", "-o", "json", "--now", kNow};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("-");
  argv.insert(argv.end(), files.begin(), files.end());
  Readiness r;
  r.proc = run_process(argv, {}, "/", dump.dump());
  r.report = json::parse(r.proc.out, nullptr, false);
  EXPECT_FALSE(r.report.is_discarded()) << r.proc.out << r.proc.err;
  return r;
}

json& item(json& dump, const std::string& kind, const std::string& name) {
  for (json& o : dump["items"])
    if (o["kind"] == kind && o["metadata"]["name"] == name) return o;
  throw std::runtime_error("no " + kind + " " + name + " in the dump");
}

void erase_kind(json& dump, const std::string& kind) {
  auto& items = dump["items"];
  for (auto it = items.begin(); it != items.end();)
    it = (*it)["kind"] == kind ? items.erase(it) : it + 1;
}

const char* const kRows[] = {"replica-posture", "scheduling-posture", "postgresql", "cache",
                             "object-storage", "kubernetes-resources", "observability"};

/// Every row but `except` is ready: a shortfall shows where it is and nowhere else.
void only_row_short(const Readiness& r, const std::string& except) {
  for (const char* id : kRows) {
    if (id == except) continue;
    EXPECT_EQ(r.status(id), "ready") << id << ": " << r.row(id).dump(2);
  }
}

TEST(ReadinessRows, ReadyClusterIsReadyOnEveryRowWithItsOwner) {
  const Readiness r = readiness(ready_dump());
  EXPECT_EQ(r.proc.exit_code, 0) << r.proc.out << r.proc.err;
  EXPECT_EQ(r.report["ready"], true);
  ASSERT_EQ(r.report["namespaces"].size(), 1u) << "only the namespace labelled production";
  EXPECT_EQ(r.report["namespaces"][0]["rows"].size(), std::size(kRows));
  only_row_short(r, "");
  for (const char* id : kRows)
    EXPECT_EQ(r.row(id)["owner"], "Platform team (platform@example.com)") << id;
  EXPECT_NE(r.text("scheduling-posture", "evidence")
                .find("schedulable nodes span 3 zones: europe-west1-b, europe-west1-c, europe-west1-d"),
            std::string::npos);
  EXPECT_NE(r.text("postgresql", "evidence")
                .find("Deployment dapp: env POSTGRES_PASSWORD from Secret dalp-postgres"),
            std::string::npos);
  EXPECT_NE(r.text("postgresql", "evidence").find("attested by Jane Doe on 2026-11-20 (CHG-4812)"),
            std::string::npos);
  EXPECT_NE(r.text("kubernetes-resources", "evidence").find("Velero Schedule velero/dalp-prod-daily"),
            std::string::npos);
  EXPECT_EQ(r.report["summary"]["ready"], 7);
}

TEST(ReadinessRows, OneZoneIsNotReady) {
  json dump = ready_dump();
  for (json& o : dump["items"])
    if (o["kind"] == "Node")
      for (const char* key : {"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone",
                              "topology.gke.io/zone"})
        o["metadata"]["labels"][key] = "europe-west1-b";
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.proc.exit_code, 1);
  EXPECT_EQ(r.status("scheduling-posture"), "not-ready");
  EXPECT_NE(r.text("scheduling-posture", "missing")
                .find("every schedulable node is in one zone, europe-west1-b"),
            std::string::npos)
      << r.row("scheduling-posture").dump(2);
  only_row_short(r, "scheduling-posture");
}

TEST(ReadinessRows, PoolInOneZoneIsNotReady) {
  json dump = ready_dump();
  for (json& o : dump["items"])
    if (o["kind"] == "Node" && o["metadata"]["labels"]["cloud.google.com/gke-nodepool"] == "default-pool")
      o["metadata"]["labels"]["topology.kubernetes.io/zone"] = "europe-west1-c";
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.status("scheduling-posture"), "not-ready");
  EXPECT_NE(r.text("scheduling-posture", "missing")
                .find("pool default-pool (cloud.google.com/gke-nodepool): 3 nodes in europe-west1-c: "
                      "the pool does not span failure domains"),
            std::string::npos)
      << r.row("scheduling-posture").dump(2);
}

TEST(ReadinessRows, NodeSelectorPinnedToOnePoolIsNotReady) {
  if (!default_policy()->rule("placement-pinning"))
    GTEST_SKIP() << "the placement-pinning rule is not in this build yet (branch i18-rules)";
  json dump = ready_dump();
  item(dump, "Deployment", "dapp")["spec"]["template"]["spec"]["nodeSelector"] = {
      {"cloud.google.com/gke-nodepool", "dalp-pool"}, {"topology.kubernetes.io/zone", "europe-west1-b"}};
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.proc.exit_code, 1);
  EXPECT_EQ(r.status("scheduling-posture"), "not-ready");
  EXPECT_NE(r.text("scheduling-posture", "missing").find("Deployment dapp: placement-pinning: "),
            std::string::npos)
      << r.row("scheduling-posture").dump(2);
}

TEST(ReadinessRows, BundledRedisIsNotReadyOnTheCacheRowOnly) {
  json dump = ready_dump();
  json redis = item(dump, "Deployment", "dalp-api");
  redis["kind"] = "StatefulSet";
  redis["metadata"]["name"] = "dalp-redis-master";
  redis["metadata"]["labels"] = {{"app.kubernetes.io/name", "redis"}, {"app.kubernetes.io/instance", "dalp"}};
  redis["spec"].erase("strategy");
  redis["spec"]["serviceName"] = "dalp-redis-headless";
  redis["spec"]["selector"]["matchLabels"] = {{"app.kubernetes.io/name", "redis"}};
  auto& pod = redis["spec"]["template"];
  pod["metadata"]["labels"] = {{"app.kubernetes.io/name", "redis"}, {"app.kubernetes.io/component", "master"}};
  pod["spec"]["containers"][0]["name"] = "redis";
  pod["spec"]["containers"][0]["image"] = "docker.io/bitnami/redis:7.4.1-debian-12-r2";
  dump["items"].push_back(redis);
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.proc.exit_code, 1);
  EXPECT_EQ(r.status("cache"), "not-ready");
  EXPECT_NE(r.text("cache", "missing")
                .find("StatefulSet dalp-redis-master: no-bundled-stateful-services: "),
            std::string::npos)
      << r.row("cache").dump(2);
  EXPECT_NE(r.text("cache", "missing").find("Redis"), std::string::npos);
  EXPECT_EQ(r.status("postgresql"), "ready") << r.row("postgresql").dump(2);
  EXPECT_EQ(r.status("object-storage"), "ready");
}

TEST(ReadinessRows, NoRecoveryMethodIsNotReady) {
  json dump = ready_dump();
  erase_kind(dump, "Schedule");
  erase_kind(dump, "Application");
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.proc.exit_code, 1);
  EXPECT_EQ(r.status("kubernetes-resources"), "not-ready");
  EXPECT_NE(r.text("kubernetes-resources", "missing")
                .find("no Velero Schedule includes dalp-prod and no Argo CD Application deploys to it"),
            std::string::npos);
  EXPECT_NE(r.text("kubernetes-resources", "fix").find("--include-namespaces dalp-prod"),
            std::string::npos);
  only_row_short(r, "kubernetes-resources");
}

TEST(ReadinessRows, VeleroAloneCoversAndExclusionOrPauseDoesNot) {
  json dump = ready_dump();
  erase_kind(dump, "Application");
  item(dump, "Schedule", "dalp-prod-daily")["spec"]["template"]["includedNamespaces"] = {"*"};
  EXPECT_EQ(readiness(dump).status("kubernetes-resources"), "ready");
  item(dump, "Schedule", "dalp-prod-daily")["spec"]["template"]["excludedNamespaces"] = {"dalp-*"};
  EXPECT_EQ(readiness(dump).status("kubernetes-resources"), "not-ready");
  item(dump, "Schedule", "dalp-prod-daily")["spec"]["template"].erase("excludedNamespaces");
  item(dump, "Schedule", "dalp-prod-daily")["spec"]["paused"] = true;
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.status("kubernetes-resources"), "not-ready");
  EXPECT_NE(r.text("kubernetes-resources", "missing").find("is paused"), std::string::npos);
}

TEST(ReadinessRows, NoAlertsIsNotReady) {
  const Readiness r = readiness(ready_dump(), {});
  EXPECT_EQ(r.proc.exit_code, 1);
  EXPECT_EQ(r.status("observability"), "not-ready");
  const std::string missing = r.text("observability", "missing");
  // kube-prometheus-stack's CrashLoopBackOff alert covers restarts; nothing covers the rest.
  EXPECT_NE(r.text("observability", "evidence")
                .find("pod restarts: PrometheusRule monitoring/kube-prometheus-stack-kubernetes-apps "
                      "alert KubePodCrashLooping"),
            std::string::npos);
  EXPECT_NE(missing.find("no alert covers readiness failures in dalp-prod"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no alert covers unavailable replicas in dalp-prod"), std::string::npos);
  EXPECT_NE(r.text("observability", "fix").find("kubectl apply -k manifests/monitoring"),
            std::string::npos);
  only_row_short(r, "observability");
}

TEST(ReadinessRows, AlertsForAnotherNamespaceDoNotCover) {
  json dump = ready_dump();
  dump["items"][0]["metadata"]["name"] = "payments-prod";  // the Namespace object
  for (json& o : dump["items"])
    if (o["metadata"].value("namespace", "") == kNs) o["metadata"]["namespace"] = "payments-prod";
  const Readiness r = readiness(dump);
  ASSERT_EQ(r.report["namespaces"].size(), 1u);
  const json& rows = r.report["namespaces"][0]["rows"];
  const json& obs = rows[6];
  ASSERT_EQ(obs["id"], "observability");
  EXPECT_EQ(obs["status"], "not-ready") << "namespace=~\"dalp.*\" does not admit payments-prod";
}

TEST(ReadinessRows, ShippedRulesPassTheObservabilityRow) {
  json dump = ready_dump();
  erase_kind(dump, "PrometheusRule");
  const Readiness r = readiness(dump, {shipped("dalp-workloads.yaml"), shipped("haguard.yaml")});
  EXPECT_EQ(r.status("observability"), "ready") << r.row("observability").dump(2);
  const std::string evidence = r.text("observability", "evidence");
  EXPECT_NE(evidence.find("pod restarts: PrometheusRule dalp-workloads alert DalpPodRestarting"),
            std::string::npos) << evidence;
  EXPECT_NE(evidence.find("readiness failures: PrometheusRule dalp-workloads alert DalpPodNotReady"),
            std::string::npos);
  EXPECT_NE(evidence.find("unavailable replicas: PrometheusRule dalp-workloads alert "
                          "DalpDeploymentReplicasUnavailable"),
            std::string::npos);
  // Without the attestation, the Kubernetes part still stands and the rest is asked for.
  dump["items"][0]["metadata"]["annotations"].erase("haguard.dalp.io/attest.observability");
  const Readiness bare = readiness(dump, {shipped("dalp-workloads.yaml"), shipped("haguard.yaml")});
  EXPECT_EQ(bare.status("observability"), "needs-attestation");
  EXPECT_NE(bare.text("observability", "missing").find("haguard.dalp.io/attest.observability"),
            std::string::npos);
}

TEST(ReadinessRows, MonitoringKustomizationAsAppliedPassesTheObservabilityRow) {
  const std::string dir = ::testing::TempDir();
  const ProcResult k = run_process(
      {"/usr/bin/kubectl", "kustomize", std::string(HAGUARD_SOURCE_DIR) + "/manifests/monitoring"},
      {"HOME=" + dir}, "/");
  ASSERT_EQ(k.exit_code, 0) << k.err;
  std::ofstream(dir + "/monitoring.yaml") << k.out;
  json dump = ready_dump();
  erase_kind(dump, "PrometheusRule");
  const Readiness r = readiness(dump, {dir + "/monitoring.yaml"});
  EXPECT_EQ(r.status("observability"), "ready") << r.row("observability").dump(2);
  EXPECT_NE(r.text("observability", "evidence")
                .find("PrometheusRule haguard-system/dalp-workloads alert DalpPodRestarting"),
            std::string::npos);
}

TEST(ReadinessRows, StaleAttestationNeedsAttestation) {
  json dump = ready_dump();
  dump["items"][0]["metadata"]["annotations"]["haguard.dalp.io/attest.postgresql"] =
      "Jane Doe, 2026-08-01, CHG-3990";
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.proc.exit_code, 1);
  EXPECT_EQ(r.status("postgresql"), "needs-attestation");
  EXPECT_NE(r.text("postgresql", "missing")
                .find("the attestation by Jane Doe on 2026-08-01 (CHG-3990) is stale: older than "
                      "90 days (spec.readiness.attestationMaxAge)"),
            std::string::npos)
      << r.row("postgresql").dump(2);
  EXPECT_NE(r.text("postgresql", "fix").find("kubectl annotate namespace dalp-prod --overwrite "
                                             "'haguard.dalp.io/attest.postgresql=<who>, <YYYY-MM-DD>, <ticket>'"),
            std::string::npos);
  only_row_short(r, "postgresql");
}

TEST(ReadinessRows, PolicyWindowDecidesStaleness) {
  const std::string dir = ::testing::TempDir();
  std::string policy = std::string(default_policy_text());
  policy.replace(policy.find("attestationMaxAge: 2160h"), 24, "attestationMaxAge: 240h");
  std::ofstream(dir + "/policy.yaml") << policy;
  const Readiness r = readiness(ready_dump(), {shipped("dalp-workloads.yaml")}, {"-p", dir + "/policy.yaml"});
  EXPECT_EQ(r.status("postgresql"), "needs-attestation") << "2026-11-20 is 14 days before now";
  EXPECT_EQ(r.status("observability"), "ready") << "2026-11-27 is 7 days before now";
  EXPECT_NE(r.text("postgresql", "missing").find("older than 10 days"), std::string::npos);
}

TEST(ReadinessRows, MalformedAndFutureAttestationsDoNotCount) {
  json dump = ready_dump();
  auto& ann = dump["items"][0]["metadata"]["annotations"];
  ann["haguard.dalp.io/attest.cache"] = "Jane Doe CHG-4813";
  ann["haguard.dalp.io/attest.object-storage"] = "Ravi Patel, 2027-01-15, CHG-4815";
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.status("cache"), "needs-attestation");
  EXPECT_NE(r.text("cache", "missing").find("not \"<who>, <date>, <ticket>\""), std::string::npos);
  EXPECT_EQ(r.status("object-storage"), "needs-attestation");
  EXPECT_NE(r.text("object-storage", "missing").find("in the future"), std::string::npos);
}

TEST(ReadinessRows, SingletonExemptedFromMinReplicasIsListedAsDocumented) {
  json dump = ready_dump();
  json& dapp = item(dump, "Deployment", "dapp");
  dapp["spec"]["replicas"] = 1;
  dapp["metadata"]["annotations"]["haguard.dalp.io/exempt"] = "min-replicas";
  dapp["metadata"]["annotations"]["haguard.dalp.io/exempt-reason"] = "leader-elected indexer, CHG-4900";
  dapp["metadata"]["annotations"]["haguard.dalp.io/exempt-until"] = "2026-12-20T00:00:00Z";
  erase_kind(dump, "HorizontalPodAutoscaler");
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.status("replica-posture"), "ready") << r.row("replica-posture").dump(2);
  EXPECT_NE(r.text("replica-posture", "evidence")
                .find("Deployment dapp: documented singleton: leader-elected indexer, CHG-4900 "
                      "(until 2026-12-20T00:00:00Z)"),
            std::string::npos)
      << r.row("replica-posture").dump(2);
}

TEST(ReadinessRows, MissingProbesAreNotReady) {
  json dump = ready_dump();
  item(dump, "Deployment", "dalp-api")["spec"]["template"]["spec"]["containers"][0].erase("readinessProbe");
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.status("replica-posture"), "not-ready");
  EXPECT_NE(r.text("replica-posture", "missing").find("Deployment dalp-api: probes: "), std::string::npos);
}

TEST(ReadinessRows, NoNamespaceInScopeIsAnInputError) {
  json dump = ready_dump();
  erase_kind(dump, "Deployment");
  erase_kind(dump, "HorizontalPodAutoscaler");
  dump["items"][0]["metadata"]["labels"].erase("haguard.dalp.io/environment");
  const Readiness r = readiness(dump);
  EXPECT_EQ(r.proc.exit_code, 2);
  EXPECT_NE(r.proc.err.find("no namespace to judge"), std::string::npos) << r.proc.err;
}

TEST(ReadinessRows, MarkdownAndTextCarryEveryRow) {
  for (const char* format : {"markdown", "text"}) {
    const ProcResult p = run_process({haguard_binary(), "readiness", "-o", format, "--now", kNow, "-"},
                                     {}, "/", ready_dump().dump());
    EXPECT_EQ(p.exit_code, 1) << "no shipped alerts given";
    for (const char* title : {"Replica posture", "Scheduling posture", "Managed PostgreSQL",
                              "Managed cache", "Object storage", "Kubernetes resources", "Observability"})
      EXPECT_NE(p.out.find(title), std::string::npos) << format << " " << title;
  }
}

}  // namespace
}  // namespace haguard::test
