#include "webhook/metrics.h"

#include <cstdio>

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
    {"haguard_parent_lookups_total", "Reads of a /scale parent through the Kubernetes API by result."},
};

std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

template <typename L>
std::string label_text(const L& labels, std::string_view extra_key = {},
                       std::string_view extra_value = {}) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += out.empty() ? "{" : ",";
    out += k + "=\"" + escape(v) + "\"";
  }
  if (!extra_key.empty()) {
    out += out.empty() ? "{" : ",";
    out += std::string(extra_key) + "=\"" + std::string(extra_value) + "\"";
  }
  if (!out.empty()) out += "}";
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

Metrics::Metrics() {
  for (const auto& f : kCounters) counters_[f.name];
}

void Metrics::inc(const std::string& name, Labels labels, double by) {
  std::lock_guard lock(mu_);
  counters_[name][std::move(labels)] += by;
}

void Metrics::request(std::string_view endpoint, std::string_view environment,
                      std::string_view operation, std::string_view kind, std::string_view decision,
                      double seconds) {
  inc("haguard_admission_requests_total", {{"endpoint", std::string(endpoint)},
                                           {"environment", std::string(environment)},
                                           {"operation", std::string(operation)},
                                           {"kind", std::string(kind)},
                                           {"decision", std::string(decision)}});
  std::lock_guard lock(mu_);
  Histogram& h = latency_[{{"endpoint", std::string(endpoint)}}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::finding(std::string_view rule, std::string_view outcome,
                      std::string_view environment) {
  inc("haguard_findings_total", {{"rule", std::string(rule)},
                                 {"outcome", std::string(outcome)},
                                 {"environment", std::string(environment)}});
}

void Metrics::exemption_used(std::string_view rule) {
  inc("haguard_exemptions_used_total", {{"rule", std::string(rule)}});
}

void Metrics::http_response(int code) {
  inc("haguard_http_responses_total", {{"code", std::to_string(code)}});
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
  inc("haguard_parent_lookups_total", {{"result", std::string(result)}});
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP haguard_build_info Build of this webhook.\n# TYPE haguard_build_info gauge\n";
  out += std::string("haguard_build_info{version=\"") + HAGUARD_VERSION + "\"} 1\n";
  for (const auto& f : kCounters) {
    out += std::string("# HELP ") + f.name + " " + f.help + "\n# TYPE " + f.name + " counter\n";
    for (const auto& [labels, v] : counters_.at(f.name))
      out += f.name + label_text(labels) + " " + number(v) + "\n";
  }
  out += "# HELP haguard_admission_duration_seconds Time to decide an admission request.\n"
         "# TYPE haguard_admission_duration_seconds histogram\n";
  for (const auto& [labels, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += "haguard_admission_duration_seconds_bucket" +
             label_text(labels, "le", number(kBuckets[i])) + " " + std::to_string(h.counts[i]) +
             "\n";
    out += "haguard_admission_duration_seconds_bucket" + label_text(labels, "le", "+Inf") + " " +
           std::to_string(h.count) + "\n";
    out += "haguard_admission_duration_seconds_sum" + label_text(labels) + " " + number(h.sum) +
           "\n";
    out += "haguard_admission_duration_seconds_count" + label_text(labels) + " " +
           std::to_string(h.count) + "\n";
  }
  out += "# HELP haguard_policy_info The policy in force (value 1), by hash and source.\n"
         "# TYPE haguard_policy_info gauge\n";
  if (!policy_hash_.empty())
    out += "haguard_policy_info" +
           label_text(Labels{{"hash", policy_hash_}, {"source", policy_source_}}) + " 1\n";
  out += "# HELP haguard_policy_last_reload_success Whether the last policy load succeeded.\n"
         "# TYPE haguard_policy_last_reload_success gauge\n";
  out += std::string("haguard_policy_last_reload_success ") + (policy_ok_ ? "1" : "0") + "\n";
  out += "# HELP haguard_certificate_not_after_seconds Expiry of the serving certificate "
         "(Unix time).\n# TYPE haguard_certificate_not_after_seconds gauge\n";
  out += "haguard_certificate_not_after_seconds " + std::to_string(cert_not_after_) + "\n";
  return out;
}

}  // namespace haguard::webhook
