#include "webhook/server.h"

#include <csignal>
#include <thread>

#include <boost/asio/dispatch.hpp>

#include "webhook/heap.h"
#include "webhook/log.h"

namespace haguard::webhook {
namespace {

std::chrono::milliseconds seconds_to_ms(double s) {
  return std::chrono::milliseconds(static_cast<long long>(s * 1000.0));
}

/// How long in-flight answers may take after the listener closes before the process stops anyway.
constexpr std::chrono::seconds kHardStop{30};

/// Threads for answers that wait on the Kubernetes API (uncached /scale parents; rare).
constexpr std::size_t kBlockingThreads = 2;

/// Large bodies each I/O thread reads at once (see BodyGate): one judged while the next arrives.
constexpr std::size_t kLargeBodiesPerThread = 2;

std::vector<std::unique_ptr<Server::Worker>> make_workers(unsigned threads) {
  std::vector<std::unique_ptr<Server::Worker>> workers;
  for (unsigned i = 0; i < std::max(1u, threads); ++i)
    workers.push_back(std::make_unique<Server::Worker>(kLargeBodiesPerThread));
  return workers;
}

}  // namespace

Server::Server(const Flags& flags, PolicyStore& policies, CertReloader& certs, Metrics& metrics,
               KubeClient* kube)
    : flags_(flags),
      policies_(policies),
      certs_(certs),
      workers_(make_workers(flags.threads)),
      ioc_(workers_[0]->ioc),
      blocking_(kube ? std::make_unique<net::thread_pool>(kBlockingThreads) : nullptr),
      acceptor_(ioc_),
      signals_(ioc_, SIGTERM, SIGINT),
      reload_timer_(ioc_),
      grace_timer_(ioc_),
      hard_stop_timer_(ioc_),
      drain_poll_timer_(ioc_),
      router_(RouterDeps{policies, certs, metrics, kube, draining_, !flags.client_ca.empty()}) {
  limits_.max_body = flags.max_body;
  limits_.handshake = std::chrono::seconds(flags.handshake_timeout);
  limits_.idle = std::chrono::seconds(flags.header_timeout);
  limits_.body = std::chrono::seconds(flags.body_timeout);
  for (std::size_t i = 1; i < workers_.size(); ++i)
    keep_running_.push_back(net::make_work_guard(workers_[i]->ioc));
}

Server::Worker& Server::next_worker() {
  Worker& w = *workers_[next_];
  next_ = (next_ + 1) % workers_.size();
  return w;
}

void Server::stop_all() {
  for (auto& w : workers_) w->ioc.stop();
}

bool Server::listen() {
  auto hp = parse_listen(flags_.listen);
  beast::error_code ec;
  auto address = net::ip::make_address(hp->host, ec);
  if (ec) {
    log_event(spdlog::level::err, "bad listen address", {{"listen", flags_.listen}});
    return false;
  }
  tcp::endpoint endpoint{address, hp->port};
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    log_event(spdlog::level::err, "cannot listen", {{"listen", flags_.listen}, {"error", ec.message()}});
    return false;
  }
  auto bound = acceptor_.local_endpoint(ec);
  log_event(spdlog::level::info, "listening",
            {{"address", bound.address().to_string()}, {"port", bound.port()},
             {"threads", flags_.threads}, {"max_body", flags_.max_body}});
  return true;
}

int Server::run() {
  signals_.async_wait([this](beast::error_code ec, int sig) {
    if (!ec) begin_drain(sig);
  });
  schedule_reload();
  accept();
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers_.size(); ++i)
    threads.emplace_back([w = workers_[i].get()] { w->ioc.run(); });
  ioc_.run();
  // The first context returns once the drain is over (or on stop): let the others finish theirs.
  keep_running_.clear();
  for (auto& t : threads) t.join();
  if (blocking_) blocking_->join();
  // Sessions still waiting for a ticket (a hard stop) go while their contexts exist.
  for (auto& w : workers_) w->large_bodies.clear_waiters();
  log_event(spdlog::level::info, "stopped");
  return 0;
}

void Server::accept() {
  Worker& worker = next_worker();
  acceptor_.async_accept(worker.ioc, [this, &worker](beast::error_code ec, SessionSocket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      log_event(spdlog::level::warn, "accept failed", {{"error", ec.message()}});
    } else {
      auto session = std::make_shared<Session>(std::move(socket), certs_.current(), router_,
                                               limits_, closing_, worker.large_bodies,
                                               blocking_.get());
      {
        std::lock_guard lock(sessions_mu_);
        std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
        sessions_.push_back(session);
      }
      session->run();
    }
    accept();
  });
}

void Server::schedule_reload() {
  reload_timer_.expires_after(seconds_to_ms(flags_.reload_interval));
  reload_timer_.async_wait([this](beast::error_code ec) {
    if (ec || closing_) return;
    certs_.poll();
    policies_.poll();
    trim_heap_if_needed();
    schedule_reload();
  });
}

void Server::begin_drain(int sig) {
  draining_ = true;
  log_event(spdlog::level::info, "draining: readiness is false",
            {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
             {"grace_seconds", flags_.shutdown_grace}});
  // A second signal stops at once.
  signals_.async_wait([this](beast::error_code ec, int) {
    if (!ec) {
      log_event(spdlog::level::warn, "second signal: stopping now");
      stop_all();
    }
  });
  grace_timer_.expires_after(seconds_to_ms(flags_.shutdown_grace));
  grace_timer_.async_wait([this](beast::error_code) { close_listener(); });
}

void Server::close_listener() {
  closing_ = true;
  net::dispatch(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  reload_timer_.cancel();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& w : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  log_event(spdlog::level::info, "listener closed; finishing in-flight requests",
            {{"connections", live.size()}});
  for (auto& s : live) s->stop_when_idle();
  hard_stop_timer_.expires_after(kHardStop);
  hard_stop_timer_.async_wait([this](beast::error_code ec) {
    if (!ec) {
      log_event(spdlog::level::warn, "in-flight requests did not finish in time; stopping");
      stop_all();
    }
  });
  live.clear();
  wait_for_sessions();
}

void Server::wait_for_sessions() {
  bool any = false;
  {
    std::lock_guard lock(sessions_mu_);
    std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
    any = !sessions_.empty();
  }
  if (!any) {
    // Nothing in flight: drop the remaining waits so that every thread's run() returns.
    hard_stop_timer_.cancel();
    signals_.cancel();
    return;
  }
  drain_poll_timer_.expires_after(std::chrono::milliseconds(50));
  drain_poll_timer_.async_wait([this](beast::error_code ec) {
    if (!ec) wait_for_sessions();
  });
}

}  // namespace haguard::webhook
