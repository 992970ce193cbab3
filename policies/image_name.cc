#include "policies/image_name.h"

namespace haguard {

std::string image_base_name(std::string_view image) {
  // Strip the digest first ("@sha256:..."), then the path up to the last '/', then the tag.
  // The tag's ':' can only follow the last '/', so a registry port ("reg:5000/x") never confuses it.
  if (auto at = image.find('@'); at != std::string_view::npos) image = image.substr(0, at);
  if (auto slash = image.rfind('/'); slash != std::string_view::npos) image = image.substr(slash + 1);
  if (auto colon = image.find(':'); colon != std::string_view::npos) image = image.substr(0, colon);
  std::string out(image);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace haguard
