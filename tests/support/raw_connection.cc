#include "tests/support/raw_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace haguard::test {
namespace {

namespace http = boost::beast::http;

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                    std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

/// Waits until `fd` can do `events` or the deadline passes.
bool wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int r = poll(&p, 1, remaining_ms(deadline));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

RawConnection::RawConnection(unsigned short port, TlsClientOptions options, bool tls)
    : port_(port), options_(std::move(options)), tls_(tls) {}

RawConnection::~RawConnection() { close(); }

void RawConnection::close() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
  ssl_ = nullptr;
  ctx_ = nullptr;
  fd_ = -1;
}

std::string RawConnection::connect(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return std::string("socket: ") + std::strerror(errno);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS) return std::string("connect: ") + std::strerror(errno);
    if (!wait_fd(fd_, POLLOUT, deadline)) return "connect: timed out";
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return std::string("connect: ") + std::strerror(err);
  }
  if (!tls_) return {};
  ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx_, options_.ca_file.c_str(), nullptr) != 1)
    return "cannot load " + options_.ca_file;
  if (options_.min_version) SSL_CTX_set_min_proto_version(ctx_, options_.min_version);
  if (options_.max_version) {
    SSL_CTX_set_max_proto_version(ctx_, options_.max_version);
    if (options_.max_version < TLS1_2_VERSION) SSL_CTX_set_security_level(ctx_, 0);
  }
  if (!options_.client_cert.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx_, options_.client_cert.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx_, options_.client_key.c_str(), SSL_FILETYPE_PEM) != 1))
    return "cannot load the client certificate";
  ssl_ = SSL_new(ctx_);
  SSL_set_fd(ssl_, fd_);
  SSL_set_tlsext_host_name(ssl_, options_.server_name.c_str());
  SSL_set1_host(ssl_, options_.server_name.c_str());
  for (;;) {
    ERR_clear_error();
    int r = SSL_connect(ssl_);
    if (r == 1) return {};
    int e = SSL_get_error(ssl_, r);
    short events = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) {
      char buf[256] = "closed";
      if (unsigned long code = ERR_get_error()) ERR_error_string_n(code, buf, sizeof buf);
      return std::string("handshake: ") + buf;
    }
    if (!wait_fd(fd_, events, deadline)) return "handshake: timed out";
  }
}

bool RawConnection::send(std::string_view bytes) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!bytes.empty()) {
    if (fd_ < 0) return false;
    long n;
    if (ssl_) {
      ERR_clear_error();
      int r = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      if (r <= 0) {
        int e = SSL_get_error(ssl_, r);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
          if (!wait_fd(fd_, e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline)) return false;
          continue;
        }
        return false;
      }
      n = r;
    } else {
      n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN && wait_fd(fd_, POLLOUT, deadline)) continue;
        return false;
      }
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

int RawConnection::read_some(std::chrono::milliseconds timeout) {
  if (fd_ < 0 || peer_closed_) return -1;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[16384];
  for (;;) {
    if (ssl_) {
      ERR_clear_error();
      int r = SSL_read(ssl_, buf, sizeof buf);
      if (r > 0) {
        in_.append(buf, static_cast<std::size_t>(r));
        return r;
      }
      int e = SSL_get_error(ssl_, r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (!wait_fd(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) return 0;
        continue;
      }
      peer_closed_ = true;  // close_notify, EOF, reset or a TLS alert
      return -1;
    }
    long n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<std::size_t>(n));
      return static_cast<int>(n);
    }
    if (n < 0 && errno == EAGAIN) {
      if (!wait_fd(fd_, POLLIN, deadline)) return 0;
      continue;
    }
    peer_closed_ = true;
    return -1;
  }
}

RawResponse RawConnection::read_response(std::chrono::milliseconds timeout) {
  RawResponse res;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Parse what came so far; a complete message ends the read.
    if (!in_.empty()) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      boost::beast::error_code ec;
      std::size_t used = 0;
      std::string_view rest = in_;
      while (!rest.empty() && !parser.is_done()) {
        std::size_t n = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
        if (ec == http::error::need_more) {
          ec = {};
          if (n == 0) break;
        }
        if (ec) break;
        used += n;
        rest.remove_prefix(n);
        if (n == 0) break;
      }
      if (!ec && !parser.is_done() && peer_closed_ && parser.is_header_done()) {
        parser.put_eof(ec);  // a body delimited by the close
      }
      if (parser.is_done()) {
        auto msg = parser.release();
        res.status = msg.result_int();
        res.body = msg.body();
        auto end = in_.find("\r\n\r\n");
        res.head = in_.substr(0, end == std::string::npos ? in_.size() : end);
        in_.erase(0, used);
        res.closed = peer_closed_;
        return res;
      }
    }
    if (peer_closed_) {
      res.closed = true;
      res.head = in_;
      return res;
    }
    int left = remaining_ms(deadline);
    if (left == 0) {
      res.timed_out = true;
      res.head = in_;
      return res;
    }
    read_some(std::chrono::milliseconds(left));
  }
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!peer_closed_) {
    int left = remaining_ms(deadline);
    if (left == 0) return false;
    read_some(std::chrono::milliseconds(left));
    in_.clear();
  }
  return true;
}

bool RawConnection::closed_now() {
  while (read_some(std::chrono::milliseconds(0)) > 0) in_.clear();
  return peer_closed_;
}

std::string http_request(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view headers) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  r.append("Host: haguard.haguard.svc\r\n");
  std::string_view lower_check = headers;
  std::string lower(lower_check);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("content-type:") == std::string::npos) r.append("Content-Type: application/json\r\n");
  r.append(headers);
  if (lower.find("content-length:") == std::string::npos &&
      lower.find("transfer-encoding:") == std::string::npos)
    r.append("Content-Length: " + std::to_string(body.size()) + "\r\n");
  r.append("\r\n").append(body);
  return r;
}

std::string chunked(std::string_view body, std::size_t chunk) {
  std::string out;
  while (!body.empty()) {
    std::string_view piece = body.substr(0, chunk);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    out.append(size).append(piece).append("\r\n");
    body.remove_prefix(piece.size());
  }
  out.append("0\r\n\r\n");
  return out;
}

}  // namespace haguard::test
