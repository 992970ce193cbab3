#pragma once
// Runs the real haguard-webhook binary for a test: fork/exec (no shell) on an ephemeral loopback
// port with certificates from certs/make-certs, waits for /readyz, stops it with SIGTERM.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/net.h"
#include "tests/support/process.h"
#include "tests/support/tls_client.h"

namespace haguard::test {

struct CertFiles {
  std::string dir, ca, ca_key, cert, key;
  std::string ca_bundle;  ///< what the script printed
};
/// certs/make-certs into `dir` with extra arguments (service haguard, namespace haguard).
CertFiles make_certs(const std::string& dir, const std::vector<std::string>& extra = {});

class WebhookProcess {
 public:
  /// `args`: flags beyond --listen (the process gets --listen 127.0.0.1:<free port>).
  WebhookProcess(std::vector<std::string> args, std::string ca_file);
  ~WebhookProcess();

  /// Starts and waits until /readyz answers 200; false with `error` otherwise.
  bool start(std::string* error = nullptr);
  void signal(int sig);
  /// Waits for the process to exit; its exit code, or -1 on timeout or a signal death.
  int wait(std::chrono::milliseconds timeout);
  /// SIGTERM then wait.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool running();

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return read_file(log_file_); }
  TlsClientOptions client_options() const;
  /// Options of the client that start() probes /readyz with (default: the CA only).
  void set_client_options(TlsClientOptions o) { options_ = std::move(o); }

 private:
  std::vector<std::string> args_;
  std::string ca_file_;
  std::optional<TlsClientOptions> options_;
  std::string log_file_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
  int exit_code_ = -1;  ///< of the process once reaped
};

}  // namespace haguard::test
