#pragma once
// HTTP routing: which endpoint a request target names, and the answer to one HTTP request.
// Sessions call Router::handle with a complete request and write what it returns.

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "webhook/kube_client.h"
#include "webhook/metrics.h"
#include "webhook/policy_store.h"
#include "webhook/tls_context.h"

namespace haguard::webhook {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

enum class RouteKind { validate, mutate, healthz, readyz, metrics, not_found };

struct Route {
  RouteKind kind = RouteKind::not_found;
  std::string environment;  ///< "/validate/<env>"; "" for bare /validate
  std::optional<std::chrono::nanoseconds> timeout;  ///< ?timeout=10s
};

/// Parses a request target ("/mutate/production?timeout=10s"). A path segment that is not a
/// DNS-1123 label, or extra segments, make it not_found.
Route parse_route(std::string_view target);

/// Things the routes read; owned by the server.
struct RouterDeps {
  PolicyStore& policies;
  CertReloader& certs;
  Metrics& metrics;
  KubeClient* kube = nullptr;            ///< null without --kube-api
  const std::atomic<bool>& draining;
  bool require_client_cert = false;      ///< --client-ca: admission routes need a verified one
};

/// An admission request whose answer waits on a read from the Kubernetes API that is not cached:
/// the review as parsed and decoded, and what to read. Router::finish completes it.
struct PendingAdmission;

/// What Router::handle made of a request: its answer, or an admission left to finish.
struct Handled {
  std::optional<Response> response;
  std::shared_ptr<PendingAdmission> pending;  ///< set when `response` is not
};

class Router {
 public:
  explicit Router(RouterDeps deps) : deps_(deps) {}

  /// The answer to one complete request, or (only with --kube-api) an admission that waits on
  /// the Kubernetes API: pass it to finish() on a thread that may wait. `client_verified`: the
  /// peer presented a client certificate that the --client-ca bundle verified.
  Handled handle(const Request& req, bool client_verified) const;
  /// The answer to a pending admission: reads what it waits on (bounded by the request's
  /// ?timeout), then decides. Blocks; independent of the request, which may be gone.
  Response finish(PendingAdmission& pending) const;
  /// An error answer the session makes itself (413 for a body over the limit, 400 for bad HTTP).
  Response error(http::status status, std::string_view message, unsigned version) const;

 private:
  Handled admission(const Request& req, const Route& route) const;
  Response decide(PendingAdmission& p, ParentResult parent) const;
  Response not_judged(const std::exception& e, unsigned version) const;
  Response readyz(unsigned version) const;
  Response reply(http::status status, std::string body, std::string_view content_type,
                 unsigned version) const;

  RouterDeps deps_;
};

}  // namespace haguard::webhook
