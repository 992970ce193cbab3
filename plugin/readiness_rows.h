#pragma once
// The rows of `haguard readiness`, each built by its own function from what the cluster dump
// shows: the objects sorted by what they are, and the engine's findings on the namespace's
// workloads.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin/readiness.h"
#include "policies/engine.h"
#include "policies/policy.h"

namespace haguard::plugin {

using json = nlohmann::json;

/// A workload of the namespace and every finding the engine made on it (set rules included).
struct WorkloadFacts {
  const json* object = nullptr;
  std::string kind;
  std::string name;
  std::vector<Finding> findings;
};

/// A node pool's schedulable nodes.
struct NodePool {
  std::string key;  ///< the label that named it ("" when none did)
  std::set<std::string> zones;
  std::size_t nodes = 0;
};

/// The schedulable nodes by pool, and the nodes left out by reason ("cordoned", ...).
struct NodeLayout {
  std::map<std::string, NodePool> pools;
  std::set<std::string> zones;
  std::map<std::string, std::size_t> excluded;
};

/// Groups `nodes` by pool label and zone: once per dump, since every namespace shares them.
NodeLayout node_layout(const std::vector<const json*>& nodes);

/// The dump, sorted by what the rows read.
struct ClusterFacts {
  std::vector<const json*> nodes;
  std::vector<const json*> velero_schedules;
  std::vector<const json*> argocd_applications;
  std::vector<const json*> prometheus_rules;
  std::map<std::string, const json*> namespaces;  ///< Namespace objects by name
  std::map<std::string, std::vector<WorkloadFacts>> workloads;  ///< by namespace, input order
  NodeLayout layout;  ///< node_layout(nodes)
};

/// What every row builder reads.
struct RowContext {
  const Policy& policy;
  const ClusterFacts& cluster;
  std::string environment;
  std::string namespace_;
  const json* namespace_object = nullptr;  ///< null when the dump has no Namespace object
  std::string owner;
  std::chrono::system_clock::time_point now;

  const std::vector<WorkloadFacts>& workloads() const;
};

ReadinessRow replica_posture_row(const RowContext& ctx);
ReadinessRow scheduling_posture_row(const RowContext& ctx);
/// PostgreSQL, cache and object storage, in that order.
std::vector<ReadinessRow> data_service_rows(const RowContext& ctx);
ReadinessRow kubernetes_resources_row(const RowContext& ctx);
ReadinessRow observability_row(const RowContext& ctx);

/// "<Kind> <name>: <rule>: <what the rule said>", naming the workload from its identity fields.
std::string finding_line(const WorkloadFacts& w, const Finding& f);
/// "<Kind> <namespace>/<name>" of any object, from its metadata.
std::string object_display(const json& object);
/// `object[key]` without copying; a null value when `object` is not an object or lacks it.
const json& member(const json& object, std::string_view key);
/// The string at JSON pointer `pointer` ("" when absent or not a string).
std::string string_at(const json& object, std::string_view pointer);

// Attestations: `haguard.dalp.io/attest.<check>: "<who>, <date>, <ticket>"` on the namespace.

inline constexpr std::string_view kOwnerKey = "haguard.dalp.io/owner";
inline constexpr std::string_view kAttestPrefix = "haguard.dalp.io/attest.";

/// An attestation as read from the namespace and judged at `now`.
struct Attestation {
  bool present = false;
  bool fresh = false;   ///< well formed, dated, not older than the policy's maximum age
  std::string who, date, ticket;
  std::string problem;  ///< why it does not count (malformed, stale, dated in the future)
};

/// The Namespace's annotation `key`, else its label `key` ("" when neither, or no Namespace).
std::string namespace_value(const json* namespace_object, std::string_view key);

Attestation read_attestation(const RowContext& ctx, std::string_view check);

/// Asks `row` for the attestation `check` of `what` (the tests only a person can run): fresh, it
/// is evidence; absent, stale or malformed, the row needs attestation and says how to record one.
void require_attestation(ReadinessRow& row, const RowContext& ctx, std::string_view check,
                         std::string_view what);

/// The fix that records an attestation of `check` on the namespace.
std::string attest_command(const RowContext& ctx, std::string_view check);

}  // namespace haguard::plugin
