#include "plugin/render_pipeline.h"

#include <algorithm>
#include <filesystem>

#include "common/file_reading.h"
#include "manifest_io/manifest_io.h"
#include "plugin/render_output.h"
#include "policies/engine.h"

namespace haguard::plugin {

PolicyChoice choose_policy(const std::optional<std::string>& flag, const Environ& env) {
  PolicyChoice c;
  std::optional<std::string> file = flag;
  if (!file) {
    if (auto it = env.find("HAGUARD_POLICY"); it != env.end() && !it->second.empty())
      file = it->second;
  }
  if (!file) {
    c.policy = default_policy();
    c.source = "embedded default";
    if (!c.policy) c.error = "the embedded default policy does not load";
    return c;
  }
  std::string why;
  std::optional<std::string> text = read_file(*file, &why);
  if (!text) {
    c.error = "cannot read policy file " + *file + ": " + why;
    return c;
  }
  PolicyLoad load = load_policy(*text, *file);
  if (!load.policy) {
    c.error = "policy: " + load.error;
    return c;
  }
  c.policy = load.policy;
  c.source = *file;
  return c;
}

std::string resolve_render_environment(const Policy& policy, RenderSettings& settings,
                                       std::string& error) {
  std::string env = settings.environment;
  if (env.empty()) {
    env = policy.default_environment;
  } else if (!policy.knows_environment(env)) {
    error = policy.unknown_environment(env) + " (set by " + settings.environment_source + ")";
    return {};
  }
  for (auto& [k, v] : settings.jsonnet.ext_str)
    if (k == "environment") v = env;
  return env;
}

namespace {

/// Directory mode's .yaml/.yml/.json files, read as Argo CD reads them, each file's objects in
/// `parts`. Files may not lead out of the repository (symlinks), and count toward --max-output.
void read_plain_manifests(const RenderSettings& settings, const JsonnetLimits& limits,
                          std::vector<std::pair<std::string, std::vector<RenderedObject>>>& parts,
                          std::vector<std::string>& errors) {
  namespace fs = std::filesystem;
  std::size_t total = 0;
  const fs::path root(settings.jsonnet.root);
  for (const auto& file : settings.manifests) {
    std::error_code ec;
    fs::path real = fs::canonical(fs::path(settings.jsonnet.work_dir) / file, ec);
    auto rel = real.lexically_relative(root);
    if (ec || rel.empty() || *rel.begin() == "..") {
      errors.push_back(file + ": leads outside the repository");
      continue;
    }
    std::string why;
    std::optional<std::string> text = read_file(real, &why);
    if (!text) {
      errors.push_back(file + ": " + why);
      return;
    }
    total += text->size();
    if (total > limits.max_output) {
      errors.push_back("haguard render: the manifest files are over the bound of " +
                       std::to_string(limits.max_output) + " bytes (--max-output)");
      return;
    }
    ReadResult read = read_manifests(*text, file);
    for (const auto& e : read.errors) errors.push_back(e.describe());
    auto& list = parts.emplace_back(file, std::vector<RenderedObject>{}).second;
    for (auto& d : read.documents)
      list.push_back({std::move(d.object), file + " document " + std::to_string(d.index + 1) +
                                               " (line " + std::to_string(d.line) + ")",
                      ""});
  }
}

}  // namespace

RenderResult render(const RenderSettings& settings, const std::string& environment,
                    const Policy& policy, const JsonnetLimits& limits) {
  RenderResult r;
  const JsonnetInputs& in = settings.jsonnet;
  std::vector<std::string> secrets;
  for (const auto* list : {&in.tla_str, &in.tla_code})
    for (const auto& kv : *list) secrets.push_back(kv.second);
  for (const auto* list : {&in.ext_str, &in.ext_code})
    for (const auto& [k, v] : *list)
      if (std::find(std::begin(kStandardExtVars), std::end(kStandardExtVars), k) ==
          std::end(kStandardExtVars))
        secrets.push_back(v);

  // Each file's objects: in the order given, or by file name in directory mode (Argo CD's).
  std::vector<std::pair<std::string, std::vector<RenderedObject>>> parts;
  if (!settings.main.empty()) {
    JsonnetRun run = evaluate_jsonnet(settings.main, in, limits);
    if (!run.failure.empty()) {
      r.errors.push_back("haguard render: " + run.failure);
      return r;
    }
    for (const auto& res : run.results) {
      if (!res.ok) {
        r.errors.push_back(redact(res.error, secrets));
        continue;
      }
      json value = json::parse(res.output, nullptr, false);
      if (value.is_discarded()) {
        r.errors.push_back(res.file + ": the jsonnet VM produced invalid JSON");
        continue;
      }
      auto& list = parts.emplace_back(res.file, std::vector<RenderedObject>{}).second;
      walk_manifests(value, res.file, list, r.errors);
    }
  }
  read_plain_manifests(settings, limits, parts, r.errors);
  if (!r.errors.empty()) return r;
  if (settings.directory)
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<RenderedObject> objects;
  for (auto& [file, list] : parts)
    for (auto& o : list) objects.push_back(std::move(o));

  set_default_namespace(objects, settings.namespace_);
  r.errors = check_identity(objects);
  if (!r.errors.empty()) return r;
  if (objects.empty() && !settings.allow_empty) {
    r.errors.push_back(
        "haguard render: no objects rendered; refusing, because an empty render makes Argo CD "
        "prune the whole application (set the parameter allow-empty=true if that is intended)");
    return r;
  }

  assign_environments(objects, environment);
  Engine engine(std::shared_ptr<const Policy>(&policy, [](const Policy*) {}));
  PolicyReport report = apply_policy(engine, objects);
  for (const auto& f : report.fixed) r.notes.push_back("fixed " + f);
  r.warnings = std::move(report.warnings);
  if (!report.blocking.empty()) {
    r.errors.push_back("haguard render: the HA policy blocks this render (environment " +
                       environment + "):");
    for (auto& b : report.blocking) r.errors.push_back("  " + b);
    return r;
  }
  annotate_warnings(report, objects);
  for (auto& o : objects) r.objects.push_back(std::move(o.object));
  return r;
}

}  // namespace haguard::plugin
