#include "webhook/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "webhook/heap.h"
#include "webhook/log.h"

namespace haguard::webhook {
namespace {

/// Whether an error only means the peer went away or a deadline passed: not worth a warning.
bool is_quiet(beast::error_code ec) {
  return ec == net::error::operation_aborted || ec == beast::error::timeout ||
         ec == http::error::end_of_stream || ec == net::ssl::error::stream_truncated ||
         ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe;
}

}  // namespace

Session::Session(SessionSocket&& socket, std::shared_ptr<ssl::context> context, const Router& router,
                 const SessionLimits& limits, const std::atomic<bool>& closing,
                 BodyGate& large_bodies, net::thread_pool* blocking)
    : context_(std::move(context)),
      stream_(std::move(socket), *context_),
      router_(router),
      limits_(limits),
      closing_(closing),
      large_bodies_(large_bodies),
      blocking_(blocking) {
  // Asio asks OpenSSL to free its record buffers whenever they are empty, i.e. after every
  // record: two 17 KiB allocations per request. Keep them for the connection's life instead.
  SSL_clear_mode(stream_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
}

void Session::run() {
  // An answer longer than a TCP segment must not wait for the client's (delayed) ACK of the
  // first segments before its last one leaves: no Nagle, as nginx's tcp_nodelay.
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true), ignored);
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::get_lowest_layer(self->stream_).expires_after(self->limits_.handshake);
    self->stream_.async_handshake(
        ssl::stream_base::server,
        beast::bind_front_handler(&Session::on_handshake, self->shared_from_this()));
  });
}

void Session::stop_when_idle() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    // A connection that has not had its first request yet is left to send it (its client dialed
    // before the listener closed and is writing now); it is closed after that answer.
    if (self->idle_ && self->served_ && self->buffer_.size() == 0 && !self->closed_)
      beast::get_lowest_layer(self->stream_).socket().cancel();
  });
}

void Session::on_handshake(beast::error_code ec) {
  if (ec) {
    if (!is_quiet(ec))
      log_event(spdlog::level::debug, "TLS handshake failed", {{"error", ec.message()}});
    beast::get_lowest_layer(stream_).close();
    closed_ = true;
    return;
  }
  // With --client-ca the handshake verified any certificate presented; note whether one was.
  SSL* handle = stream_.native_handle();
  client_verified_ =
      SSL_get0_peer_certificate(handle) != nullptr && SSL_get_verify_result(handle) == X509_V_OK;
  read_header();
}

void Session::read_header() {
  if (closing_.load() && served_) return shutdown();
  // A fresh parser per message: limits and state never leak across requests. Its body is the
  // previous one's storage, empty.
  parser_.emplace(std::piecewise_construct, std::make_tuple(std::move(spare_body_)));
  spare_body_ = std::string();
  parser_->body_limit(limits_.max_body);
  idle_ = true;
  beast::get_lowest_layer(stream_).expires_after(limits_.idle);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

void Session::on_header(beast::error_code ec, std::size_t) {
  idle_ = false;
  if (ec) return on_read_error(ec);
  // No call outlives its caller's deadline: kube-apiserver gives up after ?timeout= (at most
  // 30 s) and treats the call as failed, so reading on past it only holds a slot.
  auto budget = std::chrono::duration_cast<std::chrono::steady_clock::duration>(limits_.body);
  if (const Route route = parse_route(parser_->get().target());
      route.timeout && *route.timeout > std::chrono::nanoseconds(0))
    budget = std::min(budget, std::chrono::duration_cast<std::chrono::steady_clock::duration>(*route.timeout));
  request_deadline_ = std::chrono::steady_clock::now() + budget;
  const auto length = parser_->content_length();
  if (parser_->chunked() || (length && *length >= kLargeBodyBytes)) {
    // Read the body only with a ticket: see BodyGate. The grant comes on this thread or on the
    // one that gave a ticket back, hence the post.
    large_bodies_.acquire([self = shared_from_this()](BodyGate::Ticket ticket) {
      net::post(self->stream_.get_executor(), [self, ticket = std::move(ticket)]() mutable {
        if (std::chrono::steady_clock::now() >= self->request_deadline_) {
          // The caller has given up while the body waited for a slot: hand the slot on.
          beast::get_lowest_layer(self->stream_).close();
          self->closed_ = true;
          return;
        }
        self->ticket_ = std::move(ticket);
        self->read_body();
      });
    });
    return;
  }
  read_body();
}

void Session::read_body() {
  beast::get_lowest_layer(stream_).expires_at(request_deadline_);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_body, shared_from_this()));
}

void Session::on_read_error(beast::error_code ec) {
  ticket_.reset();
  if (ec == http::error::body_limit) {
    Response res = router_.error(http::status::payload_too_large,
                                 "the body is over the limit (--max-body)", 11);
    res.keep_alive(false);
    discard_after_write_ = true;  // the client is still sending: let it read the answer first
    return write(std::move(res));
  }
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    Response res = router_.error(http::status::bad_request, "malformed HTTP: " + ec.message(), 11);
    res.keep_alive(false);
    return write(std::move(res));
  }
  if (!is_quiet(ec) && ec != http::error::partial_message)
    log_event(spdlog::level::debug, "read failed", {{"error", ec.message()}});
  if (ec == beast::error::timeout || ec == net::error::operation_aborted) {
    beast::get_lowest_layer(stream_).close();
    closed_ = true;
    return;
  }
  shutdown();
}

namespace {
/// Bodies whose storage is kept for the connection's next request: small reviews. A large one's
/// is freed, so an idle connection never holds megabytes.
constexpr std::size_t kReusedBodyBytes = 64 * 1024;
}  // namespace

void Session::on_body(beast::error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  Request req = parser_->release();
  Handled handled = router_.handle(req, client_verified_);
  if (req.body().capacity() <= kReusedBodyBytes) {
    spare_body_ = std::move(req.body());
    spare_body_.clear();
  }
  if (handled.response) return answer(std::move(*handled.response));
  // The answer waits on the Kubernetes API: finish it on the blocking pool, then write it from
  // this connection's thread. The other connections of this thread go on meanwhile.
  net::post(*blocking_, [self = shared_from_this(), pending = std::move(handled.pending)] {
    Response made = self->router_.finish(*pending);
    net::post(self->stream_.get_executor(), [self, made = std::move(made)]() mutable {
      self->answer(std::move(made));
    });
  });
}

void Session::answer(Response res) {
  ticket_.reset();  // the answer is made: the next large body may be read
  served_ = true;
  if (closing_.load()) res.keep_alive(false);
  write(std::move(res));
}

void Session::write(Response res) {
  const bool close = !res.keep_alive();
  answer_ = std::move(res);
  beast::get_lowest_layer(stream_).expires_after(limits_.write);
  http::async_write(stream_, answer_,
                   beast::bind_front_handler(&Session::on_write, shared_from_this(), close));
}

void Session::on_write(bool close, beast::error_code ec, std::size_t) {
  answer_ = Response();  // a /metrics page is not kept
  if (ec) {
    if (!is_quiet(ec)) log_event(spdlog::level::debug, "write failed", {{"error", ec.message()}});
    beast::get_lowest_layer(stream_).close();
    closed_ = true;
    return;
  }
  if (discard_after_write_) return discard_input();
  if (close) return shutdown();
  read_header();
}

void Session::discard_input() {
  // Read and drop what the client still sends, for a bounded time, so that closing the socket
  // does not reset the connection before the client has read the answer.
  if (!discard_deadline_set_) {
    discard_deadline_set_ = true;
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
  }
  if (!scratch_) scratch_ = std::make_unique<std::array<char, 16384>>();
  stream_.async_read_some(net::buffer(*scratch_), [self = shared_from_this()](beast::error_code ec,
                                                                              std::size_t) {
    if (ec) {
      beast::get_lowest_layer(self->stream_).close();
      self->closed_ = true;
      return;
    }
    self->discard_input();
  });
}

void Session::shutdown() {
  if (closed_) return;
  closed_ = true;
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
    beast::get_lowest_layer(self->stream_).close();
  });
}

}  // namespace haguard::webhook
