#pragma once
// The webhook's Prometheus metrics, all prefixed haguard_, kept in a prometheus-cpp registry and
// written in the text exposition format. Thread-safe: series are atomic counters and gauges.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haguard::webhook {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  /// One admission decided: haguard_admission_requests_total and
  /// haguard_admission_duration_seconds.
  void request(std::string_view endpoint, std::string_view environment,
               std::string_view operation, std::string_view kind, std::string_view decision,
               double seconds);
  void finding(std::string_view rule, std::string_view outcome, std::string_view environment);
  void exemption_used(std::string_view rule);
  void http_response(int code);
  void policy_reload(bool ok, std::string_view hash, std::string_view source);
  void certificate_reload(bool ok);
  void certificate_not_after(std::int64_t unix_seconds);
  void parent_lookup(std::string_view result);

  /// An object admitted: haguard_exemption_expiry_timestamp_seconds{namespace,kind,name,rule}
  /// holds `until` for each rule in `rules` (the rule ids of its valid exemption, or "*"), and
  /// no other series of that object is left. No rules or no `until`: the object's series go.
  void exemption_expiry(std::string_view namespace_, std::string_view kind, std::string_view name,
                        const std::vector<std::string>& rules,
                        std::optional<std::chrono::system_clock::time_point> until);

  /// The whole exposition, text/plain; version=0.0.4.
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haguard::webhook
