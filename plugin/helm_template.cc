// helmTemplate: resolve the chart inside the tree, run `helm template`, key each manifest by the
// name format. See helm_template.h.

#include "plugin/helm_template.h"

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "plugin/child_process.h"
#include "plugin/helm_name_format.h"
#include "plugin/jsonnet_eval.h"
#include "plugin/jsonnet_yaml.h"

extern "C" {
#include <libjsonnet.h>
}

namespace haguard::plugin {
namespace {

namespace fs = std::filesystem;
using Args = const JsonnetJsonValue* const*;

bool within(const fs::path& root, const fs::path& p) {
  auto r = root.lexically_normal().native();
  auto s = p.lexically_normal().native();
  if (!r.empty() && r.back() == '/') r.pop_back();
  return s == r || (s.size() > r.size() && s.compare(0, r.size(), r) == 0 && s[r.size()] == '/');
}

/// helm's output cut at its `---` separator lines; documents that hold only comments stay in
/// (the caller skips them, as Tanka does).
std::vector<std::string_view> split_stream(std::string_view text) {
  std::vector<std::string_view> docs;
  std::size_t start = 0, pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    bool separator = line.substr(0, 3) == "---" &&
                     line.find_first_not_of(" \t\r", 3) == std::string_view::npos;
    if (separator) {
      docs.push_back(text.substr(start, pos - start));
      start = eol + 1;
    }
    if (eol == text.size()) break;
    pos = eol + 1;
  }
  if (start < text.size()) docs.push_back(text.substr(start));
  return docs;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

/// Keys each manifest of helm's output; false with `error` set on a bad document or name.
bool manifests_as_object(JsonnetVm* vm, std::string_view output, const std::string& name_format,
                         JsonnetJsonValue*& result, std::string& error) {
  const std::string format = name_format.empty() ? std::string(kTankaDefaultNameFormat) : name_format;
  result = jsonnet_json_make_object(vm);
  std::set<std::string> names;
  std::size_t index = 0;
  for (std::string_view doc : split_stream(output)) {
    ++index;
    std::string where = "helm's output document " + std::to_string(index);
    YAML::Node node;
    try {
      node = YAML::Load(std::string(doc));
    } catch (const YAML::Exception& e) {
      error = where + ": " + e.msg;
      return false;
    }
    if (node.IsNull() || (node.IsMap() && node.size() == 0)) continue;
    if (!node.IsMap()) {
      error = where + " is not an object";
      return false;
    }
    std::string key;
    if (!format_manifest_name(format, node, key, error)) {
      error = "nameFormat '" + format + "' on " + where + ": " + error;
      return false;
    }
    if (!names.insert(key).second) {
      error = "Two resources share the same name '" + key + "'. Please adapt the name template '" +
              format + "'.";
      return false;
    }
    JsonnetJsonValue* value = parse_yaml_like_go(vm, doc, error);
    if (value == nullptr) {
      error = where + ": " + error;
      return false;
    }
    jsonnet_json_object_append(vm, result, key.c_str(), value);
  }
  return true;
}

JsonnetJsonValue* fail(JsonnetVm* vm, int* success, const std::string& message) {
  *success = 0;
  return jsonnet_json_make_string(vm, ("helmTemplate: " + message).c_str());
}

JsonnetJsonValue* helm_template(void* ctx_ptr, Args argv, int* success) {
  auto* ctx = static_cast<HelmContext*>(ctx_ptr);
  JsonnetVm* vm = ctx->vm;
  HelmTemplateCall call;
  std::string* strings[] = {&call.name,       &call.chart,        &call.called_from,
                            &call.values_json, &call.namespace_};
  for (int i = 0; i < 5; ++i) {
    const char* s = jsonnet_json_extract_string(vm, argv[i]);
    if (s == nullptr) return fail(vm, success, "internal: argument " + std::to_string(i) + " is not a string");
    *strings[i] = s;
  }
  bool* flags[] = {&call.include_crds, &call.skip_tests, &call.no_hooks};
  for (int i = 0; i < 3; ++i) *flags[i] = jsonnet_json_extract_bool(vm, argv[5 + i]) == 1;
  const char* kube = jsonnet_json_extract_string(vm, argv[8]);
  const char* apis = jsonnet_json_extract_string(vm, argv[9]);
  const char* format = jsonnet_json_extract_string(vm, argv[10]);
  if (!kube || !apis || !format) return fail(vm, success, "internal: bad arguments");
  call.kube_version = kube;
  call.name_format = format;
  for (std::string_view rest = apis; !rest.empty();) {
    std::size_t nl = rest.find('\n');
    call.api_versions.emplace_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }

  // helm would read a name like --post-renderer=x as a flag: a repository must not pass flags.
  if (call.name.empty() || call.name.front() == '-')
    return fail(vm, success, "the release name '" + call.name + "' is empty or starts with '-'");
  std::string error;
  std::string chart = resolve_chart(*ctx->inputs, call, error);
  if (chart.empty()) return fail(vm, success, error);

  std::vector<std::string> argv_helm{ctx->inputs->helm.empty() ? "helm" : ctx->inputs->helm};
  for (auto& a : helm_template_args(call, chart)) argv_helm.push_back(std::move(a));
  ProcessResult p = run_process(argv_helm, call.values_json, ctx->max_output);
  std::string shown = "helm template " + call.name + " " + call.chart;
  if (!p.started)
    return fail(vm, success,
                "cannot run '" + argv_helm[0] + "': " + p.error +
                    " (haguard render --helm PATH or HAGUARD_HELM names the helm binary)");
  if (p.output_cut)
    return fail(vm, success, shown + " wrote more than the bound of " +
                                 std::to_string(ctx->max_output) + " bytes (--max-output)");
  if (p.exit_code != 0) {
    std::string how = p.signal ? "signal " + std::to_string(p.signal) + " (" + ::strsignal(p.signal) + ")"
                               : "exit status " + std::to_string(p.exit_code);
    return fail(vm, success, shown + " failed (" + how + "): " + trimmed(p.err));
  }
  JsonnetJsonValue* result = nullptr;
  if (!manifests_as_object(vm, p.out, call.name_format, result, error)) {
    if (result) jsonnet_json_destroy(vm, result);
    return fail(vm, success, shown + ": " + error);
  }
  *success = 1;
  return result;
}

}  // namespace

std::string resolve_chart(const JsonnetInputs& inputs, const HelmTemplateCall& call,
                          std::string& error) {
  if (call.called_from.empty()) {
    error = "'opts.calledFrom' is unset or empty: set it to std.thisFile so the chart is found "
            "relative to the calling file (https://tanka.dev/helm#optscalledfrom-unset)";
    return {};
  }
  if (call.chart.empty()) {
    error = "the chart path is empty";
    return {};
  }
  fs::path caller(call.called_from);
  if (!caller.is_absolute()) caller = fs::path(inputs.work_dir) / caller;
  fs::path chart = fs::path(call.chart).is_absolute()
                       ? fs::path(call.chart)
                       : caller.parent_path() / call.chart;
  chart = chart.lexically_normal();
  std::string shown = "'" + call.chart + "' (from " + call.called_from + ")";
  if (!within(inputs.root, chart)) {
    error = "the chart " + shown +
            " is outside the repository tree: charts are vendored in the repository, as imports are";
    return {};
  }
  struct stat st {};
  if (::stat(chart.c_str(), &st) != 0) {
    error = "Failed to find a chart at " + shown + ": " + std::strerror(errno) +
            " (https://tanka.dev/helm#failed-to-find-chart)";
    return {};
  }
  char* real = ::realpath(chart.c_str(), nullptr);
  std::string resolved = real ? real : "";
  std::free(real);
  if (resolved.empty() || !within(inputs.root, resolved)) {
    error = "the chart " + shown + " resolves outside the repository tree (symbolic link)";
    return {};
  }
  return resolved;
}

std::vector<std::string> helm_template_args(const HelmTemplateCall& call, const std::string& chart) {
  std::vector<std::string> args{"template", call.name, chart, "--values", "-"};
  for (const auto& v : call.api_versions) args.push_back("--api-versions=" + v);
  if (call.include_crds) args.push_back("--include-crds");
  if (call.skip_tests) args.push_back("--skip-tests");
  if (!call.kube_version.empty()) args.push_back("--kube-version=" + call.kube_version);
  if (call.no_hooks) args.push_back("--no-hooks");
  if (!call.namespace_.empty()) args.push_back("--namespace=" + call.namespace_);
  return args;
}

void register_helm_native(JsonnetVm* vm, HelmContext* ctx) {
  static const char* kParams[] = {"name",        "chart",     "calledFrom", "values",
                                  "namespace",   "includeCrds", "skipTests", "noHooks",
                                  "kubeVersion", "apiVersions", "nameFormat", nullptr};
  jsonnet_native_callback(vm, "haguard.helmTemplate", &helm_template, ctx, kParams);
}

}  // namespace haguard::plugin
