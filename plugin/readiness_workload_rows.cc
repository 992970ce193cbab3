// Replica posture and scheduling posture: what the engine's rules say about the namespace's
// workloads, the documented singletons, and the zones of the schedulable nodes per node pool.

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "plugin/readiness_rows.h"
#include "policies/exemption.h"
#include "policies/workload.h"

namespace haguard::plugin {

namespace {

constexpr std::string_view kReplicaRules[] = {"min-replicas", "pod-disruption-budget", "probes",
                                              std::string_view(kExemptionRuleId)};
constexpr std::string_view kPlacementRule = "placement-pinning";

/// Node labels that name a node's pool, most specific first: GKE, EKS managed node groups, AKS
/// (current and legacy), Karpenter (v1 NodePool, pre-v1 Provisioner), OpenShift machine sets.
constexpr std::string_view kPoolLabels[] = {
    "cloud.google.com/gke-nodepool", "eks.amazonaws.com/nodegroup",
    "kubernetes.azure.com/agentpool", "agentpool",
    "karpenter.sh/nodepool", "karpenter.sh/provisioner-name",
    "machine.openshift.io/cluster-api-machineset"};
constexpr std::string_view kZoneLabels[] = {"topology.kubernetes.io/zone",
                                            "failure-domain.beta.kubernetes.io/zone"};

bool counts(const Finding& f) {
  return f.enforcement != Enforcement::off &&
         (f.outcome == Outcome::fail || f.outcome == Outcome::error);
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string label(const json& object, std::string_view key) {
  const json& v = member(member(member(object, "metadata"), "labels"), key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

/// Why a node takes no ordinary pods ("" when it does): cordoned, a control-plane taint, not Ready.
std::string unschedulable_reason(const json& node) {
  const json& spec = member(node, "spec");
  if (member(spec, "unschedulable") == true) return "cordoned";
  if (const json& taints = member(spec, "taints"); taints.is_array())
    for (const json& t : taints) {
      const json& key = member(t, "key");
      if ((key == "node-role.kubernetes.io/control-plane" || key == "node-role.kubernetes.io/master") &&
          member(t, "effect") == "NoSchedule")
        return "control plane";
    }
  if (const json& conditions = member(member(node, "status"), "conditions"); conditions.is_array())
    for (const json& c : conditions)
      if (member(c, "type") == "Ready" && member(c, "status") != "True") return "not Ready";
  return {};
}

}  // namespace

ReadinessRow replica_posture_row(const RowContext& ctx) {
  ReadinessRow row{"replica-posture", "Replica posture"};
  std::size_t judged = 0;
  for (const WorkloadFacts& w : ctx.workloads()) {
    const auto view = Workload::of(JsonNode(*w.object));
    if (!view || !view->is_long_running()) continue;
    ++judged;
    bool clean = true;
    for (const Finding& f : w.findings) {
      const bool replica_rule = std::find(std::begin(kReplicaRules), std::end(kReplicaRules),
                                          f.rule) != std::end(kReplicaRules);
      if (!replica_rule) continue;
      if (counts(f)) {
        clean = false;
        row.worsen(RowStatus::not_ready);
        row.missing.push_back(finding_line(w, f));
      } else if (f.outcome == Outcome::skip && !f.exemption.empty()) {
        const Exemption e = read_exemption(view->annotations(), ctx.policy, ctx.now);
        const std::string what = f.rule == "min-replicas" ? "documented singleton" : "exempt from " + f.rule;
        row.evidence.push_back(w.kind + ' ' + w.name + ": " + what + ": " + f.exemption +
                               (e.until.empty() ? "" : " (until " + e.until + ")"));
      }
    }
    if (clean) {
      const auto replicas = view->replicas();
      row.evidence.push_back(w.kind + ' ' + w.name + ": " +
                             (replicas ? std::to_string(*replicas) + " replicas, " : std::string()) +
                             "replica, disruption-budget and probe rules pass");
    }
  }
  if (judged == 0) {
    row.worsen(RowStatus::not_ready);
    row.missing.push_back("no Deployment, StatefulSet, DaemonSet or Rollout in namespace " +
                          ctx.namespace_ + " (was it in the dump?)");
    row.fix.push_back("dump the namespace's workloads: kubectl get deploy,sts,ds,rollouts,hpa,pdb -A -o json");
  } else if (row.status == RowStatus::not_ready) {
    row.fix.push_back("fix each finding listed (haguard check -e " + ctx.environment +
                      " prints each with its fix), or document a deliberate singleton with "
                      "haguard.dalp.io/exempt: min-replicas, a reason and an expiry");
  }
  return row;
}

NodeLayout node_layout(const std::vector<const json*>& nodes) {
  NodeLayout out;
  auto& [pools, zones, excluded] = out;
  for (const json* node : nodes) {
    if (const std::string why = unschedulable_reason(*node); !why.empty()) {
      ++excluded[why];
      continue;
    }
    std::string pool_name = "(no pool label)", pool_key;
    for (std::string_view key : kPoolLabels)
      if (std::string v = label(*node, key); !v.empty()) {
        pool_name = v;
        pool_key = key;
        break;
      }
    std::string zone;
    for (std::string_view key : kZoneLabels)
      if (zone = label(*node, key); !zone.empty()) break;
    NodePool& p = pools[pool_name];
    p.key = pool_key;
    ++p.nodes;
    p.zones.insert(zone.empty() ? "(no zone label)" : zone);
    if (!zone.empty()) zones.insert(zone);
  }
  return out;
}

ReadinessRow scheduling_posture_row(const RowContext& ctx) {
  ReadinessRow row{"scheduling-posture", "Scheduling posture"};
  const auto& [pools, zones, excluded] = ctx.cluster.layout;
  for (const auto& [reason, n] : excluded)
    row.evidence.push_back(std::to_string(n) + (n == 1 ? " node" : " nodes") +
                           " left out as unschedulable (" + reason + ")");
  if (pools.empty()) {
    row.worsen(RowStatus::not_ready);
    row.missing.push_back("no schedulable Node in the input");
    row.fix.push_back("include the nodes in the dump: kubectl get nodes,... -o json");
  } else if (zones.size() < 2) {
    row.worsen(RowStatus::not_ready);
    row.missing.push_back(zones.empty() ? "no schedulable node carries topology.kubernetes.io/zone"
                                        : "every schedulable node is in one zone, " + *zones.begin());
    row.fix.push_back("run the node pools across at least two zones (a regional GKE node pool, an "
                      "EKS node group over subnets in several AZs, an AKS pool with --zones 1 2 3)");
  } else {
    row.evidence.push_back("schedulable nodes span " + std::to_string(zones.size()) + " zones: " +
                           join(zones));
  }
  for (const auto& [name, p] : pools) {
    const std::string named = p.key.empty() ? name : "pool " + name + " (" + p.key + ")";
    const std::string line = named + ": " + std::to_string(p.nodes) +
                             (p.nodes == 1 ? " node in " : " nodes in ") + join(p.zones);
    if (zones.size() >= 2 && p.zones.size() < 2) {
      row.worsen(RowStatus::not_ready);
      row.missing.push_back(line + ": the pool does not span failure domains");
      row.fix.push_back("spread " + named + " across zones, or move its workloads to a pool that is");
    } else {
      row.evidence.push_back(line);
    }
  }
  bool pinned = false;
  for (const WorkloadFacts& w : ctx.workloads())
    for (const Finding& f : w.findings) {
      if (f.rule != kPlacementRule) continue;
      if (counts(f)) {
        pinned = true;
        row.worsen(RowStatus::not_ready);
        row.missing.push_back(finding_line(w, f));
      } else if (f.outcome == Outcome::warn) {
        row.evidence.push_back(finding_line(w, f));
      }
    }
  if (pinned)
    row.fix.push_back("let the scheduler spread the replicas: select a node group by a label every "
                      "zone's pool carries, or drop the pin (see placement-pinning in the guide)");
  else if (ctx.policy.rule(kPlacementRule))
    row.evidence.push_back("no workload pins its replicas to one zone or node pool (" +
                           std::string(kPlacementRule) + ")");
  return row;
}

}  // namespace haguard::plugin
