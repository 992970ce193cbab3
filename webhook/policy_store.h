#pragma once
// The policy in force: the embedded default or a file, reloaded when the file's content changes.
// A file that fails to load keeps the last good policy; the failure shows in logs, metrics and
// /readyz detail until a good file replaces it.

#include <memory>
#include <mutex>
#include <string>

#include "policies/engine.h"
#include "webhook/metrics.h"

namespace haguard::webhook {

class PolicyStore {
 public:
  /// `path` empty: the embedded default policy.
  PolicyStore(std::string path, Metrics& metrics);

  /// Loads the policy; false (error logged) when there is none to serve.
  bool load();
  /// Re-reads the file and swaps the policy when its content changed and loads cleanly.
  void poll();

  /// The engine over the policy in force: a snapshot that stays valid while held.
  std::shared_ptr<const Engine> engine() const;

  struct Status {
    bool loaded = false;
    std::string source;
    std::string hash;
    std::string last_error;  ///< of the latest load attempt; "" when it succeeded
  };
  Status status() const;

 private:
  void try_load(const std::string& text);

  std::string path_;
  Metrics& metrics_;
  mutable std::mutex mu_;
  std::shared_ptr<const Engine> engine_;
  std::string last_text_;
  bool have_text_ = false;
  Status status_;
};

}  // namespace haguard::webhook
