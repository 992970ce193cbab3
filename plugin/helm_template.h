#pragma once
// Tanka's helmTemplate native: `helm template` of a chart vendored in the repository, its
// manifests returned as an object keyed by Tanka's name format. Runs helm without a shell, from
// inside the bounded evaluation child (the parent kills the child's whole process group at the
// deadline, helm included).

#include <cstddef>
#include <string>
#include <vector>

extern "C" {
struct JsonnetVm;
}

namespace haguard::plugin {

struct JsonnetInputs;

/// What one helm run needs beyond its arguments.
struct HelmContext {
  const JsonnetInputs* inputs;  ///< root (charts may not leave it), work_dir, helm binary
  std::size_t max_output;       ///< bytes of helm output accepted
  JsonnetVm* vm;
};

/// `helm template` arguments, as Tanka's TemplateOpts and JsonnetOpts carry them.
struct HelmTemplateCall {
  std::string name, chart, called_from, values_json, namespace_, kube_version, name_format;
  std::vector<std::string> api_versions;
  bool include_crds = true, skip_tests = false, no_hooks = false;
};

/// The chart's absolute path: `chart` relative to the directory of `called_from` (itself relative
/// to the app directory). "" with `error` set when it is missing or outside the repository tree.
std::string resolve_chart(const JsonnetInputs& inputs, const HelmTemplateCall& call,
                          std::string& error);

/// helm's argument vector (after the binary), in Tanka's order.
std::vector<std::string> helm_template_args(const HelmTemplateCall& call, const std::string& chart);

/// Registers `helmTemplate_` (the std.native('helmTemplate') wrapper in jsonnet_std.libsonnet
/// flattens the conf object into it) on `vm`. `ctx` must outlive the VM.
void register_helm_native(JsonnetVm* vm, HelmContext* ctx);

}  // namespace haguard::plugin
