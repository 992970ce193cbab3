#pragma once
// Tanka's native functions (grafana/tanka pkg/jsonnet/native), reached in jsonnet as
// std.native('parseJson') and so on, so Tanka apps and the libraries they vendor
// (grafana/jsonnet-libs' ksonnet-util, tanka-util) evaluate unchanged. Same names, parameters
// and results as Tanka's; a bad argument fails the call, and the VM's trace names its place.

extern "C" {
struct JsonnetVm;
}

namespace haguard::plugin {

/// Registers every Tanka native function on `vm`.
void register_tanka_natives(JsonnetVm* vm);

}  // namespace haguard::plugin
