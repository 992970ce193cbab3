#include "webhook/policy_store.h"

#include "common/file_reading.h"
#include "webhook/log.h"

namespace haguard::webhook {

PolicyStore::PolicyStore(std::string path, Metrics& metrics)
    : path_(std::move(path)), metrics_(metrics) {
  status_.source = path_.empty() ? "embedded" : path_;
}

bool PolicyStore::load() {
  if (path_.empty()) {
    auto policy = default_policy();
    if (!policy) {
      log_event(spdlog::level::err, "embedded policy failed to load");
      return false;
    }
    std::lock_guard lock(mu_);
    engine_ = std::make_shared<const Engine>(policy);
    status_.loaded = true;
    status_.hash = policy->hash;
    metrics_.policy_reload(true, policy->hash, status_.source);
    log_event(spdlog::level::info, "policy loaded", {{"source", "embedded"}, {"hash", policy->hash}});
    return true;
  }
  poll();
  return status().loaded;
}

void PolicyStore::poll() {
  if (path_.empty()) return;
  auto text = read_file(path_);
  if (!text) {
    std::lock_guard lock(mu_);
    std::string error = path_ + ": cannot read the policy file";
    if (status_.last_error != error) {
      status_.last_error = error;
      have_text_ = false;
      metrics_.policy_reload(false, {}, status_.source);
      log_event(spdlog::level::err, "policy reload failed, keeping the last good policy",
                {{"source", path_}, {"error", error}, {"hash", status_.hash}});
    }
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (have_text_ && *text == last_text_) return;
    last_text_ = *text;
    have_text_ = true;
  }
  try_load(*text);
}

void PolicyStore::try_load(const std::string& text) {
  PolicyLoad result = load_policy(text, path_);
  std::lock_guard lock(mu_);
  if (!result.policy) {
    status_.last_error = result.error.empty() ? "policy failed to load" : result.error;
    metrics_.policy_reload(false, {}, status_.source);
    log_event(spdlog::level::err,
              status_.loaded ? "policy reload failed, keeping the last good policy"
                             : "policy failed to load",
              {{"source", path_}, {"error", status_.last_error}, {"hash", status_.hash}});
    return;
  }
  engine_ = std::make_shared<const Engine>(result.policy);
  bool first = !status_.loaded;
  status_.loaded = true;
  status_.hash = result.policy->hash;
  status_.last_error.clear();
  metrics_.policy_reload(true, status_.hash, status_.source);
  log_event(spdlog::level::info, first ? "policy loaded" : "policy reloaded",
            {{"source", path_}, {"hash", status_.hash}});
}

std::shared_ptr<const Engine> PolicyStore::engine() const {
  std::lock_guard lock(mu_);
  return engine_;
}

PolicyStore::Status PolicyStore::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace haguard::webhook
