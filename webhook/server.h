#pragma once
// The HTTPS server: a listener, one io_context per thread (each connection lives on one of them,
// so its handlers need no strand and no lock), a small pool for blocking reads from the Kubernetes
// API, the reload timer for certificate and policy files, and the SIGTERM/SIGINT drain (readiness
// false, listener closed after a grace period, in-flight requests finished, then run() returns 0).

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "webhook/body_gate.h"
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

  /// One I/O thread's context and the gate for the large bodies of its connections (the gate
  /// first: it outlives the context, whose queued handlers may hold tickets).
  struct Worker {
    BodyGate large_bodies;
    net::io_context ioc;
    explicit Worker(std::size_t large_body_slots) : large_bodies(large_body_slots), ioc(1) {}
  };

 private:
  void accept();
  void schedule_reload();
  void begin_drain(int signal);
  void close_listener();
  void wait_for_sessions();
  void stop_all();
  /// The worker of the next connection: round-robin over the threads.
  Worker& next_worker();

  const Flags& flags_;
  PolicyStore& policies_;
  CertReloader& certs_;
  /// One per thread; the first's context also runs the listener, the signals and the timers.
  std::vector<std::unique_ptr<Worker>> workers_;
  /// Keeps the other contexts' run() from returning while they have no connection.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running_;
  std::size_t next_ = 0;  ///< only touched by the accept handler (first context)
  net::io_context& ioc_;  ///< workers_[0]->ioc
  /// Answers that need an uncached read from the Kubernetes API are made here, so that a slow API
  /// server never stalls the other connections of an I/O thread. Null without --kube-api.
  std::unique_ptr<net::thread_pool> blocking_;
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
