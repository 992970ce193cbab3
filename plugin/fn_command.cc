// `haguard fn`: a KRM function (config.kubernetes.io/v1 ResourceList on stdin and stdout).
// Applies the policy's fixes to `items`, runs the object and set rules, and reports in `results`
// (severity, message, resourceRef, field path, file). Exits non-zero when an enforced rule fails.
//
// functionConfig: a ConfigMap whose data may set `environment` and `policy` (a policy file path),
// as `kpt fn eval --exec ... -- environment=production` makes; or an HAPolicy itself.

#include <cstdio>
#include <iostream>
#include <iterator>

#include <yaml-cpp/yaml.h>

#include "plugin/command.h"
#include "plugin/manifest_io.h"
#include "plugin/render_inputs.h"
#include "plugin/render_output.h"
#include "plugin/render_pipeline.h"
#include "policies/engine.h"
#include "policies/object_set.h"
#include "policies/yaml_stream.h"

namespace haguard::plugin {
namespace {

struct FnOptions {
  std::optional<std::string> environment;
  std::optional<std::string> policy;
};

/// YAML node to JSON (YAML 1.2 core schema for plain scalars; quoted scalars stay strings). The
/// ResourceList is read here rather than by read_manifests, which expands every `*List` kind and
/// would drop the envelope (functionConfig).
json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& v : n) a.push_back(yaml_to_json(v));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() != "?") return s;  // quoted or explicitly tagged: a string
      if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
      json num = json::parse(s, nullptr, false);
      if (!num.is_discarded() && num.is_number()) return num;
      return s;
    }
    default: return nullptr;
  }
}

/// "/spec/template/spec/containers/0/livenessProbe" -> "spec.template.spec.containers[0].livenessProbe"
std::string field_path(const std::string& pointer) {
  std::string out;
  std::size_t pos = 1;
  while (pointer.size() > 0 && pos <= pointer.size()) {
    std::size_t next = pointer.find('/', pos);
    std::string tok = pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    for (std::size_t i; (i = tok.find("~1")) != std::string::npos;) tok.replace(i, 2, "/");
    for (std::size_t i; (i = tok.find("~0")) != std::string::npos;) tok.replace(i, 2, "~");
    bool index = !tok.empty() && tok.find_first_not_of("0123456789") == std::string::npos;
    if (index)
      out += "[" + tok + "]";
    else if (tok.find('.') != std::string::npos)
      out += "[" + tok + "]";
    else
      out += (out.empty() ? "" : ".") + tok;
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

json resource_ref(const json& o) {
  json ref = {{"apiVersion", o.value("apiVersion", "")}, {"kind", o.value("kind", "")}};
  const json& m = o.contains("metadata") && o["metadata"].is_object() ? o["metadata"] : json::object();
  ref["name"] = m.value("name", "");
  if (m.contains("namespace") && m["namespace"].is_string()) ref["namespace"] = m["namespace"];
  return ref;
}

json file_ref(const json& o) {
  const json* ann = nullptr;
  if (o.contains("metadata") && o["metadata"].is_object() && o["metadata"].contains("annotations"))
    ann = &o["metadata"]["annotations"];
  if (ann == nullptr || !ann->is_object()) return nullptr;
  for (const char* key : {"internal.config.kubernetes.io/path", "config.kubernetes.io/path"}) {
    if (auto it = ann->find(key); it != ann->end() && it->is_string()) {
      json f = {{"path", *it}};
      for (const char* ik : {"internal.config.kubernetes.io/index", "config.kubernetes.io/index"})
        if (auto ix = ann->find(ik); ix != ann->end() && ix->is_string()) {
          try {
            f["index"] = std::stoi(ix->get<std::string>());
          } catch (...) {
          }
          break;
        }
      return f;
    }
  }
  return nullptr;
}

int run_fn(const FnOptions& o) {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  // One YAML::Load per `---` piece, not YAML::LoadAll: in yaml-cpp 0.7 that loops forever on a
  // ',' outside a flow collection (jbeder/yaml-cpp#1040).
  std::vector<YAML::Node> docs;
  for (const YamlPiece& p : cut_yaml_stream(text)) {
    const std::string_view piece = std::string_view(text).substr(p.begin, p.end - p.begin);
    try {
      docs.push_back(YAML::Load(std::string(piece)));
      if (const int line = docs.back().IsNull() ? stray_token_line(piece) : -1; line >= 0) {
        std::fprintf(stderr,
                     "haguard fn: stdin: line %d: unexpected ',' outside a flow collection\n",
                     p.line + line + 1);
        return 1;
      }
    } catch (const YAML::Exception& e) {
      const int line = p.line + (e.mark.is_null() ? 0 : e.mark.line) + 1;
      std::fprintf(stderr, "haguard fn: stdin: line %d: %s\n", line, e.msg.c_str());
      return 1;
    }
  }
  json list;
  std::vector<json> loose;  // input given as a plain stream of objects: treat as the items
  for (const auto& d : docs) {
    json doc = yaml_to_json(d);
    if (doc.is_null()) continue;
    if (!doc.is_object()) {
      std::fprintf(stderr, "haguard fn: stdin: a document is not a mapping\n");
      return 1;
    }
    if (doc.value("kind", "") == "ResourceList" && list.is_null())
      list = std::move(doc);
    else
      loose.push_back(std::move(doc));
  }
  if (list.is_null()) {
    list = {{"apiVersion", "config.kubernetes.io/v1"}, {"kind", "ResourceList"},
            {"items", json(loose)}};
  } else if (!loose.empty()) {
    std::fprintf(stderr, "haguard fn: input holds a ResourceList and other documents\n");
    return 1;
  }
  if (!list.contains("items") || list["items"].is_null()) list["items"] = json::array();
  if (!list["items"].is_array()) {
    std::fprintf(stderr, "haguard fn: ResourceList items must be a list\n");
    return 1;
  }

  // functionConfig: environment and policy.
  std::optional<std::string> environment = o.environment;
  std::optional<std::string> policy_file = o.policy;
  std::shared_ptr<const Policy> inline_policy;
  if (auto fc = list.find("functionConfig"); fc != list.end() && fc->is_object()) {
    if (fc->value("kind", "") == "HAPolicy") {
      PolicyLoad load = load_policy(fc->dump(), "functionConfig");
      if (!load.policy) {
        std::fprintf(stderr, "haguard fn: %s\n", load.error.c_str());
        return 1;
      }
      inline_policy = load.policy;
    } else if (auto data = fc->find("data"); data != fc->end() && data->is_object()) {
      if (auto e = data->find("environment"); e != data->end() && e->is_string()) environment = *e;
      if (auto p = data->find("policy"); p != data->end() && p->is_string()) policy_file = *p;
    }
  }
  std::shared_ptr<const Policy> policy = inline_policy;
  if (!policy) {
    PolicyChoice choice = choose_policy(policy_file, current_environ());
    if (!choice.error.empty()) {
      std::fprintf(stderr, "haguard fn: %s\n", choice.error.c_str());
      return 1;
    }
    policy = choice.policy;
  }
  std::string env_name = policy->resolve_environment(environment.value_or(""));
  if (environment && !environment->empty() && env_name != *environment) {
    std::fprintf(stderr, "haguard fn: environment \"%s\" is not one the policy knows\n",
                 environment->c_str());
    return 1;
  }

  std::vector<RenderedObject> objects;
  for (auto& item : list["items"]) objects.push_back({item, "", ""});
  assign_environments(objects, env_name);
  Engine engine(policy);
  json results = json::array();
  bool blocked = false;

  SetFixResult fixed = fix_all(engine, objects);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    for (const auto& rule : fixed.rules[i]) {
      json r = {{"message", "fixed by haguard (" + rule + ")"},
                {"severity", "info"},
                {"resourceRef", resource_ref(fixed.objects[i])},
                {"tags", {{"rule", rule}, {"environment", objects[i].environment}}}};
      if (json f = file_ref(fixed.objects[i]); !f.is_null()) r["file"] = f;
      results.push_back(std::move(r));
    }
  }
  for (std::size_t i = 0; i < objects.size(); ++i) objects[i].object = std::move(fixed.objects[i]);

  auto report = [&](std::size_t i, const Finding& f) {
    bool block = is_blocking(f);
    if (!block && !is_warning(f)) return;
    blocked = blocked || block;
    const std::string message = describe(f, display_name(objects[i].object));
    json r = {{"message", message},
              {"severity", block ? "error" : "warning"},
              {"resourceRef", resource_ref(objects[i].object)},
              {"tags", {{"rule", f.rule}, {"environment", objects[i].environment}}}};
    if (!f.path.empty()) r["field"] = {{"path", field_path(f.path)}};
    if (json fr = file_ref(objects[i].object); !fr.is_null()) r["file"] = fr;
    results.push_back(std::move(r));
    if (block) std::fprintf(stderr, "haguard fn: %s\n", message.c_str());
  };
  for (const auto& [i, f] : fixed.findings) report(i, f);

  json items = json::array();
  for (auto& r : objects) items.push_back(std::move(r.object));
  list["items"] = std::move(items);
  if (results.empty())
    list.erase("results");
  else
    list["results"] = std::move(results);
  std::string out = write_yaml_stream({list});
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return 1;
  return blocked ? 1 : 0;
}

}  // namespace

std::function<int()> setup_fn(CLI::App& app) {
  auto o = std::make_shared<FnOptions>();
  app.add_option("-e,--environment", o->environment,
                 "Policy environment (functionConfig data.environment overrides)");
  app.add_option("--policy", o->policy,
                 "HAPolicy file (functionConfig data.policy overrides; default: HAGUARD_POLICY, "
                 "else the embedded default)");
  return [o] { return run_fn(*o); };
}

}  // namespace haguard::plugin
