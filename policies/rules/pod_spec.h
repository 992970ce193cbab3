#pragma once
// Small helpers the rules share for reading and editing pod specs.

#include <string>
#include <string_view>

#include "policies/rule.h"

namespace haguard::rules {

/// For the fixes: the member `key` of `object` when `object` is an object and has it, else
/// nullptr. (Checks read through JsonNode: `node[key]`.)
const json* child(const json& object, std::string_view key);
/// The member `key` of `parent`, created as {} (or replaced when not an object) for editing.
json& ensure_object(json& parent, const std::string& key);

/// The pod spec of a workload's template; absent when there is none or it is not an object.
JsonNode pod_spec(const Workload& w);
/// JSON pointer of the pod spec ("/spec/template/spec").
std::string pod_spec_pointer(const Workload& w);
/// The mutable pod spec inside `object` (a copy being fixed), or nullptr.
json* mutable_pod_spec(json& object, const Workload& w);

/// A container of the pod spec and where it is.
struct ContainerAt {
  JsonNode container;
  std::size_t index = 0;        ///< in `containers`, or in `initContainers` for a native sidecar
  bool native_sidecar = false;  ///< an init container with restartPolicy: Always
  /// Its JSON pointer ("/spec/template/spec/containers/0"), spelled only when a verdict needs it.
  std::string pointer(const Workload& w) const;
};

/// The containers that run for the pod's life: `containers` and native sidecars (init containers
/// with restartPolicy: Always), in that order. Items that are not objects are included.
std::vector<ContainerAt> running_containers(const Workload& w);

/// The containers that serve the application: those with a port named `port`; when none has
/// one, the container the pod template's kubectl.kubernetes.io/default-container annotation names,
/// else the first. Sidecars, ordinary or native, are not among them.
std::vector<ContainerAt> main_containers(const Workload& w, const std::string& port);

/// Whether an affinity term or spread constraint looks at the object's own namespace: no
/// `namespaces` and no `namespaceSelector` (or an empty one, meaning all), or `namespaces` lists it.
bool in_own_namespace(JsonNode term, const Workload& w);

/// A label selector written as people read it: "app=x,tier in (a,b)".
std::string describe_selector(JsonNode selector);

/// The labels the fix of an anti-affinity or spread term selects: the controller's matchLabels
/// when they are set, else the pod template's labels.
Labels own_selector_labels(const Workload& w);

}  // namespace haguard::rules
