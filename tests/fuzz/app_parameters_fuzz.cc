// Fuzz target: ARGOCD_APP_PARAMETERS (plugin/app_parameters.h parse_app_parameters): parameters or
// an error, never both, never a crash; every parameter parsed has a name find() returns it by.

#include "fuzz_check.h"
#include "plugin/app_parameters.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = haguard::plugin::parse_app_parameters(haguard::fuzz::as_text(data, size));
  if (!r.error.empty()) {
    FUZZ_CHECK(r.parameters.items.empty(), r.error);
    FUZZ_CHECK(r.error.rfind("ARGOCD_APP_PARAMETERS: ", 0) == 0, r.error);
    return 0;
  }
  for (const auto& p : r.parameters.items) {
    FUZZ_CHECK(!p.name.empty(), "a parameter has a name");
    FUZZ_CHECK(r.parameters.find(p.name) == &p, "parameter names are unique: " + p.name);
  }
  return 0;
}
