// Observability: PrometheusRule alerts that read the kube-state-metrics series of pod restarts,
// readiness and unavailable replicas for the namespace (a namespace matcher that admits it, or
// none); the alerts the cluster cannot show (database failover, cache, object storage, backups,
// API availability) are attested.

#include <algorithm>
#include <string>

#include "plugin/readiness_promql.h"
#include "plugin/readiness_rows.h"

namespace haguard::plugin {

namespace {

struct AlertNeed {
  const char* what;
  std::vector<std::string_view> metrics;
};

const AlertNeed kNeeds[] = {
    // A CrashLoopBackOff alert reads the waiting reason rather than the restart counter.
    {"pod restarts",
     {"kube_pod_container_status_restarts_total", "kube_pod_container_status_waiting_reason"}},
    {"readiness failures", {"kube_pod_status_ready", "kube_pod_container_status_ready"}},
    {"unavailable replicas",
     {"kube_deployment_status_replicas_unavailable", "kube_deployment_status_replicas_available",
      "kube_statefulset_status_replicas_ready", "kube_statefulset_status_replicas_available",
      "kube_daemonset_status_number_unavailable"}},
};

std::string expr_text(const json& rule) {
  auto e = rule.find("expr");
  if (e == rule.end()) return {};
  if (e->is_string()) return e->get<std::string>();
  if (e->is_number()) return e->dump();  // the CRD's expr is int-or-string
  return {};
}

}  // namespace

ReadinessRow observability_row(const RowContext& ctx) {
  ReadinessRow row{"observability", "Observability"};
  std::vector<std::string> covered_by(std::size(kNeeds));
  for (const json* pr : ctx.cluster.prometheus_rules) {
    const json::json_pointer groups_ptr("/spec/groups");
    if (!pr->contains(groups_ptr) || !pr->at(groups_ptr).is_array()) continue;
    for (const json& group : pr->at(groups_ptr)) {
      if (!group.is_object() || !group.contains("rules") || !group["rules"].is_array()) continue;
      for (const json& rule : group["rules"]) {
        if (!rule.is_object() || !rule.contains("alert") || !rule["alert"].is_string()) continue;
        const std::string alert = rule["alert"].get<std::string>();
        const PromScan scan = scan_promql(expr_text(rule));
        if (!scan.error.empty()) {
          row.evidence.push_back(object_display(*pr) + " alert " + alert +
                                 ": expression not understood (" + scan.error + "), not counted");
          continue;
        }
        for (std::size_t n = 0; n < std::size(kNeeds); ++n) {
          if (!covered_by[n].empty()) continue;
          for (const PromSelector& s : scan.selectors) {
            const auto& m = kNeeds[n].metrics;
            if (std::find(m.begin(), m.end(), s.metric) == m.end() ||
                !admits_namespace(s, ctx.namespace_))
              continue;
            covered_by[n] = object_display(*pr) + " alert " + alert + " (" + s.metric + ")";
            break;
          }
        }
      }
    }
  }
  std::string uncovered;
  for (std::size_t n = 0; n < std::size(kNeeds); ++n) {
    if (!covered_by[n].empty()) {
      row.evidence.push_back(std::string(kNeeds[n].what) + ": " + covered_by[n]);
      continue;
    }
    row.worsen(RowStatus::not_ready);
    std::string metrics;
    for (std::string_view m : kNeeds[n].metrics) metrics += (metrics.empty() ? "" : ", ") + std::string(m);
    row.missing.push_back("no alert covers " + std::string(kNeeds[n].what) + " in " +
                          ctx.namespace_ + " (an alert on " + metrics +
                          " whose namespace matcher admits it, or has none)");
    uncovered += (uncovered.empty() ? "" : ", ") + std::string(kNeeds[n].what);
  }
  if (!uncovered.empty())
    row.fix.push_back("apply haguard's DALP alerts (kubectl apply -k manifests/monitoring), or add "
                      "PrometheusRule alerts for " + uncovered);
  require_attestation(row, ctx, "observability",
                      "alerts cover API availability, database failover, cache availability, "
                      "object storage access and backup status, and reach the on-call");
  return row;
}

}  // namespace haguard::plugin
