#include "webhook/metrics.h"

#include <atomic>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace haguard::webhook {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using LabelValues = std::initializer_list<std::pair<const char*, std::string_view>>;

/// The series of one family, found by their label values without building prometheus-cpp's
/// label map: every admission counts one request and a finding per rule, and Family::Add
/// builds and hashes a std::map of strings under the family's lock. Series are never removed.
template <typename T>
class Series {
 public:
  explicit Series(Family<T>& family) : family_(family) {}

  template <typename... Args>
  T& get(LabelValues labels, const Args&... args) {
    // The key: each value with its length before it, so that no two label sets share one.
    thread_local std::string key;
    key.clear();
    for (const auto& [name, value] : labels) {
      const auto size = static_cast<std::uint32_t>(value.size());
      key.append(reinterpret_cast<const char*>(&size), sizeof size);
      key.append(value);
    }
    {
      std::shared_lock lock(mu_);
      if (auto it = series_.find(std::string_view(key)); it != series_.end()) return *it->second;
    }
    std::lock_guard lock(mu_);
    auto [it, inserted] = series_.try_emplace(key, nullptr);
    if (inserted) {
      prometheus::Labels map;
      for (const auto& [name, value] : labels) map.emplace(name, value);
      it->second = &family_.Add(map, args...);
    }
    return *it->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  Family<T>& family_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, T*, Hash, std::equal_to<>> series_;
};

template <typename T>
Family<T>& family(prometheus::Registry& registry, const char* name, const char* help);
template <>
Family<Counter>& family(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}
template <>
Family<Gauge>& family(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}
template <>
Family<Histogram>& family(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry);
}

const char* result_of(bool ok) { return ok ? "success" : "error"; }

}  // namespace

struct Metrics::Impl {
  prometheus::Registry registry;

  Series<Counter> requests{family<Counter>(
      registry, "haguard_admission_requests_total",
      "Admission requests by endpoint, environment, operation, kind and decision.")};
  Series<Histogram> duration{family<Histogram>(registry, "haguard_admission_duration_seconds",
                                               "Time to decide an admission request.")};
  Series<Counter> findings{family<Counter>(registry, "haguard_findings_total",
                                           "Rule outcomes by rule, outcome and environment.")};
  Series<Counter> exemptions_used{
      family<Counter>(registry, "haguard_exemptions_used_total",
                      "Exemptions that turned a finding into a skip, by rule.")};
  Series<Counter> http_responses{family<Counter>(registry, "haguard_http_responses_total",
                                                 "HTTP responses by status code.")};
  Series<Counter> policy_reloads{family<Counter>(registry, "haguard_policy_reloads_total",
                                                 "Policy file loads by result.")};
  Series<Counter> certificate_reloads{family<Counter>(
      registry, "haguard_certificate_reloads_total", "Serving certificate loads by result.")};
  Series<Counter> parent_lookups{
      family<Counter>(registry, "haguard_parent_lookups_total",
                      "Reads of a /scale parent through the Kubernetes API by result.")};

  Family<Gauge>& build_info =
      family<Gauge>(registry, "haguard_build_info", "Build of this webhook.");
  Family<Gauge>& policy_info = family<Gauge>(
      registry, "haguard_policy_info", "The policy in force (value 1), by hash and source.");
  Gauge& policy_ok = family<Gauge>(registry, "haguard_policy_last_reload_success",
                                   "Whether the last policy load succeeded.")
                         .Add({});
  Gauge& certificate_not_after =
      family<Gauge>(registry, "haguard_certificate_not_after_seconds",
                    "Expiry of the serving certificate (Unix time).")
          .Add({});
  Family<Gauge>& exemption_expiry = family<Gauge>(
      registry, "haguard_exemption_expiry_timestamp_seconds",
      "Expiry (Unix time) of the exemption an admitted object carries, by object and rule.");

  std::mutex mu;                  ///< guards policy_in_force and exempted
  Gauge* policy_in_force = nullptr;
  /// The expiry series of each object admitted with an exemption, by namespace, kind, name.
  std::map<std::tuple<std::string, std::string, std::string>, std::map<std::string, Gauge*>>
      exempted;
  std::atomic<bool> any_exempted{false};  ///< whether `exempted` holds anything
};

namespace {
/// The upper bounds of haguard_admission_duration_seconds' buckets.
const Histogram::BucketBoundaries kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                              0.05,   0.1,   0.25,   0.5,   1,    2.5};
}  // namespace

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {
  impl_->build_info.Add({{"version", HAGUARD_VERSION}}).Set(1);
}

Metrics::~Metrics() = default;

void Metrics::request(std::string_view endpoint, std::string_view environment,
                      std::string_view operation, std::string_view kind, std::string_view decision,
                      double seconds) {
  impl_->requests
      .get({{"endpoint", endpoint},
            {"environment", environment},
            {"operation", operation},
            {"kind", kind},
            {"decision", decision}})
      .Increment();
  impl_->duration.get({{"endpoint", endpoint}}, kBuckets).Observe(seconds);
}

void Metrics::finding(std::string_view rule, std::string_view outcome,
                      std::string_view environment) {
  impl_->findings.get({{"rule", rule}, {"outcome", outcome}, {"environment", environment}})
      .Increment();
}

void Metrics::exemption_used(std::string_view rule) {
  impl_->exemptions_used.get({{"rule", rule}}).Increment();
}

void Metrics::http_response(int code) {
  const std::string text = std::to_string(code);  // short: no allocation
  impl_->http_responses.get({{"code", text}}).Increment();
}

void Metrics::policy_reload(bool ok, std::string_view hash, std::string_view source) {
  impl_->policy_reloads.get({{"result", result_of(ok)}}).Increment();
  impl_->policy_ok.Set(ok ? 1 : 0);
  if (!ok) return;
  std::lock_guard lock(impl_->mu);
  if (impl_->policy_in_force) impl_->policy_info.Remove(impl_->policy_in_force);
  impl_->policy_in_force =
      &impl_->policy_info.Add({{"hash", std::string(hash)}, {"source", std::string(source)}});
  impl_->policy_in_force->Set(1);
}

void Metrics::certificate_reload(bool ok) {
  impl_->certificate_reloads.get({{"result", result_of(ok)}}).Increment();
}

void Metrics::certificate_not_after(std::int64_t unix_seconds) {
  impl_->certificate_not_after.Set(static_cast<double>(unix_seconds));
}

void Metrics::parent_lookup(std::string_view result) {
  impl_->parent_lookups.get({{"result", result}}).Increment();
}

void Metrics::exemption_expiry(std::string_view namespace_, std::string_view kind,
                               std::string_view name, const std::vector<std::string>& rules,
                               std::optional<std::chrono::system_clock::time_point> until) {
  const bool exempt = !rules.empty() && until.has_value();
  // The common case, nothing exempted anywhere, takes no lock.
  if (!exempt && !impl_->any_exempted.load(std::memory_order_acquire)) return;
  std::lock_guard lock(impl_->mu);
  auto key = std::make_tuple(std::string(namespace_), std::string(kind), std::string(name));
  auto found = impl_->exempted.find(key);
  std::map<std::string, Gauge*> before;
  if (found != impl_->exempted.end()) before = std::move(found->second);
  std::map<std::string, Gauge*> now;
  if (exempt) {
    const double seconds =
        std::chrono::duration<double>(until->time_since_epoch()).count();
    for (const std::string& rule : rules) {
      auto kept = before.extract(rule);
      Gauge* g = !kept.empty() ? kept.mapped()
                               : &impl_->exemption_expiry.Add({{"namespace", std::get<0>(key)},
                                                               {"kind", std::get<1>(key)},
                                                               {"name", std::get<2>(key)},
                                                               {"rule", rule}});
      g->Set(seconds);
      now.emplace(rule, g);
    }
  }
  for (const auto& [rule, g] : before) impl_->exemption_expiry.Remove(g);
  if (now.empty()) {
    if (found != impl_->exempted.end()) impl_->exempted.erase(found);
  } else if (found != impl_->exempted.end()) {
    found->second = std::move(now);
  } else {
    impl_->exempted.emplace(std::move(key), std::move(now));
  }
  impl_->any_exempted.store(!impl_->exempted.empty(), std::memory_order_release);
}

std::string Metrics::render() const {
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

}  // namespace haguard::webhook
