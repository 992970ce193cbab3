#pragma once
// Durations as Go's time.ParseDuration reads them: what Kubernetes and Argo CD users write
// ("720h", "1h30m", "1.5h", "500ms") and what kube-apiserver sends in `?timeout=`.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace haguard {

/// The duration `s` spells in Go's grammar: an optional sign, then one or more decimal numbers
/// (a fraction allowed) each followed by a unit (ns, us, µs, μs, ms, s, m, h); "0" alone needs no
/// unit. nullopt when `s` is not one, or is out of int64 nanoseconds' range, with `*why` (when
/// given) saying what is wrong.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s,
                                                          std::string* why = nullptr);

}  // namespace haguard
