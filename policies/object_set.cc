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

}  // namespace

ObjectSet::ObjectSet(std::vector<const json*> objects) : objects_(std::move(objects)) {
  for (const json* o : objects_) {
    if (!o->is_object()) continue;
    auto k = o->find("kind");
    if (k == o->end() || !k->is_string()) continue;
    if (*k == "HorizontalPodAutoscaler") {
      auto spec = o->find("spec");
      if (spec != o->end() && spec->is_object())
        hpas_.emplace(str(*spec, "scaleTargetRef", "kind") + '/' + str(*spec, "scaleTargetRef", "name"), o);
    }
    else if (*k == "PodDisruptionBudget") pdbs_.push_back(o);
  }
}

const json* ObjectSet::hpa_for(std::string_view kind, std::string_view ns, std::string_view name) const {
  auto [begin, end] = hpas_.equal_range(std::string(kind) + '/' + std::string(name));
  for (auto it = begin; it != end; ++it)
    if (same_namespace(str(*it->second, "metadata", "namespace"), ns)) return it->second;
  return nullptr;
}

std::vector<const json*> ObjectSet::pdbs_in(std::string_view ns) const {
  std::vector<const json*> out;
  for (const json* p : pdbs_)
    if (same_namespace(str(*p, "metadata", "namespace"), ns)) out.push_back(p);
  return out;
}

const json* ObjectSet::hpa_target(const json& hpa) const {
  auto spec = hpa.find("spec");
  if (spec == hpa.end() || !spec->is_object()) return nullptr;
  std::string kind = str(*spec, "scaleTargetRef", "kind");
  std::string name = str(*spec, "scaleTargetRef", "name");
  std::string ns = str(hpa, "metadata", "namespace");
  for (const json* o : objects_)
    if (o->is_object() && o->value("kind", json()) == kind && str(*o, "metadata", "name") == name &&
        same_namespace(str(*o, "metadata", "namespace"), ns))
      return o;
  return nullptr;
}

}  // namespace haguard
