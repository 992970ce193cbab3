#include "webhook/metrics.h"

#include <atomic>
#include <cstdio>
#include <cstring>

namespace haguard::webhook {
namespace {

struct Family {
  const char* name;
  const char* help;
};

constexpr Family kCounters[] = {
    {"haguard_admission_requests_total",
     "Admission requests by endpoint, environment, operation, kind and decision."},
    {"haguard_findings_total", "Rule outcomes by rule, outcome and environment."},
    {"haguard_exemptions_used_total", "Exemptions that turned a finding into a skip, by rule."},
    {"haguard_http_responses_total", "HTTP responses by status code."},
    {"haguard_policy_reloads_total", "Policy file loads by result."},
    {"haguard_certificate_reloads_total", "Serving certificate loads by result."},
    {"haguard_parent_lookups_total",
     "Reads of a /scale parent through the Kubernetes API by result."},
};

void append_escaped(std::string& out, std::string_view v) {
  // Runs of plain characters are appended whole: every request renders a dozen label sets.
  std::size_t run = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out.append(v.data() + run, i - run);
    out += c == '\\' ? "\\\\" : c == '"' ? "\\\"" : "\\n";
    run = i + 1;
  }
  out.append(v.data() + run, v.size() - run);
}

/// Appends {k="v",...} (nothing for no labels).
template <typename L>
void append_labels(std::string& out, const L& labels) {
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += first ? '{' : ',';
    first = false;
    out += k;
    out += "=\"";
    append_escaped(out, v);
    out += '"';
  }
  if (!first) out += '}';
}

/// Rendered labels with one more label: {a="x"} + le="1" -> {a="x",le="1"}.
std::string with_label(std::string_view labels, std::string_view key, std::string_view value) {
  std::string out(labels.empty() ? "{" : labels.substr(0, labels.size() - 1));
  if (!labels.empty()) out += ',';
  out += key;
  out += "=\"";
  out += value;
  out += "\"}";
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

Metrics::Metrics() : id_([] {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1);
}()) {}

Metrics::Shard& Metrics::shard() {
  // (instance id, shard) pairs of the instances this thread has counted into: one in the server,
  // a few in tests. Ids are never reused, so a destroyed instance's entry never matches again.
  thread_local std::vector<std::pair<std::uint64_t, Shard*>> mine;
  for (const auto& [id, s] : mine)
    if (id == id_) return *s;
  std::lock_guard lock(mu_);
  Shard* s = shards_.emplace_back(std::make_unique<Shard>()).get();
  mine.emplace_back(id_, s);
  return *s;
}

namespace {

/// A series' key: name \0 then per label: label-name \0 value-length(4 bytes) value. Values are
/// copied, not scanned for escapes: render() escapes them once per scrape, not per admission.
void append_key(std::string& key, std::string_view name,
                std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  key.assign(name);
  key += '\0';
  for (const auto& [k, v] : labels) {
    key += k;
    key += '\0';
    const auto size = static_cast<std::uint32_t>(v.size());
    key.append(reinterpret_cast<const char*>(&size), sizeof size);
    key += v;
  }
}

/// The family name of `key` and its labels rendered: {a="x",b="y"} ("" for none).
std::pair<std::string_view, std::string> split_key(std::string_view key) {
  const std::size_t end_of_name = key.find('\0');
  std::string labels;
  for (std::size_t pos = end_of_name + 1; pos < key.size();) {
    const std::size_t end_of_label = key.find('\0', pos);
    std::uint32_t size = 0;
    std::memcpy(&size, key.data() + end_of_label + 1, sizeof size);
    const std::size_t value_at = end_of_label + 1 + sizeof size;
    labels += labels.empty() ? '{' : ',';
    labels.append(key.substr(pos, end_of_label - pos));
    labels += "=\"";
    append_escaped(labels, key.substr(value_at, size));
    labels += '"';
    pos = value_at + size;
  }
  if (!labels.empty()) labels += '}';
  return {key.substr(0, end_of_name), std::move(labels)};
}

}  // namespace

void Metrics::inc(std::string_view name, Labels labels, double by) {
  thread_local std::string key;
  append_key(key, name, labels);
  Shard& s = shard();
  std::lock_guard lock(s.mu);
  auto series = s.counters.find(std::string_view(key));
  if (series == s.counters.end()) series = s.counters.emplace(key, 0.0).first;
  series->second += by;
}

void Metrics::request(std::string_view endpoint, std::string_view environment,
                      std::string_view operation, std::string_view kind, std::string_view decision,
                      double seconds) {
  inc("haguard_admission_requests_total", {{"endpoint", endpoint},
                                           {"environment", environment},
                                           {"operation", operation},
                                           {"kind", kind},
                                           {"decision", decision}});
  Shard& s = shard();
  std::lock_guard lock(s.mu);
  auto it = s.latency.find(endpoint);
  if (it == s.latency.end()) it = s.latency.emplace(endpoint, Histogram{}).first;
  Histogram& h = it->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::finding(std::string_view rule, std::string_view outcome,
                      std::string_view environment) {
  inc("haguard_findings_total",
      {{"rule", rule}, {"outcome", outcome}, {"environment", environment}});
}

void Metrics::exemption_used(std::string_view rule) {
  inc("haguard_exemptions_used_total", {{"rule", rule}});
}

void Metrics::http_response(int code) {
  const std::string text = std::to_string(code);  // short: no allocation
  inc("haguard_http_responses_total", {{"code", text}});
}

void Metrics::policy_reload(bool ok, std::string_view hash, std::string_view source) {
  inc("haguard_policy_reloads_total", {{"result", ok ? "success" : "error"}});
  std::lock_guard lock(mu_);
  policy_ok_ = ok;
  if (ok) {
    policy_hash_ = hash;
    policy_source_ = source;
  }
}

void Metrics::certificate_reload(bool ok) {
  inc("haguard_certificate_reloads_total", {{"result", ok ? "success" : "error"}});
}

void Metrics::certificate_not_after(std::int64_t unix_seconds) {
  std::lock_guard lock(mu_);
  cert_not_after_ = unix_seconds;
}

void Metrics::parent_lookup(std::string_view result) {
  inc("haguard_parent_lookups_total", {{"result", result}});
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  // The shards added up, in a stable order: by family, then by labels.
  std::map<std::string, std::map<std::string, double>, std::less<>> counters;
  std::map<std::string, Histogram> latency;
  for (const auto& s : shards_) {
    std::lock_guard shard_lock(s->mu);
    for (const auto& [key, v] : s->counters) {
      auto [name, labels] = split_key(key);
      counters[std::string(name)][labels] += v;
    }
    for (const auto& [endpoint, h] : s->latency) {
      std::string labels;
      append_labels(labels, Labels{{"endpoint", endpoint}});
      Histogram& sum = latency[labels];
      for (std::size_t i = 0; i < kBuckets.size(); ++i) sum.counts[i] += h.counts[i];
      sum.count += h.count;
      sum.sum += h.sum;
    }
  }
  std::string out;
  out += "# HELP haguard_build_info Build of this webhook.\n# TYPE haguard_build_info gauge\n";
  out += std::string("haguard_build_info{version=\"") + HAGUARD_VERSION + "\"} 1\n";
  for (const auto& f : kCounters) {
    out += std::string("# HELP ") + f.name + " " + f.help + "\n# TYPE " + f.name + " counter\n";
    for (const auto& [labels, v] : counters[f.name]) out += f.name + labels + " " + number(v) + "\n";
  }
  out +=
      "# HELP haguard_admission_duration_seconds Time to decide an admission request.\n"
      "# TYPE haguard_admission_duration_seconds histogram\n";
  for (const auto& [labels, h] : latency) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += "haguard_admission_duration_seconds_bucket" +
             with_label(labels, "le", number(kBuckets[i])) + " " + std::to_string(h.counts[i]) +
             "\n";
    out += "haguard_admission_duration_seconds_bucket" + with_label(labels, "le", "+Inf") + " " +
           std::to_string(h.count) + "\n";
    out += "haguard_admission_duration_seconds_sum" + labels + " " + number(h.sum) + "\n";
    out +=
        "haguard_admission_duration_seconds_count" + labels + " " + std::to_string(h.count) + "\n";
  }
  out +=
      "# HELP haguard_policy_info The policy in force (value 1), by hash and source.\n"
      "# TYPE haguard_policy_info gauge\n";
  if (!policy_hash_.empty()) {
    out += "haguard_policy_info";
    append_labels(out, Labels{{"hash", policy_hash_}, {"source", policy_source_}});
    out += " 1\n";
  }
  out +=
      "# HELP haguard_policy_last_reload_success Whether the last policy load succeeded.\n"
      "# TYPE haguard_policy_last_reload_success gauge\n";
  out += std::string("haguard_policy_last_reload_success ") + (policy_ok_ ? "1" : "0") + "\n";
  out +=
      "# HELP haguard_certificate_not_after_seconds Expiry of the serving certificate "
      "(Unix time).\n# TYPE haguard_certificate_not_after_seconds gauge\n";
  out += "haguard_certificate_not_after_seconds " + std::to_string(cert_not_after_) + "\n";
  return out;
}

}  // namespace haguard::webhook
