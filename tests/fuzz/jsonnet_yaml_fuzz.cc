// Fuzz target: haguard's std.parseYaml (plugin/jsonnet_yaml.h) and the manifest writers
// (plugin/jsonnet_manifest.h) never crash, hang or leak on any input: parseYaml returns a value
// or a non-empty error; the writers, fed arbitrary text as if it were the VM's JSON, write or
// refuse it with a message.

#include "fuzz_check.h"
#include "plugin/jsonnet_manifest.h"
#include "plugin/jsonnet_yaml.h"

extern "C" {
#include <libjsonnet.h>
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = haguard::fuzz::as_text(data, size);
  static JsonnetVm* vm = jsonnet_make();
  std::string error;
  JsonnetJsonValue* v = haguard::plugin::parse_yaml_like_go(vm, text, error);
  FUZZ_CHECK((v == nullptr) != error.empty(),
             "value: " + std::to_string(v != nullptr) + " error: " + error);
  if (v != nullptr) jsonnet_json_destroy(vm, v);

  std::string out;
  error.clear();
  bool ok = haguard::plugin::manifest_json_ex(text, "  ", "\n", ": ", out, error);
  FUZZ_CHECK(ok == error.empty(), error);
  out.clear();
  error.clear();
  haguard::plugin::YamlManifestOptions o;
  o.quote_keys = size % 2 == 0;
  ok = haguard::plugin::manifest_yaml_doc(text, o, out, error);
  FUZZ_CHECK(ok == error.empty(), error);
  return 0;
}
