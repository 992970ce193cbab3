#pragma once
// Command-line flags of haguard-webhook; each one can also come from a HAGUARD_* environment
// variable (the flag wins).

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace haguard::webhook {

struct Flags {
  std::string listen = "0.0.0.0:8443";
  std::string tls_cert;
  std::string tls_key;
  std::string client_ca;   ///< empty: no client certificate verification
  std::string policy;      ///< empty: the embedded default policy
  std::string kube_api;    ///< "", "in-cluster", or a kubeconfig path
  unsigned threads = 0;    ///< 0: the number of cores
  /// An UPDATE review carries object and oldObject, each under kube-apiserver's 3 MiB request
  /// limit. The parser needs several times a body's size while it reads it (simdjson's tape is
  /// 8 bytes per value): 16 MiB of `[0,0,...]` once peaked at 250 MiB.
  std::size_t max_body = 6 * 1024 * 1024;
  std::string log_level = "info";
  double reload_interval = 2.0;   ///< seconds between checks of the cert, key and policy files
  double shutdown_grace = 5.0;    ///< seconds between SIGTERM and closing the listener
  unsigned handshake_timeout = 10;  ///< seconds for a TLS handshake
  unsigned header_timeout = 30;     ///< seconds waiting for a request's header (idle keep-alive too)
  unsigned body_timeout = 30;       ///< seconds reading a body once its header came
};

struct FlagsResult {
  std::optional<Flags> flags;  ///< nullopt: exit with `exit_code` (help, version or usage error)
  int exit_code = 0;
};

/// Parses argv (and the environment); prints help or errors itself.
FlagsResult parse_flags(int argc, char** argv);

/// "0.0.0.0:8443", "[::]:8443", ":8443" -> host and port; nullopt when malformed.
struct HostPort {
  std::string host;
  unsigned short port = 0;
};
std::optional<HostPort> parse_listen(const std::string& s);

}  // namespace haguard::webhook
