#pragma once
// A connection to the webhook that sends exactly the bytes a test gives it: malformed HTTP,
// chunked bodies, a byte at a time, plain text on the TLS port. Blocking sockets bounded by
// poll() deadlines, OpenSSL directly; what came back is parsed as one HTTP response.

#include <openssl/ssl.h>

#include <chrono>
#include <string>
#include <string_view>

#include "tests/support/tls_client.h"

namespace haguard::test {

struct RawResponse {
  int status = 0;          ///< 0: no complete response
  std::string head;        ///< status line and headers as received
  std::string body;
  bool closed = false;     ///< the server closed the connection (EOF, reset or TLS close)
  bool timed_out = false;  ///< the deadline passed first
};

class RawConnection {
 public:
  /// `tls` false: plain TCP to the same port.
  RawConnection(unsigned short port, TlsClientOptions options, bool tls = true);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  /// TCP connect and (with TLS) the handshake; "" or what failed.
  std::string connect(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Writes all of `bytes`; false when the connection is gone.
  bool send(std::string_view bytes);
  /// Reads one HTTP response, or until the server closes or the deadline passes.
  RawResponse read_response(std::chrono::milliseconds timeout);
  /// Reads and drops until the server closes (true) or the deadline passes (false).
  bool wait_closed(std::chrono::milliseconds timeout);
  /// Whether the server has closed the connection, without waiting.
  bool closed_now();
  void close();

 private:
  /// Appends what arrives within `timeout` to `in_`; -1 closed, 0 nothing yet, >0 bytes read.
  int read_some(std::chrono::milliseconds timeout);

  unsigned short port_;
  TlsClientOptions options_;
  bool tls_;
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool peer_closed_ = false;
  std::string in_;
};

/// "POST <target> HTTP/1.1" with Host, Content-Type application/json and the headers given
/// ("Name: value\r\n" each), then `body` (Content-Length set unless `headers` sets framing).
std::string http_request(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view headers = {});

/// `body` as HTTP/1.1 chunks of `chunk` bytes, with the final zero chunk.
std::string chunked(std::string_view body, std::size_t chunk);

}  // namespace haguard::test
