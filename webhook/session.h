#pragma once
// One TLS connection: handshake, then HTTP/1.1 requests in turn until the peer closes, a
// deadline passes, or the server drains. The session owns its stream; every async step holds
// shared_from_this(), and all of them run on the one thread of the connection's io_context. It
// does I/O only: the Router makes every answer (on the blocking pool when it must wait for the
// Kubernetes API).

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "webhook/body_gate.h"
#include "webhook/routes.h"

namespace haguard::webhook {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// Each connection lives on one single-threaded io_context: its concrete executor spares every
/// async step the type-erased any_io_executor (copies, allocations, indirect calls).
using SessionExecutor = net::io_context::executor_type;
using SessionSocket = net::basic_stream_socket<tcp, SessionExecutor>;

struct SessionLimits {
  std::size_t max_body = 6 * 1024 * 1024;
  std::chrono::seconds handshake{10};
  std::chrono::seconds idle{30};     ///< waiting for the next request's header
  /// From a request's header to its answer: the body, a wait for a large-body slot and the
  /// decision. Shortened to the request's ?timeout= (kube-apiserver's timeoutSeconds, <= 30 s).
  std::chrono::seconds body{30};
  std::chrono::seconds write{30};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  /// `closing`: once true, the session closes after the answer in progress, and idle
  /// connections close when stop_when_idle() is called. `blocking`: where answers that wait on
  /// the Kubernetes API are made (null: on the connection's thread).
  Session(SessionSocket&& socket, std::shared_ptr<ssl::context> context, const Router& router,
          const SessionLimits& limits, const std::atomic<bool>& closing, BodyGate& large_bodies,
          net::thread_pool* blocking = nullptr);

  void run();
  /// Closes the connection if it is waiting for a request; otherwise after the current answer.
  void stop_when_idle();

 private:
  void on_handshake(beast::error_code ec);
  void read_header();
  void on_header(beast::error_code ec, std::size_t);
  void read_body();
  void on_body(beast::error_code ec, std::size_t);
  void on_read_error(beast::error_code ec);
  void answer(Response res);
  void write(Response res);
  void on_write(bool close, beast::error_code ec, std::size_t);
  void shutdown();
  void discard_input();

  std::shared_ptr<ssl::context> context_;  // outlives stream_ (declared first)
  beast::ssl_stream<beast::basic_stream<tcp, SessionExecutor>> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  /// The last small body's storage, emptied, for the next request to read into: reserving a
  /// fresh body per request was a malloc of over 1 KiB, on which glibc consolidates its fastbins.
  std::string spare_body_;
  Response answer_;  ///< the answer being written; its serializer lives in the write operation
  const Router& router_;
  SessionLimits limits_;
  std::chrono::steady_clock::time_point request_deadline_;  ///< of the request being read
  const std::atomic<bool>& closing_;
  BodyGate& large_bodies_;
  BodyGate::Ticket ticket_;  ///< held from before a large body is read until its answer is made
  net::thread_pool* blocking_;
  bool client_verified_ = false;
  bool discard_after_write_ = false;
  bool discard_deadline_set_ = false;
  std::unique_ptr<std::array<char, 16384>> scratch_;
  bool idle_ = false;
  bool served_ = false;  ///< a request was answered: when closing, the connection may be closed idle
  bool closed_ = false;
};

}  // namespace haguard::webhook
