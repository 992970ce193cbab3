#include "plugin/render_output.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "policies/exemption.h"
#include "policies/object_set.h"

namespace haguard::plugin {
namespace {

const std::set<std::string, std::less<>> kClusterScoped = {
    "APIService",
    "CertificateSigningRequest",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "StorageClass",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeSnapshotClass",
    "VolumeSnapshotContent",
    "ClusterPolicy",
    "ClusterSecretStore",
};

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "a value";
  }
}

bool is_field_name(const std::string& k) {
  if (k.empty() || std::isdigit(static_cast<unsigned char>(k[0]))) return false;
  return std::all_of(k.begin(), k.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

struct Walk {
  const std::string& file;
  std::vector<RenderedObject>& out;
  std::vector<std::string>& errors;
  std::vector<std::string> environments;  ///< paths of inline Tanka environments met
};

void walk(const json& v, const std::string& path, Walk& w);

/// An inline Tanka environment (what `tk env` writes into main.jsonnet): its `data` is walked
/// as Tanka does, and its spec.namespace is the default namespace of what it holds.
void walk_environment(const json& env, const std::string& path, Walk& w) {
  w.environments.push_back(path.empty() ? "(top level)" : path);
  const std::size_t first = w.out.size();
  if (auto data = env.find("data"); data != env.end())
    walk(*data, path + ".data", w);
  std::string ns;
  if (auto p = env.find("spec"); p != env.end() && p->is_object())
    if (auto n = p->find("namespace"); n != p->end() && n->is_string()) ns = n->get<std::string>();
  if (ns.empty()) return;
  for (std::size_t i = first; i < w.out.size(); ++i) {
    json& o = w.out[i].object;
    if (is_cluster_scoped(o.value("kind", ""))) continue;
    if (!o.contains("metadata") || !o["metadata"].is_object()) continue;
    auto m = o["metadata"].find("namespace");
    if (m == o["metadata"].end() || !m->is_string() || m->get_ref<const std::string&>().empty())
      o["metadata"]["namespace"] = ns;
  }
}

void walk(const json& v, const std::string& path, Walk& w) {
  const std::string shown = path.empty() ? "(top level)" : path;
  if (v.is_null()) return;
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) walk(v[i], path + "[" + std::to_string(i) + "]", w);
    return;
  }
  if (!v.is_object()) {
    w.errors.push_back(w.file + ": " + shown + ": found " + type_name(v) +
                       " where a Kubernetes object (apiVersion, kind) or a collection of them was "
                       "expected");
    return;
  }
  auto api = v.find("apiVersion");
  auto kind = v.find("kind");
  if (api != v.end() && kind != v.end() && api->is_string() && kind->is_string()) {
    const std::string k = kind->get<std::string>();
    if (k == "Environment" && api->get_ref<const std::string&>() == "tanka.dev/v1alpha1")
      return walk_environment(v, path, w);
    auto items = v.find("items");
    if (k.size() >= 4 && k.compare(k.size() - 4, 4, "List") == 0 && items != v.end() &&
        (items->is_array() || items->is_null())) {
      if (items->is_array())
        for (std::size_t i = 0; i < items->size(); ++i)
          walk((*items)[i], path + ".items[" + std::to_string(i) + "]", w);
      return;
    }
    w.out.push_back({v, w.file + " " + (path.empty() ? "." : path), ""});
    return;
  }
  for (const auto& [key, child] : v.items())
    walk(child, path + (is_field_name(key) ? "." + key : "[\"" + key + "\"]"), w);
}

std::string group_of(const json& o) {
  std::string api = o.value("apiVersion", "");
  auto slash = api.find('/');
  return slash == std::string::npos ? "" : api.substr(0, slash);
}

std::string meta_string(const json& o, const char* field) {
  auto m = o.find("metadata");
  if (m == o.end() || !m->is_object()) return {};
  auto f = m->find(field);
  return f != m->end() && f->is_string() ? f->get<std::string>() : std::string{};
}

}  // namespace

void walk_manifests(const json& value, const std::string& file, std::vector<RenderedObject>& out,
                    std::vector<std::string>& errors) {
  Walk w{file, out, errors, {}};
  walk(value, "", w);
  if (w.environments.size() > 1) {
    std::string list;
    for (const auto& e : w.environments) list += (list.empty() ? "" : ", ") + e;
    errors.push_back(file + ": " + std::to_string(w.environments.size()) +
                     " inline Tanka environments (" + list +
                     "); an Argo CD application renders one: give each environment its own "
                     "entry file (parameter main) and Application");
  }
}

bool is_cluster_scoped(std::string_view kind) { return kClusterScoped.count(kind) > 0; }

void set_default_namespace(std::vector<RenderedObject>& objects, const std::string& ns) {
  if (ns.empty()) return;
  for (auto& r : objects) {
    json& o = r.object;
    if (is_cluster_scoped(o.value("kind", ""))) continue;
    if (!meta_string(o, "namespace").empty()) continue;
    if (!o.contains("metadata") || !o["metadata"].is_object()) o["metadata"] = json::object();
    o["metadata"]["namespace"] = ns;
  }
}

std::vector<std::string> check_identity(const std::vector<RenderedObject>& objects) {
  std::vector<std::string> errors;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string> seen;
  for (const auto& r : objects) {
    const json& o = r.object;
    auto m = o.find("metadata");
    if (m == o.end() || !m->is_object()) {
      errors.push_back(r.source + ": " + o.value("kind", "?") + " has no metadata");
      continue;
    }
    std::string name = meta_string(o, "name");
    if (name.empty()) {
      if (meta_string(o, "generateName").empty())
        errors.push_back(r.source + ": " + o.value("kind", "?") + " has no metadata.name");
      continue;
    }
    auto key = std::make_tuple(group_of(o), o.value("kind", ""), meta_string(o, "namespace"), name);
    auto [it, inserted] = seen.emplace(key, r.source);
    if (!inserted)
      errors.push_back(r.source + ": " + display_name(o) + " is also rendered by " + it->second);
  }
  return errors;
}

void assign_environments(std::vector<RenderedObject>& objects, const std::string& environment) {
  std::map<std::string, std::string> by_namespace;
  for (const auto& r : objects) {
    const json& o = r.object;
    if (o.value("kind", "") != "Namespace" || group_of(o) != "") continue;
    auto labels = string_map_at(o, "/metadata/labels");
    if (auto it = labels.find(kEnvironmentLabel); it != labels.end() && !it->second.empty())
      by_namespace[meta_string(o, "name")] = it->second;
  }
  for (auto& r : objects) {
    auto it = by_namespace.find(meta_string(r.object, "namespace"));
    r.environment = it != by_namespace.end() ? it->second : environment;
  }
}

SetFixResult fix_all(const Engine& engine, const std::vector<RenderedObject>& objects) {
  std::vector<const json*> originals;
  std::vector<std::string> environments;
  for (const auto& r : objects) {
    originals.push_back(&r.object);
    environments.push_back(r.environment);
  }
  return engine.fix_set(originals, environments);
}

PolicyReport apply_policy(const Engine& engine, std::vector<RenderedObject>& objects) {
  PolicyReport report;
  SetFixResult fixed = fix_all(engine, objects);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (!fixed.rules[i].empty()) {
      std::string rules;
      for (const auto& id : fixed.rules[i]) rules += (rules.empty() ? "" : ", ") + id;
      report.fixed.push_back(display_name(fixed.objects[i]) + ": " + rules);
    }
    objects[i].object = std::move(fixed.objects[i]);
  }
  report.object_warnings.resize(objects.size());
  for (const auto& [i, f] : fixed.findings) {
    if (!is_blocking(f) && !is_warning(f)) continue;
    const std::string message = describe(f, display_name(objects[i].object));
    if (is_blocking(f)) {
      report.blocking.push_back(objects[i].source + ": " + message);
    } else {
      report.warnings.push_back(objects[i].source + ": " + message);
      std::string& text = report.object_warnings[i];
      text += (text.empty() ? "" : "\n") + message;
      if (!f.exemption.empty()) text += " (exempted: " + f.exemption + ")";
    }
  }
  return report;
}

void annotate_warnings(const PolicyReport& report, std::vector<RenderedObject>& objects) {
  const std::vector<std::string>& text = report.object_warnings;
  const std::string key(kWarningsAnnotation);
  for (std::size_t i = 0; i < objects.size() && i < text.size(); ++i) {
    json& meta = objects[i].object["metadata"];
    if (!meta.is_object()) continue;
    auto annotations = meta.find("annotations");
    if (text[i].empty()) {
      if (annotations != meta.end() && annotations->is_object()) {
        annotations->erase(key);
        if (annotations->empty()) meta.erase("annotations");
      }
      continue;
    }
    if (annotations == meta.end() || !annotations->is_object())
      meta["annotations"] = json::object();
    meta["annotations"][key] = text[i];
  }
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.size() < 6) continue;
    for (std::size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 10))
      text.replace(pos, s.size(), "<redacted>");
  }
  return text;
}

}  // namespace haguard::plugin
