#pragma once
// The HTTPS server: a listener, a fixed pool of threads over one io_context, the reload timer for
// certificate and policy files, and the SIGTERM/SIGINT drain (readiness false, listener closed
// after a grace period, in-flight requests finished, then run() returns 0).

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "webhook/flags.h"
#include "webhook/routes.h"
#include "webhook/session.h"

namespace haguard::webhook {

class Server {
 public:
  Server(const Flags& flags, PolicyStore& policies, CertReloader& certs, Metrics& metrics,
         KubeClient* kube);
  /// Binds the listener; false (logged) when the address cannot be used.
  bool listen();
  /// Serves until drained. Returns the process exit code.
  int run();

 private:
  void accept();
  void schedule_reload();
  void begin_drain(int signal);
  void close_listener();
  void wait_for_sessions();

  const Flags& flags_;
  PolicyStore& policies_;
  CertReloader& certs_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer reload_timer_;
  net::steady_timer grace_timer_;
  net::steady_timer hard_stop_timer_;
  net::steady_timer drain_poll_timer_;
  std::atomic<bool> draining_{false};  ///< readiness false
  std::atomic<bool> closing_{false};   ///< listener closed; connections close after their answer
  Router router_;
  SessionLimits limits_;
  std::mutex sessions_mu_;
  std::vector<std::weak_ptr<Session>> sessions_;
};

}  // namespace haguard::webhook
