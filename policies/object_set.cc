#include "policies/object_set.h"

#include <algorithm>

namespace haguard {
namespace {

/// A view, not a copy: lookups compare the namespace of every object of the same kind and name,
/// which in a cluster dump of many namespaces is most of them (a copy each made `haguard
/// readiness` over 10,000 objects spend a third of its time in malloc and this function).
std::string_view str(const json& o, const char* a, const char* b) {
  auto x = o.find(a);
  if (x == o.end() || !x->is_object()) return {};
  auto y = x->find(b);
  return y != x->end() && y->is_string() ? std::string_view(y->get_ref<const std::string&>())
                                          : std::string_view();
}

std::string key(std::string_view kind, std::string_view name) {
  std::string k;
  k.reserve(kind.size() + 1 + name.size());
  return k.append(kind).append(1, '/').append(name);
}

}  // namespace

void ObjectSet::NameIndex::add(std::string k, std::string_view ns, std::size_t position,
                               const json* object) {
  const Entry e{position, object};
  if (ns.empty()) {
    unscoped_.emplace(k, e);
  } else {
    std::string scoped = k;
    scoped_.emplace(scoped.append(1, '\n').append(ns), e);
  }
  any_.emplace(std::move(k), e);
}

const ObjectSet::NameIndex::Entry* ObjectSet::NameIndex::first(const Map& map, const std::string& k) {
  const Entry* best = nullptr;
  auto [begin, end] = map.equal_range(k);
  for (auto it = begin; it != end; ++it)
    if (!best || it->second.position < best->position) best = &it->second;
  return best;
}

// An empty namespace on either side matches any: an object without one matches every lookup,
// a lookup without one matches every object.
const json* ObjectSet::NameIndex::lookup(const std::string& k, std::string_view ns) const {
  const Entry* found = nullptr;
  if (ns.empty()) {
    found = first(any_, k);
  } else {
    std::string scoped = k;
    const Entry* in_ns = first(scoped_, scoped.append(1, '\n').append(ns));
    const Entry* anywhere = first(unscoped_, k);
    found = !in_ns ? anywhere : !anywhere ? in_ns : in_ns->position < anywhere->position ? in_ns : anywhere;
  }
  return found ? found->object : nullptr;
}

ObjectSet::ObjectSet(std::vector<const json*> objects) : objects_(std::move(objects)) {
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    const json* o = objects_[i];
    if (!o->is_object()) continue;
    auto k = o->find("kind");
    if (k == o->end() || !k->is_string()) continue;
    const std::string_view ns = str(*o, "metadata", "namespace");
    by_name_.add(key(k->get_ref<const std::string&>(), str(*o, "metadata", "name")), ns, i, o);
    if (*k == "PodDisruptionBudget") {
      (ns.empty() ? unscoped_pdbs_ : pdbs_by_namespace_[std::string(ns)]).push_back(pdbs_.size());
      pdbs_.push_back(o);
      continue;
    }
    auto w = Workload::of(*o);
    if (!w) continue;
    if (w->is_autoscaler()) {
      const ObjectRef t = w->scale_target();
      autoscalers_.add(key(t.kind, t.name), ns, i, o);
    } else if (const ObjectRef ref = w->workload_ref(); !ref.empty()) {
      rollouts_.add(key(ref.kind, ref.name), ns, i, o);
    }
  }
}

const json* ObjectSet::autoscaler_for(std::string_view kind, std::string_view ns,
                                      std::string_view name) const {
  return autoscalers_.lookup(key(kind, name), ns);
}

const json* ObjectSet::rollout_for(std::string_view ns, std::string_view deployment_name) const {
  return rollouts_.lookup(key("Deployment", deployment_name), ns);
}

const json* ObjectSet::find(std::string_view kind, std::string_view ns, std::string_view name) const {
  return by_name_.lookup(key(kind, name), ns);
}

std::vector<const json*> ObjectSet::pdbs_in(std::string_view ns) const {
  if (ns.empty()) return pdbs_;
  std::vector<std::size_t> picked = unscoped_pdbs_;
  if (auto it = pdbs_by_namespace_.find(std::string(ns)); it != pdbs_by_namespace_.end())
    picked.insert(picked.end(), it->second.begin(), it->second.end());
  std::sort(picked.begin(), picked.end());  // input order, as the rules saw them before
  std::vector<const json*> out;
  out.reserve(picked.size());
  for (std::size_t i : picked) out.push_back(pdbs_[i]);
  return out;
}

}  // namespace haguard
