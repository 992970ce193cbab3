#pragma once
// What the fuzz targets share: the input as text, and FUZZ_CHECK, which aborts (a crash to
// libFuzzer and to the replay main) with the property that broke and a detail.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace haguard::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void fail(const char* file, int line, const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n%s\n", file, line, what, detail.c_str());
  std::abort();
}

}  // namespace haguard::fuzz

#define FUZZ_CHECK(cond, detail)                                           \
  do {                                                                     \
    if (!(cond)) ::haguard::fuzz::fail(__FILE__, __LINE__, #cond, detail); \
  } while (0)
