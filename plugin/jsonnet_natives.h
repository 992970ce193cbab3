#pragma once
// The native callbacks behind haguard's std (plugin/jsonnet_std.libsonnet): go-jsonnet's
// parseYaml, manifest writers, hashes and math on Debian's libjsonnet 0.18. Registered under
// "haguard.*" names so they never clash with natives a Tanka-compatible layer registers.

extern "C" {
struct JsonnetVm;
}

namespace haguard::plugin {

/// Registers every haguard.* native callback on `vm`.
void register_std_natives(JsonnetVm* vm);

}  // namespace haguard::plugin
