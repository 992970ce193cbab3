#include "tests/support/tls_client.h"

#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace haguard::test {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct TlsClient::Impl {
  unsigned short port;
  TlsClientOptions options;
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  int connections = 0;

  /// Runs the io_context until the pending operation completes; tcp_stream's expiry bounds it.
  void run() {
    ioc.restart();
    ioc.run();
  }

  std::string connect(HttpResult& r) {
    stream.reset();
    buffer.clear();
    stream.emplace(ioc, tls);
    SSL* handle = stream->native_handle();
    SSL_set_tlsext_host_name(handle, options.server_name.c_str());
    SSL_set1_host(handle, options.server_name.c_str());
    static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_set_alpn_protos(handle, kAlpn, sizeof kAlpn);
    beast::error_code ec;
    auto& tcp_layer = beast::get_lowest_layer(*stream);
    tcp_layer.expires_after(std::chrono::seconds(10));
    tcp_layer.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                            [&](beast::error_code e) { ec = e; });
    run();
    if (ec) return "connect: " + ec.message();
    tcp_layer.expires_after(std::chrono::seconds(10));
    stream->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    run();
    if (ec) return "handshake: " + ec.message();
    ++connections;
    const unsigned char* proto = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(handle, &proto, &len);
    r.alpn.assign(reinterpret_cast<const char*>(proto), len);
    r.tls_version = SSL_get_version(handle);
    if (X509* peer = SSL_get1_peer_certificate(handle)) {
      BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(peer), nullptr);
      char* hex = BN_bn2hex(bn);
      r.peer_serial = hex;
      OPENSSL_free(hex);
      BN_free(bn);
      X509_free(peer);
    }
    return {};
  }

  /// One exchange on the open connection; "" or the failure.
  std::string exchange(http::request<http::string_body>& req, HttpResult& r) {
    // Like Go's transport, read the answer while the body is still being written: a server may
    // answer (413) before taking the whole body.
    beast::error_code write_ec, read_ec;
    bool read_done = false;
    auto& tcp_layer = beast::get_lowest_layer(*stream);
    tcp_layer.expires_after(std::chrono::seconds(30));
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(req.method() == http::verb::head);  // its Content-Length announces no body
    http::async_write(*stream, req, [&](beast::error_code e, std::size_t) { write_ec = e; });
    http::async_read(*stream, buffer, parser, [&](beast::error_code e, std::size_t) {
      read_ec = e;
      read_done = true;
    });
    run();
    if (!read_done || read_ec) {
      if (write_ec) return "write: " + write_ec.message();
      return "read: " + (read_done ? read_ec.message() : std::string("no answer"));
    }
    auto res = parser.release();
    r.status = res.result_int();
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    r.body = std::move(res.body());
    if (!res.keep_alive()) stream.reset();
    return {};
  }
};

TlsClient::TlsClient(unsigned short port, TlsClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->options = std::move(options);
  auto& tls = impl_->tls;
  tls.set_verify_mode(ssl::verify_peer);
  tls.load_verify_file(impl_->options.ca_file);
  if (impl_->options.min_version)
    SSL_CTX_set_min_proto_version(tls.native_handle(), impl_->options.min_version);
  if (impl_->options.max_version) {
    SSL_CTX_set_max_proto_version(tls.native_handle(), impl_->options.max_version);
    if (impl_->options.max_version < TLS1_2_VERSION)
      SSL_CTX_set_security_level(tls.native_handle(), 0);  // let the client offer old versions
  }
  if (!impl_->options.client_cert.empty()) {
    tls.use_certificate_chain_file(impl_->options.client_cert);
    tls.use_private_key_file(impl_->options.client_key, ssl::context::pem);
  }
}

TlsClient::~TlsClient() = default;

int TlsClient::connections() const { return impl_->connections; }

void TlsClient::close() { impl_->stream.reset(); }

HttpResult TlsClient::request(const std::string& method, const std::string& target,
                              const std::string& body, const std::string& content_type) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, impl_->options.server_name);
  req.set(http::field::user_agent, "kube-apiserver-admission");
  req.set(http::field::accept, "application/json, */*");
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();

  HttpResult r;
  const bool had = impl_->stream.has_value();
  if (had) {
    r.reused = true;
    std::string err = impl_->exchange(req, r);
    if (err.empty()) return r;
    // The server closed the idle connection: like Go's transport, retry once on a new one.
    r = HttpResult{};
    r.retried = true;
  }
  if (std::string err = impl_->connect(r); !err.empty()) {
    r.error = err;
    impl_->stream.reset();
    return r;
  }
  if (std::string err = impl_->exchange(req, r); !err.empty()) {
    r.error = err;
    impl_->stream.reset();
  }
  return r;
}

}  // namespace haguard::test
