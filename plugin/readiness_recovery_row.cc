// Kubernetes resources: a recovery method that can restore the namespace's resources. Velero
// restores what a Schedule's backups include; Argo CD re-creates what an Application deploys to
// its destination namespace; any other method the organisation approved is attested.

#include <string>

#include "plugin/readiness_rows.h"

namespace haguard::plugin {

namespace {

std::vector<std::string> strings(const json& object, const char* pointer) {
  std::vector<std::string> out;
  const json::json_pointer p(pointer);
  if (!object.contains(p) || !object.at(p).is_array()) return out;
  for (const json& v : object.at(p))
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

/// Velero's namespace filter: an empty include list or "*" takes every namespace; entries may be
/// globs (Velero 1.11+); an exclusion wins.
bool velero_includes(const json& schedule, const std::string& ns) {
  const auto included = strings(schedule, "/spec/template/includedNamespaces");
  const auto excluded = strings(schedule, "/spec/template/excludedNamespaces");
  for (const std::string& e : excluded)
    if (glob_match(e, ns)) return false;
  if (included.empty()) return true;
  for (const std::string& i : included)
    if (glob_match(i, ns)) return true;
  return false;
}

std::string schedule_line(const json& s) {
  std::string line = "Velero " + object_display(s);
  const std::string cron = string_at(s, "/spec/schedule"), ttl = string_at(s, "/spec/template/ttl");
  const std::string last = string_at(s, "/status/lastBackup");
  line += " (schedule \"" + cron + "\"";
  if (!ttl.empty()) line += ", ttl " + ttl;
  if (!last.empty()) line += ", last backup " + last;
  return line + ")";
}

}  // namespace

ReadinessRow kubernetes_resources_row(const RowContext& ctx) {
  ReadinessRow row{"kubernetes-resources", "Kubernetes resources"};
  bool covered = false;
  std::vector<std::string> idle;  // schedules that include the namespace but back nothing up
  for (const json* s : ctx.cluster.velero_schedules) {
    if (!velero_includes(*s, ctx.namespace_)) continue;
    const json::json_pointer paused("/spec/paused");
    if (s->contains(paused) && s->at(paused) == true) {
      idle.push_back(schedule_line(*s) + " includes " + ctx.namespace_ + " but is paused");
      continue;
    }
    if (string_at(*s, "/status/phase") == "FailedValidation") {
      idle.push_back(schedule_line(*s) + " includes " + ctx.namespace_ +
                     " but failed Velero's validation");
      continue;
    }
    covered = true;
    row.evidence.push_back(schedule_line(*s) + " backs up " + ctx.namespace_);
  }
  for (const json* app : ctx.cluster.argocd_applications) {
    if (string_at(*app, "/spec/destination/namespace") != ctx.namespace_) continue;
    covered = true;
    std::string source = string_at(*app, "/spec/source/repoURL");
    if (source.empty()) source = string_at(*app, "/spec/sources/0/repoURL");
    row.evidence.push_back("Argo CD " + object_display(*app) + " deploys " + ctx.namespace_ +
                           (source.empty() ? std::string() : " from " + source) +
                           ": GitOps can re-create its resources");
  }
  if (covered) {  // a paused schedule beside a working method is only worth a note
    row.evidence.insert(row.evidence.end(), idle.begin(), idle.end());
    return row;
  }
  row.missing = idle;
  const Attestation a = read_attestation(ctx, "kubernetes-resources");
  if (a.fresh) {
    row.evidence.push_back("attested by " + a.who + " on " + a.date + " (" + a.ticket +
                           "): another approved recovery method restores the namespace");
    return row;
  }
  row.worsen(a.present ? RowStatus::needs_attestation : RowStatus::not_ready);
  row.missing.push_back("no Velero Schedule includes " + ctx.namespace_ +
                        " and no Argo CD Application deploys to it");
  if (a.present) row.missing.push_back(a.problem);
  row.fix.push_back("back the namespace up with a Velero Schedule (velero schedule create dalp "
                    "--schedule '0 3 * * *' --include-namespaces " + ctx.namespace_ +
                    "), or deploy it from an Argo CD Application; for another approved method: " +
                    attest_command(ctx, "kubernetes-resources"));
  return row;
}

}  // namespace haguard::plugin
