#pragma once
// Reads the parent Deployment/StatefulSet of a /scale request from the Kubernetes API (its
// exemption annotations live there). In-cluster (service-account token and CA) or from a
// kubeconfig; each read has a deadline, results are cached for a few seconds.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace haguard::webhook {

struct KubeConfig {
  std::string host;
  std::string port = "443";
  std::string server_name;  ///< name verified in the API server's certificate (SNI too)
  std::string ca_pem;
  std::string token;
  std::string token_file;   ///< re-read on each request (projected tokens rotate)
  std::string client_cert_pem, client_key_pem;
  bool insecure = false;
};

/// "in-cluster", or a kubeconfig path (its current context). Error text on failure.
struct KubeConfigResult {
  std::optional<KubeConfig> config;
  std::string error;
};
KubeConfigResult load_kube_config(const std::string& spec);

struct ParentResult {
  std::optional<nlohmann::json> object;  ///< the parent when it was read
  bool not_found = false;                ///< the API said 404
  bool cached = false;
  std::string error;                     ///< why it could not be read (timeout, 403, TLS...)
};

class KubeClient {
 public:
  explicit KubeClient(KubeConfig config,
                      std::chrono::milliseconds ttl = std::chrono::milliseconds(5000));
  ~KubeClient();

  /// GET the Deployment or StatefulSet `ns/name`, within `timeout`. Blocks on a cache miss.
  ParentResult get_parent(std::string_view kind, std::string_view ns, std::string_view name,
                          std::chrono::milliseconds timeout);
  /// What get_parent would answer from its cache, without blocking; nullopt on a miss.
  std::optional<ParentResult> cached_parent(std::string_view kind, std::string_view ns,
                                            std::string_view name);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haguard::webhook
