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
  rollout,  ///< Argo Rollouts' Rollout (argoproj.io): a Deployment with progressive delivery
  horizontal_pod_autoscaler,
  scaled_object,  ///< KEDA's ScaledObject (keda.sh): drives an HPA it makes for its target
  scale,  ///< autoscaling/v1 Scale, the body of a deployments/scale, statefulsets/scale or rollouts/scale request
  custom_resource,  ///< another kind the policy names (an operator's database CR)
};

/// A reference to another object by API group, kind and name (an owner, a scale target).
struct ObjectRef {
  std::string group;  ///< "apps", "argoproj.io"; "" for the core group
  std::string kind;
  std::string name;
  bool empty() const { return kind.empty() && name.empty(); }
};

/// A read-only view of a workload object. Holds a pointer: the object must outlive the view.
class Workload {
 public:
  /// The view of `object`, or nullopt when it is not a workload kind (Service, ConfigMap, ...).
  /// `scale_parent_kind` names the parent ("Deployment", "StatefulSet") when the object is a Scale.
  static std::optional<Workload> of(JsonNode object, std::string_view scale_parent_kind = {});
  /// A view of any object with a kind, for rules that judge custom resources the policy names.
  static std::optional<Workload> custom(JsonNode object);

  WorkloadKind kind() const { return kind_; }
  /// The object's own kind ("Deployment"); for a Scale, its parent's kind.
  const std::string& kind_name() const { return kind_name_; }
  std::string name() const;
  std::string namespace_() const;
  /// display_name() of the object; "Deployment/scale prod/dapp" for a scale request.
  std::string display() const;
  JsonNode object() const { return object_; }

  bool is_scale() const { return kind_ == WorkloadKind::scale; }
  bool is_hpa() const { return kind_ == WorkloadKind::horizontal_pod_autoscaler; }
  /// HorizontalPodAutoscaler or KEDA ScaledObject: sets another workload's replicas.
  bool is_autoscaler() const { return is_hpa() || kind_ == WorkloadKind::scaled_object; }
  /// Deployment, StatefulSet, ReplicaSet, Rollout: controllers whose replica count is theirs to set.
  bool has_replicas_field() const;
  /// Kinds that run long-lived pods: Deployment, StatefulSet, DaemonSet, ReplicaSet, Rollout.
  bool is_long_running() const;

  /// The replica count this object asks for: spec.replicas (absent means 1), HPA minReplicas
  /// (absent means 1), ScaledObject minReplicaCount (absent means 0), Scale spec.replicas.
  /// nullopt for DaemonSet, Job, CronJob, or a value that is not a non-negative integer (see
  /// replicas_malformed()).
  std::optional<std::int64_t> replicas() const;
  bool replicas_malformed() const;
  /// Whether the replica field is written (an absent one takes its default).
  bool replicas_written() const;
  /// JSON pointer of the replica field: /spec/replicas, /spec/minReplicas or /spec/minReplicaCount.
  std::string replicas_pointer() const;
  /// Autoscalers only: the workload whose replicas they set (spec.scaleTargetRef; a ScaledObject's
  /// kind defaults to Deployment).
  ObjectRef scale_target() const;
  /// Rollout only: the Deployment whose pod template it runs (spec.workloadRef), empty when none.
  ObjectRef workload_ref() const;
  /// The ownerReference marked controller: the object whose controller writes this one.
  ObjectRef controller_owner() const;

  /// The pod template (CronJob: spec.jobTemplate.spec.template); absent when there is none or
  /// it is not an object.
  JsonNode pod_template() const { return pod_template_; }
  /// JSON pointer of the pod template, "" when there is none.
  std::string pod_template_pointer() const;
  /// The pod template's labels; for a Scale, the labels parsed from status.selector; for a
  /// Rollout that reads its template from a Deployment, its selector's matchLabels.
  Labels pod_labels() const;
  /// The controller's spec.selector.matchLabels (empty when absent).
  Labels selector_labels() const;
  Labels labels() const;
  Labels annotations() const;


 private:
  Workload(JsonNode object, WorkloadKind kind, std::string kind_name);
  JsonNode object_;
  JsonNode pod_template_;
  WorkloadKind kind_;
  std::string kind_name_;
};

/// How every front door names an object to a person: "Deployment prod/dapp", "Namespace dalp"
/// (no namespace), with "(no kind)" and "(unnamed)" for what is missing.
std::string display_name(std::string_view kind, std::string_view namespace_, std::string_view name);
/// display_name() of an object's kind, metadata.namespace and metadata.name (else generateName).
std::string display_name(JsonNode object);

/// The ownerReference of `object` marked controller (empty when none).
ObjectRef controller_owner_of(JsonNode object);

/// Reads a string map at `pointer` ("/metadata/labels"); non-string values are skipped.
Labels string_map_at(JsonNode object, std::string_view pointer);
/// Escapes a JSON pointer reference token (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string pointer_token(std::string_view token);

}  // namespace haguard
