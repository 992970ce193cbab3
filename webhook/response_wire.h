#pragma once
// The bytes of an HTTP response, written into a string the connection keeps. Beast's serializer
// writes the same bytes (tests/webhook/response_wire_test.cc holds them equal), but through a
// chain of composed operations, a heap-allocated message and a buffer sequence its TLS stream
// copies into one buffer again: 8.7k of the 246k instructions of a small review. The answers are
// small and whole in memory, so one contiguous write does.

#include <string>

#include "webhook/routes.h"

namespace haguard::webhook {

/// Replaces `out` with `res` as sent: the start line, the fields in their order, a blank line,
/// the body (empty for HEAD: the router clears it and keeps Content-Length).
void write_response(const Response& res, std::string& out);

}  // namespace haguard::webhook
