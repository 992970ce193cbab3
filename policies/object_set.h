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
  /// Objects by a "kind/name" key, found in a namespace without a walk over every namespace's
  /// object of that name (a cluster dump has one `dapp` per namespace).
  class NameIndex {
   public:
    void add(std::string key, std::string_view ns, std::size_t position, const json* object);
    /// The first object (input order) under `key` whose namespace matches `ns`.
    const json* lookup(const std::string& key, std::string_view ns) const;

   private:
    struct Entry {
      std::size_t position;
      const json* object;
    };
    using Map = std::unordered_multimap<std::string, Entry>;
    static const Entry* first(const Map& map, const std::string& key);
    Map any_;       ///< every object, by key
    Map scoped_;    ///< objects with a namespace, by key + '\n' + namespace
    Map unscoped_;  ///< objects without one, by key
  };

  std::vector<const json*> objects_;
  /// Autoscalers by "kind/name" of their target, Rollouts by "Deployment/name" of their
  /// workloadRef, everything by "kind/name".
  NameIndex autoscalers_, rollouts_, by_name_;
  std::vector<const json*> pdbs_;  ///< in input order
  std::unordered_map<std::string, std::vector<std::size_t>> pdbs_by_namespace_;  ///< into pdbs_
  std::vector<std::size_t> unscoped_pdbs_;                                        ///< into pdbs_
};

}  // namespace haguard
