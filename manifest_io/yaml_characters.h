#pragma once
// Characters that YAML readers refuse or change, as both writers (YAML stream, JSON stream)
// must escape them.

#include <cstddef>
#include <string_view>

namespace haguard::manifest_io {

/// The length of the UTF-8 sequence at s[i] when it encodes a character YAML does not allow in
/// a stream (C1 controls U+0080-U+009F, U+FFFE, U+FFFF): Go's YAML reader refuses the whole
/// stream on one ("control characters are not allowed"). 0 for any other sequence.
inline std::size_t unprintable_at(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c == 0xC2 && i + 1 < s.size()) {
    auto d = static_cast<unsigned char>(s[i + 1]);
    return d >= 0x80 && d <= 0x9F && d != 0x85 ? 2 : 0;
  }
  if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
      (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE)
    return 3;
  return 0;
}

/// The code point of the 2- or 3-byte sequence unprintable_at() found.
inline unsigned code_point(std::string_view s, std::size_t i, std::size_t len) {
  auto b = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(s[i + k]));
  };
  return len == 2 ? ((b(0) & 0x1F) << 6) | (b(1) & 0x3F)
                  : ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
}

}  // namespace haguard::manifest_io
