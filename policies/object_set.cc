#include "policies/object_set.h"

namespace haguard {
namespace {

std::string str(const json& o, const char* a, const char* b) {
  auto x = o.find(a);
  if (x == o.end() || !x->is_object()) return {};
  auto y = x->find(b);
  return y != x->end() && y->is_string() ? y->get<std::string>() : std::string();
}

bool same_namespace(std::string_view a, std::string_view b) { return a.empty() || b.empty() || a == b; }

std::string key(std::string_view kind, std::string_view name) {
  std::string k;
  k.reserve(kind.size() + 1 + name.size());
  return k.append(kind).append(1, '/').append(name);
}

const json* lookup(const std::unordered_multimap<std::string, const json*>& index, std::string_view kind,
                   std::string_view ns, std::string_view name) {
  auto [begin, end] = index.equal_range(key(kind, name));
  for (auto it = begin; it != end; ++it)
    if (same_namespace(str(*it->second, "metadata", "namespace"), ns)) return it->second;
  return nullptr;
}

}  // namespace

ObjectSet::ObjectSet(std::vector<const json*> objects) : objects_(std::move(objects)) {
  for (const json* o : objects_) {
    if (!o->is_object()) continue;
    auto k = o->find("kind");
    if (k == o->end() || !k->is_string()) continue;
    by_name_.emplace(key(k->get_ref<const std::string&>(), str(*o, "metadata", "name")), o);
    if (*k == "PodDisruptionBudget") {
      pdbs_.push_back(o);
      continue;
    }
    auto w = Workload::of(*o);
    if (!w) continue;
    if (w->is_autoscaler()) {
      const ObjectRef t = w->scale_target();
      autoscalers_.emplace(key(t.kind, t.name), o);
    } else if (const ObjectRef ref = w->workload_ref(); !ref.empty()) {
      rollouts_.emplace(key(ref.kind, ref.name), o);
    }
  }
}

const json* ObjectSet::autoscaler_for(std::string_view kind, std::string_view ns,
                                      std::string_view name) const {
  return lookup(autoscalers_, kind, ns, name);
}

const json* ObjectSet::rollout_for(std::string_view ns, std::string_view deployment_name) const {
  return lookup(rollouts_, "Deployment", ns, deployment_name);
}

const json* ObjectSet::find(std::string_view kind, std::string_view ns, std::string_view name) const {
  return lookup(by_name_, kind, ns, name);
}

std::vector<const json*> ObjectSet::pdbs_in(std::string_view ns) const {
  std::vector<const json*> out;
  for (const json* p : pdbs_)
    if (same_namespace(str(*p, "metadata", "namespace"), ns)) out.push_back(p);
  return out;
}

}  // namespace haguard
