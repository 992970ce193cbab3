#pragma once
// A stand-in for the Kubernetes API over HTTPS: serves objects put into it by path, 404 for the
// rest, 401 without the expected bearer token. Enough for the webhook's /scale parent lookup.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace haguard::test {

class KubeStandIn {
 public:
  KubeStandIn(const std::string& cert_file, const std::string& key_file, std::string token);
  ~KubeStandIn();

  /// Serves `object` at the path of the Deployment/StatefulSet it is (from kind, namespace, name).
  void put(const nlohmann::json& object);
  void set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  unsigned short port() const { return port_; }
  int requests() const { return requests_; }
  /// Writes a kubeconfig for this stand-in into `dir`; returns its path.
  std::string write_kubeconfig(const std::string& dir, const std::string& ca_file,
                               const std::string& server_name) const;

 private:
  void serve();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string token_;
  unsigned short port_ = 0;
  std::atomic<long long> delay_ms_{0};
  std::atomic<int> requests_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::map<std::string, std::string> objects_;
  std::thread thread_;
};

}  // namespace haguard::test
