#pragma once
// One view over every kind that carries replicas or a pod template. Rules ask this model, never raw
// JSON paths, so a new kind is taught here once.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "policies/json_node.h"

namespace haguard {

using Labels = std::map<std::string, std::string, std::less<>>;

enum class WorkloadKind {
  deployment,
  stateful_set,
  daemon_set,
  replica_set,
  job,
  cron_job,
  horizontal_pod_autoscaler,
  scale,  ///< autoscaling/v1 Scale, the body of a deployments/scale or statefulsets/scale request
};

/// A read-only view of a workload object. Holds a pointer: the object must outlive the view.
class Workload {
 public:
  /// The view of `object`, or nullopt when it is not a workload kind (Service, ConfigMap, ...).
  /// `scale_parent_kind` names the parent ("Deployment", "StatefulSet") when the object is a Scale.
  static std::optional<Workload> of(JsonNode object, std::string_view scale_parent_kind = {});

  WorkloadKind kind() const { return kind_; }
  /// The object's own kind ("Deployment"); for a Scale, its parent's kind.
  const std::string& kind_name() const { return kind_name_; }
  std::string name() const;
  std::string namespace_() const;
  /// "Deployment prod/dapp" (namespace omitted when empty): how messages name the object.
  std::string display() const;
  JsonNode object() const { return object_; }

  bool is_scale() const { return kind_ == WorkloadKind::scale; }
  bool is_hpa() const { return kind_ == WorkloadKind::horizontal_pod_autoscaler; }
  /// Deployment, StatefulSet, ReplicaSet: controllers whose replica count is theirs to set.
  bool has_replicas_field() const;
  /// Kinds that run long-lived pods: Deployment, StatefulSet, DaemonSet, ReplicaSet.
  bool is_long_running() const;

  /// The replica count this object asks for: spec.replicas (absent means 1), HPA minReplicas
  /// (absent means 1), Scale spec.replicas. nullopt for DaemonSet, Job, CronJob, or a value that is
  /// not a non-negative integer (see replicas_malformed()).
  std::optional<std::int64_t> replicas() const;
  bool replicas_malformed() const;
  /// JSON pointer of the replica field: /spec/replicas or /spec/minReplicas.
  std::string replicas_pointer() const;

  /// The pod template (CronJob: spec.jobTemplate.spec.template); absent when there is none or
  /// it is not an object.
  JsonNode pod_template() const { return pod_template_; }
  /// JSON pointer of the pod template, "" when there is none.
  std::string pod_template_pointer() const;
  /// The pod template's labels; for a Scale, the labels parsed from status.selector.
  Labels pod_labels() const;
  /// The controller's spec.selector.matchLabels (empty when absent).
  Labels selector_labels() const;
  Labels labels() const;
  Labels annotations() const;

  /// HPA only: the scaleTargetRef kind and name.
  std::string hpa_target_kind() const;
  std::string hpa_target_name() const;

 private:
  Workload(JsonNode object, WorkloadKind kind, std::string kind_name);
  JsonNode object_;
  JsonNode pod_template_;
  WorkloadKind kind_;
  std::string kind_name_;
};

/// Reads a string map at `pointer` ("/metadata/labels"); non-string values are skipped.
Labels string_map_at(JsonNode object, std::string_view pointer);
/// Escapes a JSON pointer reference token (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string pointer_token(std::string_view token);

}  // namespace haguard
