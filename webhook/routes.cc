#include "webhook/routes.h"

#include <algorithm>
#include <tuple>

#include "common/go_duration.h"
#include "webhook/admission_handler.h"
#include "webhook/heap.h"
#include "webhook/log.h"
#include "webhook/review_reader.h"
#include "webhook/text.h"

namespace haguard::webhook {
namespace {

constexpr std::string_view kJson = "application/json";

/// How long a /scale parent read may take: at most 2 s, and half of what the caller allows.
std::chrono::milliseconds lookup_budget(const std::optional<std::chrono::nanoseconds>& timeout) {
  std::chrono::milliseconds budget(2000);
  if (timeout && *timeout > std::chrono::nanoseconds(0))
    budget = std::min(budget, std::chrono::duration_cast<std::chrono::milliseconds>(*timeout / 2));
  return std::max(budget, std::chrono::milliseconds(100));
}

bool is_json_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  if (media.size() != kJson.size()) return false;
  return std::equal(media.begin(), media.end(), kJson.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

std::string error_body(std::string_view message) {
  return nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace);
}

}  // namespace

Route parse_route(std::string_view target) {
  Route r;
  std::string_view path = target, query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.substr(0, 8) != "timeout=") continue;
    // kube-apiserver sends the webhook's timeoutSeconds ("10s"); a negative one gives no budget.
    r.timeout = parse_go_duration(pair.substr(8));
    if (r.timeout && r.timeout->count() < 0) r.timeout.reset();
  }
  if (path == "/healthz") r.kind = RouteKind::healthz;
  else if (path == "/readyz") r.kind = RouteKind::readyz;
  else if (path == "/metrics") r.kind = RouteKind::metrics;
  if (r.kind != RouteKind::not_found) return r;

  for (auto [prefix, kind] : {std::pair{std::string_view("/validate"), RouteKind::validate},
                              std::pair{std::string_view("/mutate"), RouteKind::mutate}}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = path.substr(prefix.size());
    if (rest.empty()) {
      r.kind = kind;
    } else if (rest.front() == '/' && is_dns1123_label(rest.substr(1))) {
      r.kind = kind;
      r.environment = std::string(rest.substr(1));
    }
  }
  return r;
}

Response Router::reply(http::status status, std::string body, std::string_view content_type,
                       unsigned version) const {
  Response res{status, version};
  res.set(http::field::server, "haguard-webhook");
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  deps_.metrics.http_response(static_cast<int>(status));
  return res;
}

Response Router::error(http::status status, std::string_view message, unsigned version) const {
  return reply(status, error_body(message), kJson, version);
}

Handled Router::handle(const Request& req, bool client_verified) const {
  Route route = parse_route(req.target());
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  Response res;
  switch (route.kind) {
    case RouteKind::not_found:
      res = error(http::status::not_found, "no such path", req.version());
      break;
    case RouteKind::healthz:
    case RouteKind::readyz:
    case RouteKind::metrics:
      if (!get) {
        res = error(http::status::method_not_allowed, "use GET", req.version());
        res.set(http::field::allow, "GET, HEAD");
      } else if (route.kind == RouteKind::healthz) {
        res = reply(http::status::ok, "ok\n", "text/plain; charset=utf-8", req.version());
      } else if (route.kind == RouteKind::readyz) {
        res = readyz(req.version());
      } else {
        res = reply(http::status::ok, deps_.metrics.render(), "text/plain; version=0.0.4",
                    req.version());
      }
      break;
    case RouteKind::validate:
    case RouteKind::mutate:
      if (req.method() != http::verb::post) {
        res = error(http::status::method_not_allowed, "use POST", req.version());
        res.set(http::field::allow, "POST");
      } else if (deps_.require_client_cert && !client_verified) {
        res = error(http::status::forbidden, "a client certificate signed by --client-ca is required",
                    req.version());
      } else {
        try {
          Handled made = admission(req, route);
          if (made.pending) return made;
          res = std::move(*made.response);
        } catch (const std::exception& e) {
          res = not_judged(e, req.version());
        }
      }
      break;
  }
  if (req.method() == http::verb::head) {
    res.body().clear();
  }
  // Draining: every answer closes its connection, so that when the listener closes no client is
  // left holding a kept-alive connection it may be writing a request into.
  res.keep_alive(req.keep_alive() && !deps_.draining.load());
  return {std::move(res), nullptr};
}

Response Router::not_judged(const std::exception& e, unsigned version) const {
  // A review the engine trips over must cost one answer, never the process (every admission in
  // the cluster waits on it). The exception text names types, never the body.
  log_event(spdlog::level::err, "review could not be judged", {{"error", e.what()}});
  return error(http::status::bad_request, std::string("the review could not be judged: ") + e.what(),
               version);
}

Response Router::readyz(unsigned version) const {
  auto policy = deps_.policies.status();
  auto cert = deps_.certs.status();
  bool draining = deps_.draining.load();
  bool ready = policy.loaded && cert.loaded && !draining;
  nlohmann::json detail = {
      {"ready", ready},
      {"draining", draining},
      {"policy",
       {{"loaded", policy.loaded}, {"source", policy.source}, {"hash", policy.hash},
        {"last_reload_error", policy.last_error}}},
      {"certificate",
       {{"loaded", cert.loaded}, {"not_after", cert.not_after},
        {"last_reload_error", cert.last_error}}}};
  return reply(ready ? http::status::ok : http::status::service_unavailable,
               detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", kJson,
               version);
}

/// An admission request decoded, with what it needs from the Kubernetes API.
struct PendingAdmission {
  std::chrono::steady_clock::time_point start;
  Endpoint endpoint = Endpoint::validate;
  Route route;
  unsigned version = 11;
  bool keep_alive = true;
  ReadReview read;           ///< the parsed review; `request` points into it
  AdmissionRequest request;
  /// What to read: a /scale request's parent (its exemptions and labels), or the workload an HPA
  /// or ScaledObject scales (the policy's selectors judge the autoscaler by it). Empty: nothing.
  std::string_view parent_kind;
  std::string parent_name;
  bool autoscaler = false;
};

Handled Router::admission(const Request& req, const Route& route) const {
  PendingAdmission p;
  p.start = std::chrono::steady_clock::now();
  p.endpoint = route.kind == RouteKind::mutate ? Endpoint::mutate : Endpoint::validate;
  p.route = route;
  p.version = req.version();
  p.keep_alive = req.keep_alive();
  if (!is_json_content_type(req[http::field::content_type]))
    return {error(http::status::unsupported_media_type, "Content-Type must be application/json",
                  req.version()),
            nullptr};
  note_body(req.body().size());
  // The review is judged where simdjson parsed it; the object is read into a tree only to be fixed.
  p.read = read_review(req.body(), ReadAs::dom);
  if (!p.read.error.empty())
    return {error(http::status::bad_request, p.read.error, req.version()), nullptr};
  DecodeResult decoded = decode_review(p.read.root(), p.read.depth_checked);
  if (!decoded.request)
    return {error(http::status::bad_request, decoded.error, req.version()), nullptr};
  p.request = std::move(*decoded.request);
  const AdmissionRequest& request = p.request;

  std::string_view parent_kind = scale_parent_kind(request);
  std::string name = request.name;
  p.autoscaler = parent_kind.empty() && request.sub_resource.empty();
  if (p.autoscaler) {
    std::tie(parent_kind, name) = autoscaler_target(request);
  } else if (name.empty()) {
    name = std::string(request.object["metadata"]["name"].str());
  }
  ParentResult parent;
  if (!parent_kind.empty() && deps_.kube && request.object && !name.empty() &&
      (request.operation == "UPDATE" || request.operation == "CREATE")) {
    p.parent_kind = parent_kind;
    p.parent_name = std::move(name);
    if (auto hit = deps_.kube->cached_parent(parent_kind, request.namespace_, p.parent_name)) {
      parent = std::move(*hit);
    } else {
      keep_beyond_thread(p.read);
      return {std::nullopt, std::make_shared<PendingAdmission>(std::move(p))};
    }
  }
  return {decide(p, std::move(parent)), nullptr};
}

Response Router::finish(PendingAdmission& p) const {
  Response res;
  try {
    res = decide(p, deps_.kube->get_parent(p.parent_kind, p.request.namespace_, p.parent_name,
                                           lookup_budget(p.route.timeout)));
  } catch (const std::exception& e) {
    res = not_judged(e, p.version);
  }
  res.keep_alive(p.keep_alive && !deps_.draining.load());
  return res;
}

Response Router::decide(PendingAdmission& p, ParentResult parent) const {
  const AdmissionRequest& request = p.request;
  const Endpoint endpoint = p.endpoint;
  std::shared_ptr<const Engine> engine = deps_.policies.engine();
  AdmissionInput in;
  in.endpoint = endpoint;
  in.environment = p.route.environment;
  in.request = &request;
  in.engine = engine.get();
  in.parent_lookup_configured = deps_.kube != nullptr;
  if (!p.parent_kind.empty()) {
    deps_.metrics.parent_lookup(!parent.error.empty() ? "error"
                                : parent.not_found     ? "not_found"
                                : parent.cached        ? "cached"
                                                       : "found");
    if (parent.object) (p.autoscaler ? in.autoscaler_target : in.scale_parent) = &*parent.object;
    if (!parent.error.empty()) {
      if (!p.autoscaler) in.parent_lookup_error = parent.error;
      log_event(spdlog::level::warn,
                p.autoscaler ? "autoscaler target lookup failed" : "scale parent lookup failed",
                {{"uid", request.uid},
                 {"kind", p.parent_kind},
                 {"namespace", request.namespace_},
                 {"name", p.parent_name},
                 {"error", parent.error}});
    }
  }
  AdmissionOutcome out = handle_admission(in, std::chrono::system_clock::now());
  std::string body = encode_review(request.api_version, request.uid, out.response, out.with_patch);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - p.start).count();

  deps_.metrics.request(to_string(endpoint), out.environment, request.operation, request.kind,
                        out.decision, seconds);
  for (const Finding& f : out.findings)
    deps_.metrics.finding(f.rule, to_string(f.outcome), out.environment);
  for (const auto& rule : out.exempted_rules) deps_.metrics.exemption_used(rule);
  if (out.exemption_known && out.response.allowed)
    deps_.metrics.exemption_expiry(out.namespace_, request.kind, out.name, out.exemption_rules,
                                   out.exemption_until);

  LogLine line;
  line.str("uid", request.uid)
      .str("endpoint", to_string(endpoint))
      .str("environment", out.environment)
      .str("operation", request.operation)
      .str("kind", request.kind)
      .str("namespace", out.namespace_)
      .str("name", out.name)
      .str("user", request.requester.username)
      .flag("dry_run", request.dry_run)
      .str("decision", out.decision)
      .number("duration_ms", seconds * 1000.0);
  if (!request.sub_resource.empty()) line.str("subresource", request.sub_resource);
  if (!out.skip_reason.empty()) line.str("skip_reason", out.skip_reason);
  if (!out.fixed_rules.empty()) line.list("fixed", out.fixed_rules);
  if (!out.exempted_rules.empty()) line.list("exempted", out.exempted_rules);
  std::vector<std::string> failed;
  if (!out.response.allowed)
    for (const Finding& f : out.findings)
      if (is_blocking(f)) failed.push_back(f.rule);
  if (!failed.empty()) line.list("denied_by", failed);
  log_line(spdlog::level::info, "admission", line);

  return reply(http::status::ok, std::move(body), kJson, p.version);
}

}  // namespace haguard::webhook
