#include "webhook/flags.h"

#include <charconv>
#include <thread>

#include <CLI/CLI.hpp>

#include "haguard/revision.h"

namespace haguard::webhook {

FlagsResult parse_flags(int argc, char** argv) {
  Flags f;
  CLI::App app{"haguard-webhook: the HA policy admission webhook for kube-apiserver"};
  app.set_version_flag("--version", std::string("haguard-webhook ") + HAGUARD_VERSION +
                                       " (revision " HAGUARD_REVISION ")");
  app.add_option("--listen", f.listen, "address:port to serve HTTPS on")
      ->envname("HAGUARD_LISTEN")
      ->capture_default_str();
  app.add_option("--tls-cert", f.tls_cert, "serving certificate (PEM chain); reloaded on change")
      ->envname("HAGUARD_TLS_CERT")
      ->required();
  app.add_option("--tls-key", f.tls_key, "serving key (PEM); reloaded on change")
      ->envname("HAGUARD_TLS_KEY")
      ->required();
  app.add_option("--client-ca", f.client_ca,
                 "CA bundle (PEM) to verify client certificates; unset: no client certificates")
      ->envname("HAGUARD_CLIENT_CA");
  app.add_option("--policy", f.policy, "HAPolicy YAML file, reloaded on change (default: embedded)")
      ->envname("HAGUARD_POLICY");
  app.add_option("--kube-api", f.kube_api,
                 "read /scale parents from the Kubernetes API: 'in-cluster' or a kubeconfig path")
      ->envname("HAGUARD_KUBE_API");
  app.add_option("--threads", f.threads, "worker threads (0: one per core)")
      ->envname("HAGUARD_THREADS")
      ->capture_default_str();
  app.add_option("--max-body", f.max_body, "largest request body in bytes (413 above)")
      ->envname("HAGUARD_MAX_BODY")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
  app.add_option("--log-level", f.log_level, "trace, debug, info, warn, error")
      ->envname("HAGUARD_LOG_LEVEL")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--reload-interval", f.reload_interval,
                 "seconds between checks of the certificate, key and policy files")
      ->envname("HAGUARD_RELOAD_INTERVAL")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  app.add_option("--shutdown-grace", f.shutdown_grace,
                 "seconds between SIGTERM (readiness false) and closing the listener")
      ->envname("HAGUARD_SHUTDOWN_GRACE")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 300.0));
  app.add_option("--handshake-timeout", f.handshake_timeout, "seconds a TLS handshake may take")
      ->envname("HAGUARD_HANDSHAKE_TIMEOUT")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3600u));
  app.add_option("--header-timeout", f.header_timeout,
                 "seconds to wait for a request's header, idle keep-alive connections included")
      ->envname("HAGUARD_HEADER_TIMEOUT")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3600u));
  app.add_option("--body-timeout", f.body_timeout,
                 "seconds from a request's header to its answer, at most its ?timeout=")
      ->envname("HAGUARD_BODY_TIMEOUT")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3600u));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return {std::nullopt, rc == 0 ? 0 : 2};
  }
  if (!parse_listen(f.listen)) {
    std::fprintf(stderr, "--listen: expected host:port, got '%s'\n", f.listen.c_str());
    return {std::nullopt, 2};
  }
  if (f.threads == 0) f.threads = std::max(1u, std::thread::hardware_concurrency());
  return {f, 0};
}

std::optional<HostPort> parse_listen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  HostPort hp;
  hp.host = s.substr(0, colon);
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']')
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  if (hp.host.empty()) hp.host = "0.0.0.0";
  std::string port = s.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || port.empty() || value > 65535)
    return std::nullopt;
  hp.port = static_cast<unsigned short>(value);
  return hp;
}

}  // namespace haguard::webhook
