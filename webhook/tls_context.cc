#include "webhook/tls_context.h"

#include <ctime>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/file_reading.h"
#include "webhook/log.h"

namespace haguard::webhook {
namespace {

// Forward secrecy and AEAD only for TLS 1.2 (TLS 1.3 suites are OpenSSL's defaults).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

int select_http11(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                  unsigned int inlen, void*) {
  static const unsigned char kProtos[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kProtos, sizeof kProtos, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;  // no ALPN agreement: carry on without one (HTTP/1.1 anyway)
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

std::int64_t leaf_not_after(const std::string& cert_pem) {
  BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  if (!bio) return 0;
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return 0;
  std::tm tm{};
  std::int64_t t = 0;
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) t = timegm(&tm);
  X509_free(cert);
  return t;
}

}  // namespace

TlsContextResult make_server_context(const std::string& cert_pem, const std::string& key_pem,
                                     const std::string& client_ca_pem) {
  TlsContextResult r;
  try {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(native, kTls12Ciphers);
    SSL_CTX_set_alpn_select_cb(native, select_http11, nullptr);
    ctx->use_certificate_chain(boost::asio::buffer(cert_pem));
    ctx->use_private_key(boost::asio::buffer(key_pem), ssl::context::pem);
    if (SSL_CTX_check_private_key(native) != 1) {
      r.error = "the key does not match the certificate";
      ERR_clear_error();
      return r;
    }
    if (!client_ca_pem.empty()) {
      ctx->add_certificate_authority(boost::asio::buffer(client_ca_pem));
      // Asked, not demanded, in the handshake: kubelet probes of /healthz and /readyz carry no
      // client certificate; the admission routes refuse requests without a verified one.
      ctx->set_verify_mode(ssl::verify_peer);
    }
    r.not_after = leaf_not_after(cert_pem);
    r.context = std::move(ctx);
  } catch (const boost::system::system_error& e) {
    r.error = e.code().message();
    std::string detail = openssl_error();
    if (detail != "unknown TLS error") r.error += " (" + detail + ")";
  }
  return r;
}

CertReloader::CertReloader(TlsFiles files, Metrics& metrics)
    : files_(std::move(files)), metrics_(metrics) {}

bool CertReloader::load() {
  poll();
  return status().loaded;
}

void CertReloader::poll() {
  auto cert = read_file(files_.cert);
  auto key = read_file(files_.key);
  std::optional<std::string> ca = files_.client_ca.empty() ? std::string() : read_file(files_.client_ca);
  std::string error;
  if (!cert) error = files_.cert + ": cannot read the certificate";
  else if (!key) error = files_.key + ": cannot read the key";
  else if (!ca) error = files_.client_ca + ": cannot read the client CA";

  std::string seen = error.empty() ? *cert + '\0' + *key + '\0' + *ca : error;
  {
    std::lock_guard lock(mu_);
    if (seen == last_seen_) return;
    last_seen_ = seen;
  }
  TlsContextResult result;
  if (error.empty()) {
    result = make_server_context(*cert, *key, *ca);
    error = result.error;
  }
  std::lock_guard lock(mu_);
  if (!result.context) {
    status_.last_error = error;
    metrics_.certificate_reload(false);
    log_event(spdlog::level::err,
              status_.loaded ? "certificate reload failed, keeping the previous pair"
                             : "certificate failed to load",
              {{"cert", files_.cert}, {"key", files_.key}, {"error", error}});
    return;
  }
  bool first = !status_.loaded;
  context_ = std::move(result.context);
  status_.loaded = true;
  status_.not_after = result.not_after;
  status_.last_error.clear();
  metrics_.certificate_reload(true);
  metrics_.certificate_not_after(result.not_after);
  log_event(spdlog::level::info, first ? "certificate loaded" : "certificate reloaded",
            {{"cert", files_.cert}, {"not_after", result.not_after}});
}

std::shared_ptr<ssl::context> CertReloader::current() const {
  std::lock_guard lock(mu_);
  return context_;
}

CertReloader::Status CertReloader::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace haguard::webhook
