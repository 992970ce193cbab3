#pragma once
// The policy a command runs with: the file given with --policy, or the embedded default.

#include <memory>
#include <string>

#include "policies/policy.h"

namespace haguard::plugin {

/// The policy in `path`, or the embedded default when `path` is empty. nullptr after printing
/// "haguard: policy PATH: <why>" (unreadable) or the loader's "file:line:col: key: problem" to
/// stderr.
std::shared_ptr<const Policy> policy_from_file(const std::string& path);

}  // namespace haguard::plugin
