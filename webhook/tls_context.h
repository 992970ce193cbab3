#pragma once
// The server's TLS context (TLS 1.2 minimum, 1.3 allowed, ALPN http/1.1, optional client
// certificate verification) and its hot reload: when the certificate, key or client CA files
// change (cert-manager swaps a Secret's symlinks), new handshakes get a context over the new pair;
// a broken new pair keeps the old context and is logged.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "webhook/metrics.h"

namespace haguard::webhook {

namespace ssl = boost::asio::ssl;

struct TlsFiles {
  std::string cert;
  std::string key;
  std::string client_ca;  ///< empty: no client certificates asked
};

struct TlsContextResult {
  std::shared_ptr<ssl::context> context;  ///< null on error
  std::string error;
  std::int64_t not_after = 0;  ///< of the leaf certificate, Unix seconds
};

/// Builds a server context from PEM text (key material stays in memory, never logged).
TlsContextResult make_server_context(const std::string& cert_pem, const std::string& key_pem,
                                     const std::string& client_ca_pem);

class CertReloader {
 public:
  CertReloader(TlsFiles files, Metrics& metrics);
  /// Loads the files; false (logged) when they do not make a usable context.
  bool load();
  /// Re-reads the files; swaps the context when they changed and make a usable one.
  void poll();
  /// The context for the next handshake; sessions hold it for their lifetime.
  std::shared_ptr<ssl::context> current() const;

  struct Status {
    bool loaded = false;
    std::int64_t not_after = 0;
    std::string last_error;
  };
  Status status() const;

 private:
  TlsFiles files_;
  Metrics& metrics_;
  mutable std::mutex mu_;
  std::shared_ptr<ssl::context> context_;
  std::string last_seen_;  // concatenated file contents of the latest attempt
  Status status_;
};

}  // namespace haguard::webhook
