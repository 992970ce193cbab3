#pragma once
// AdmissionReviews for the network tests: a compliant dApp Deployment (the replicas decide the
// answer in production), built in code so a test can break any field of it.

#include <string>

#include <nlohmann/json.hpp>

namespace haguard::test {

/// A dApp Deployment that passes every production rule except, below the policy's minimum,
/// min-replicas.
inline nlohmann::json compliant_dapp(int replicas, const std::string& ns = "prod") {
  nlohmann::json obj = nlohmann::json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "dapp", "labels": {"app.kubernetes.io/name": "dapp"}},
    "spec": {"selector": {"matchLabels": {"app": "dapp"}},
      "template": {"metadata": {"labels": {"app": "dapp"}},
        "spec": {"containers": [{"name": "app", "image": "ghcr.io/settlemint/dapp:1.0",
            "ports": [{"name": "http", "containerPort": 3000}],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
            "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}},
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}}],
          "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                              "labelSelector": {"matchLabels": {"app": "dapp"}}}}]}},
          "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "dapp"}}}]}}}
  })");
  obj["metadata"]["namespace"] = ns;
  obj["spec"]["replicas"] = replicas;
  return obj;
}

/// A CREATE review of `object` as kube-apiserver sends it.
inline nlohmann::json review_of(const std::string& uid, const nlohmann::json& object,
                                const std::string& operation = "CREATE") {
  const std::string ns = object["metadata"].value("namespace", "prod");
  nlohmann::json request = {
      {"uid", uid},
      {"kind", {{"group", "apps"}, {"version", "v1"}, {"kind", object.value("kind", "Deployment")}}},
      {"resource", {{"group", "apps"}, {"version", "v1"}, {"resource", "deployments"}}},
      {"requestKind", {{"group", "apps"}, {"version", "v1"}, {"kind", object.value("kind", "Deployment")}}},
      {"namespace", ns},
      {"name", object["metadata"].value("name", "")},
      {"operation", operation},
      {"userInfo", {{"username", "kubernetes-admin"}, {"uid", "u-1"},
                    {"groups", {"system:masters", "system:authenticated"}}}},
      {"object", object},
      {"dryRun", false},
      {"options", {{"apiVersion", "meta.k8s.io/v1"}, {"kind", "CreateOptions"}}}};
  if (operation == "UPDATE") request["oldObject"] = object;
  return {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"request", request}};
}

}  // namespace haguard::test
