#include "webhook/response_wire.h"

#include <charconv>

namespace haguard::webhook {

void write_response(const Response& res, std::string& out) {
  out.clear();
  out.reserve(128 + res.body().size());
  // "HTTP/1.1 200 OK": the version as Beast spells it (the parser accepts HTTP/1.0 and 1.1 only).
  out.append("HTTP/");
  out.push_back(static_cast<char>('0' + res.version() / 10));
  out.push_back('.');
  out.push_back(static_cast<char>('0' + res.version() % 10));
  out.push_back(' ');
  char code[8];
  const auto end = std::to_chars(code, code + sizeof code, res.result_int()).ptr;
  out.append(code, end);
  out.push_back(' ');
  out.append(res.reason()).append("\r\n");
  for (const auto& field : res)
    out.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  out.append("\r\n").append(res.body());
}

}  // namespace haguard::webhook
