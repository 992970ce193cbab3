#pragma once
// A set of objects known together (a render, a check run, a KRM ResourceList): lets a rule see
// the HPA that manages a workload and the PodDisruptionBudgets of its namespace.

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
  /// The HorizontalPodAutoscaler whose scaleTargetRef names this workload, or nullptr.
  /// An empty namespace on either side matches any (rendered objects often lack one).
  const json* hpa_for(std::string_view kind, std::string_view ns, std::string_view name) const;
  /// PodDisruptionBudgets in namespace `ns` (same matching of empty namespaces).
  std::vector<const json*> pdbs_in(std::string_view ns) const;
  /// The workload an HPA targets, or nullptr.
  const json* hpa_target(const json& hpa) const;

 private:
  std::vector<const json*> objects_;
  std::unordered_multimap<std::string, const json*> hpas_;  ///< by "kind/name" of their target
  std::vector<const json*> pdbs_;
};

}  // namespace haguard
