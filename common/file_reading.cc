#include "common/file_reading.h"

#include <cerrno>
#include <cstring>

namespace haguard {

std::optional<std::string> read_stream(std::FILE* f, std::string* why) {
  std::string text;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  if (std::ferror(f)) {
    if (why != nullptr) *why = std::string("read error: ") + std::strerror(errno);
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> read_file(const std::string& path, std::string* why) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (why != nullptr) *why = std::string("cannot open: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::optional<std::string> text = read_stream(f, why);
  std::fclose(f);
  return text;
}

}  // namespace haguard
