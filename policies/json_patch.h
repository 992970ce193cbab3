#pragma once
// The RFC 6902 patch between two JSON documents.

#include <nlohmann/json.hpp>

namespace haguard {

using json = nlohmann::json;

/// The ops that turn `from` into `to`: the same ops, in the same order, as nlohmann's
/// `json::diff`, in one linear walk.
json json_diff(const json& from, const json& to);

}  // namespace haguard
