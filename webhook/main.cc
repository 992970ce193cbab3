// haguard-webhook: the validating and mutating admission webhook over the policy engine.
// Thin: flags, logging, the policy and certificate stores, the optional API client, the server.

#include <memory>

#include "webhook/flags.h"
#include "webhook/heap.h"
#include "webhook/kube_client.h"
#include "webhook/log.h"
#include "webhook/metrics.h"
#include "webhook/policy_store.h"
#include "webhook/server.h"
#include "webhook/tls_context.h"

int main(int argc, char** argv) {
  using namespace haguard::webhook;
  FlagsResult parsed = parse_flags(argc, argv);
  if (!parsed.flags) return parsed.exit_code;
  const Flags& flags = *parsed.flags;
  setup_logging(flags.log_level);
  configure_heap();

  Metrics metrics;
  PolicyStore policies(flags.policy, metrics);
  if (!policies.load()) return 1;
  CertReloader certs(TlsFiles{flags.tls_cert, flags.tls_key, flags.client_ca}, metrics);
  if (!certs.load()) return 1;

  std::unique_ptr<KubeClient> kube;
  if (!flags.kube_api.empty()) {
    KubeConfigResult config = load_kube_config(flags.kube_api);
    if (!config.config) {
      log_event(spdlog::level::err, "--kube-api", {{"error", config.error}});
      return 1;
    }
    kube = std::make_unique<KubeClient>(*config.config);
    log_event(spdlog::level::info, "scale parents read from the Kubernetes API",
              {{"host", config.config->host}, {"port", config.config->port}});
  }

  Server server(flags, policies, certs, metrics, kube.get());
  if (!server.listen()) return 1;
  return server.run();
}
