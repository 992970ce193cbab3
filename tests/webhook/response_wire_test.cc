// write_response against Beast's own serializer: the same bytes for every kind of answer the
// router makes.

#include "webhook/response_wire.h"

#include <sstream>

#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>

namespace haguard::webhook {
namespace {

std::string beast_bytes(const Response& res) {
  std::ostringstream out;
  out << res;  // http::write through Beast's serializer
  return out.str();
}

Response make(http::status status, unsigned version, std::string body) {
  Response res{status, version};
  res.set(http::field::server, "haguard-webhook");
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

TEST(ResponseWire, WritesWhatBeastsSerializerWrites) {
  std::vector<Response> answers;
  answers.push_back(make(http::status::ok, 11, R"({"apiVersion":"admission.k8s.io/v1"})"));
  answers.push_back(make(http::status::ok, 10, "ok\n"));  // HTTP/1.0
  answers.back().keep_alive(true);                        // Connection: keep-alive
  answers.push_back(make(http::status::method_not_allowed, 11, R"({"error":"use POST"})"));
  answers.back().set(http::field::allow, "POST");
  answers.push_back(make(http::status::payload_too_large, 11, R"({"error":"over"})"));
  answers.back().keep_alive(false);  // Connection: close
  answers.push_back(make(http::status::ok, 11, "ok\n"));
  answers.back().body().clear();  // HEAD: the length stays
  answers.push_back(make(http::status::service_unavailable, 11, ""));
  answers.back().reason("Draining");
  answers.push_back(make(http::status::ok, 11, std::string(100'000, 'x')));  // a /metrics page
  answers.push_back(make(static_cast<http::status>(599), 11, "?"));          // unknown status

  std::string out = "left over from an earlier answer";
  for (const Response& res : answers) {
    write_response(res, out);
    EXPECT_EQ(out, beast_bytes(res));
  }
}

}  // namespace
}  // namespace haguard::webhook
