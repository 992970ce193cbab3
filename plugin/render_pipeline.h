#pragma once
// The render pipeline without the command line: policy choice, environment, evaluation, walk,
// namespace, fixes and set rules. `haguard render` is a thin shell over render().

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin/jsonnet_eval.h"
#include "plugin/render_inputs.h"
#include "policies/policy.h"

namespace haguard::plugin {

struct PolicyChoice {
  std::shared_ptr<const Policy> policy;
  std::string source;  ///< the file, or "embedded default"
  std::string error;
};

/// --policy, else HAGUARD_POLICY, else the embedded default. Never taken from the Application
/// (parameters, ARGOCD_ENV_*): the policy is the operator's.
PolicyChoice choose_policy(const std::optional<std::string>& flag, const Environ& env);

/// The environment to judge in: the asked one when the policy knows it (an unknown name is an
/// error: a typo must not fall back silently), else the policy's default. Writes it into the
/// `environment` ext var.
std::string resolve_render_environment(const Policy& policy, RenderSettings& settings,
                                       std::string& error);

struct RenderResult {
  std::vector<nlohmann::json> objects;  ///< what goes to stdout, in render order
  std::vector<std::string> errors;      ///< non-empty: exit non-zero, print these
  std::vector<std::string> warnings;
  std::vector<std::string> notes;       ///< fixes applied
};

RenderResult render(const RenderSettings& settings, const std::string& environment,
                    const Policy& policy, const JsonnetLimits& limits);

}  // namespace haguard::plugin
