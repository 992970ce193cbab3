#pragma once
// A set of objects known together (a render, a check run, a KRM ResourceList): lets a rule see
// the autoscaler that manages a workload, the Rollout that runs a Deployment's template and the
// PodDisruptionBudgets of its namespace.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policies/workload.h"

namespace haguard {

class ObjectSet {
 public:
  explicit ObjectSet(std::vector<const json*> objects);
  const std::vector<const json*>& objects() const { return objects_; }
  /// The HorizontalPodAutoscaler or KEDA ScaledObject whose scaleTargetRef names this workload,
  /// or nullptr. An empty namespace on either side matches any (rendered objects often lack one).
  const json* autoscaler_for(std::string_view kind, std::string_view ns, std::string_view name) const;
  /// The Rollout whose workloadRef names this Deployment, or nullptr (same namespace matching).
  const json* rollout_for(std::string_view ns, std::string_view deployment_name) const;
  /// PodDisruptionBudgets in namespace `ns` (same matching of empty namespaces).
  std::vector<const json*> pdbs_in(std::string_view ns) const;
  /// The object of this kind and name in namespace `ns` (same matching), or nullptr.
  const json* find(std::string_view kind, std::string_view ns, std::string_view name) const;

 private:
  std::vector<const json*> objects_;
  /// Autoscalers by "kind/name" of their target, Rollouts by "Deployment/name" of their
  /// workloadRef, everything by "kind/name".
  std::unordered_multimap<std::string, const json*> autoscalers_, rollouts_, by_name_;
  std::vector<const json*> pdbs_;
};

}  // namespace haguard
