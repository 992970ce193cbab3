// See jsonnet_std.h.

#include "plugin/jsonnet_std.h"

extern "C" {
#include <libjsonnet.h>
}

namespace haguard::plugin {
namespace {

// `std` after it is 0.18's std plus go-jsonnet's functions. Two locals, as one
// `local a = std, std = a + ...` binds recursively and never ends.
constexpr std::string_view kStdPrefix =
    "local haguard_std0 = std; local std = haguard_std0 + import '<haguard>/std'; ";

}  // namespace

bool takes_std_prefix(std::string_view path) {
  auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  return ends(".jsonnet") || ends(".libsonnet");
}

std::string with_std_prefix(std::string_view text) {
  std::string out(kStdPrefix);
  out.append(text);
  return out;
}

void explain_engine_limits(std::string_view text, std::string& error) {
  if (error.rfind("STATIC ERROR", 0) == 0 && text.find("importbin") != std::string_view::npos) {
    error +=
        "\nnote: `importbin` is jsonnet 0.20 syntax; haguard evaluates with Debian's libjsonnet " +
        std::string(jsonnet_version()) +
        ", which does not have it (read the file with importstr, or keep it as base64 text)";
  }
}

}  // namespace haguard::plugin
