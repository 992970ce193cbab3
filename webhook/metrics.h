#pragma once
// Prometheus metrics in the text exposition format, all prefixed haguard_. Thread-safe.

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace haguard::webhook {

class Metrics {
 public:
  Metrics();

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

  /// The whole exposition, text/plain; version=0.0.4.
  std::string render() const;

 private:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;
  /// Series are keyed by their rendered labels ({a="x",b="y"}), rendered into a per-thread buffer
  /// and looked up by view: counting a series that exists allocates nothing (every admission
  /// counts one request and one finding per rule).
  void inc(std::string_view name, Labels labels, double by = 1);

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, double, std::less<>>, std::less<>> counters_;
  std::map<std::string, Histogram, std::less<>> latency_;  // by endpoint
  std::string policy_hash_, policy_source_;
  bool policy_ok_ = false;
  std::int64_t cert_not_after_ = 0;
};

}  // namespace haguard::webhook
