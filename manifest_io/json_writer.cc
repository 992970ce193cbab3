// The JSON stream writer, and the check for characters only a JSON stream carries through Argo
// CD's second decoding.

#include <algorithm>
#include <string>
#include <string_view>

#include "manifest_io/manifest_io.h"
#include "manifest_io/yaml_characters.h"

namespace haguard {
namespace {

using manifest_io::code_point;
using manifest_io::unprintable_at;

/// The length of the sequence at s[i] when Argo CD's second decoding (YAML over the JSON text of
/// each object, the character raw) refuses or changes it: DEL and the C1 controls are refused;
/// NEL (U+0085) is a YAML line break, folded into a space inside a quoted scalar.
std::size_t reread_unsafe_at(std::string_view s, std::size_t i) {
  if (s[i] == 0x7f) return 1;
  if (s[i] == '\xC2' && i + 1 < s.size()) {
    auto d = static_cast<unsigned char>(s[i + 1]);
    return d >= 0x80 && d <= 0x9F ? 2 : 0;
  }
  return unprintable_at(s, i);
}

/// What a JSON stream must escape to be read as YAML unchanged: the characters above, the
/// line and paragraph separators (line breaks to a YAML 1.1 reader) and U+FEFF.
std::size_t json_escape_at(std::string_view s, std::size_t i) {
  if (std::size_t len = reread_unsafe_at(s, i)) return len;
  if (i + 2 >= s.size()) return 0;
  const bool separator =
      s[i] == '\xE2' && s[i + 1] == '\x80' && (s[i + 2] == '\xA8' || s[i + 2] == '\xA9');
  const bool bom = s[i] == '\xEF' && s[i + 1] == '\xBB' && s[i + 2] == '\xBF';
  if (separator || bom) return 3;
  return 0;
}

}  // namespace

bool yaml_reread_refuses(const json& v) {
  auto bad = [](const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i)
      if (reread_unsafe_at(s, i)) return true;
    return false;
  };
  switch (v.type()) {
    case json::value_t::string:
      return bad(v.get_ref<const std::string&>());
    case json::value_t::array:
      return std::any_of(v.begin(), v.end(), [](const json& e) { return yaml_reread_refuses(e); });
    case json::value_t::object:
      for (auto it = v.begin(); it != v.end(); ++it)
        if (bad(it.key()) || yaml_reread_refuses(it.value())) return true;
      return false;
    default:
      return false;
  }
}

std::string write_json_stream(const std::vector<json>& objects) {
  std::string out;
  for (const json& o : objects) {
    const std::string text = o.dump();
    out.reserve(out.size() + text.size() + 1);
    // Outside strings a JSON text is ASCII, so every byte matched here sits inside a string.
    for (std::size_t i = 0; i < text.size(); ++i) {
      std::size_t len = json_escape_at(text, i);
      if (len == 0) {
        out += text[i];
        continue;
      }
      unsigned cp = len == 1 ? 0x7fu : code_point(text, i, len);
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += "0123456789abcdef"[(cp >> shift) & 15];
      i += len - 1;
    }
    out += '\n';
  }
  return out;
}

}  // namespace haguard
