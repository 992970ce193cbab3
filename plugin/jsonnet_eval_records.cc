#include "plugin/jsonnet_eval_records.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace haguard::plugin {

bool write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool write_record(int fd, std::uint8_t kind, std::uint32_t index, std::string_view bytes) {
  std::uint64_t len = bytes.size();
  return write_all(fd, &kind, 1) && write_all(fd, &index, 4) && write_all(fd, &len, 8) &&
         write_all(fd, bytes.data(), bytes.size());
}

bool parse_records(const std::string& buf, std::vector<JsonnetResult>& results, bool& done,
                   std::string& failure) {
  std::size_t pos = 0;
  while (pos < buf.size()) {
    std::uint8_t kind = static_cast<std::uint8_t>(buf[pos]);
    if (kind == 0xFF) {
      done = true;
      return true;
    }
    if (buf.size() - pos < 13) return false;
    std::uint32_t index;
    std::uint64_t len;
    std::memcpy(&index, buf.data() + pos + 1, 4);
    std::memcpy(&len, buf.data() + pos + 5, 8);
    pos += 13;
    if (buf.size() - pos < len) return false;
    std::string bytes = buf.substr(pos, len);
    pos += len;
    if (kind == 2) {
      failure = bytes;
    } else if (index < results.size()) {
      results[index].ok = kind == 1;
      (kind == 1 ? results[index].output : results[index].error) = std::move(bytes);
    }
  }
  return false;
}

}  // namespace haguard::plugin
