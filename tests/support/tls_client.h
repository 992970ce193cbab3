#pragma once
// An HTTPS client that talks to the webhook as kube-apiserver does: verifies the server
// certificate against a CA and a host name (the Service DNS name), speaks HTTP/1.1 with
// keep-alive, and reconnects once when the server closed an idle connection.

#include <map>
#include <memory>
#include <string>

namespace haguard::test {

struct HttpResult {
  int status = 0;                              ///< 0 when no answer came (see error)
  std::map<std::string, std::string> headers;  ///< lowercase names
  std::string body;
  bool reused = false;       ///< sent over a connection opened by an earlier request
  bool retried = false;      ///< the kept-alive connection failed; sent again on a new one
  std::string error;         ///< connect, handshake or I/O failure
  std::string alpn;          ///< negotiated ALPN protocol
  std::string tls_version;   ///< "TLSv1.3"
  std::string peer_serial;   ///< serving certificate serial, hex
};

struct TlsClientOptions {
  std::string ca_file;
  std::string server_name = "haguard.haguard.svc";
  int min_version = 0;  ///< e.g. TLS1_2_VERSION; 0: library default
  int max_version = 0;
  std::string client_cert, client_key;  ///< PEM files, for --client-ca
};

class TlsClient {
 public:
  TlsClient(unsigned short port, TlsClientOptions options);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = {},
                     const std::string& content_type = "application/json");
  /// Connections opened so far.
  int connections() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haguard::test
