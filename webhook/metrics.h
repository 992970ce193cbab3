#pragma once
// Prometheus metrics in the text exposition format, all prefixed haguard_. Thread-safe: each
// thread counts into a shard of its own, so admissions on different threads never wait on each
// other; render() adds the shards up.

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

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
  /// Series are keyed by name and label values, written into a per-thread buffer and looked up by
  /// view: counting a series that exists allocates nothing (every admission counts one request
  /// and one finding per rule).
  void inc(std::string_view name, Labels labels, double by = 1);

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  /// One thread's counts. Its mutex is taken by that thread and by render() only.
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, double, KeyHash, std::equal_to<>> counters;  // see inc()
    std::map<std::string, Histogram, std::less<>> latency;  // by endpoint
  };
  Shard& shard();

  const std::uint64_t id_;  ///< unique per instance: how a thread finds its shard of this one
  mutable std::mutex mu_;   ///< guards shards_ and the gauges below
  std::vector<std::unique_ptr<Shard>> shards_;
  std::string policy_hash_, policy_source_;
  bool policy_ok_ = false;
  std::int64_t cert_not_after_ = 0;
};

}  // namespace haguard::webhook
