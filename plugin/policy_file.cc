#include "plugin/policy_file.h"

#include <cstdio>
#include <optional>

#include "common/file_reading.h"

namespace haguard::plugin {

std::shared_ptr<const Policy> policy_from_file(const std::string& path) {
  if (path.empty()) {
    std::shared_ptr<const Policy> policy = default_policy();
    if (!policy) std::fprintf(stderr, "haguard: the embedded default policy does not load\n");
    return policy;
  }
  std::string error;
  const std::optional<std::string> text = read_file(path, &error);
  if (!text) {
    std::fprintf(stderr, "haguard: policy %s: %s\n", path.c_str(), error.c_str());
    return nullptr;
  }
  PolicyLoad load = load_policy(*text, path);
  if (!load.policy) std::fprintf(stderr, "haguard: %s\n", load.error.c_str());
  return load.policy;
}

}  // namespace haguard::plugin
