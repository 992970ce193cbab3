#pragma once
// Joining strings with a separator, for messages and annotation values.

#include <string>
#include <string_view>
#include <vector>

namespace haguard {

/// `parts` one after another with `separator` between them ("" for none).
inline std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

}  // namespace haguard
