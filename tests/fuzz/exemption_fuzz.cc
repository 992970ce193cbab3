// Fuzz target: the exemption annotations (policies/exemption.h). The whole input goes through
// parse_rfc3339; then its lines are the annotation values: line 1 haguard.dalp.io/exempt, line 2
// exempt-reason, line 3 exempt-until (a missing line: the annotation is absent), judged by
// read_exemption against the default policy and a lenient copy of it (no reason or expiry
// required, no longest window), in a couple of environments. An exemption reported valid must
// name what it covers; one that is void must say why.

#include <chrono>

#include "fuzz_check.h"
#include "policies/engine.h"
#include "policies/exemption.h"

namespace {

using namespace std::chrono_literals;

const haguard::Policy& lenient() {
  static const haguard::Policy p = [] {
    haguard::Policy copy = *haguard::default_policy();
    copy.exemptions.require_reason = false;
    copy.exemptions.require_expiry = false;
    copy.exemptions.max_duration = 0s;
    return copy;
  }();
  return p;
}

void judge(const haguard::Labels& annotations, const haguard::Policy& policy,
           std::chrono::system_clock::time_point now) {
  haguard::Exemption e = haguard::read_exemption(annotations, policy, now);
  FUZZ_CHECK(e.requested == annotations.contains(haguard::kExemptAnnotation), e.problem);
  if (!e.requested) return;
  FUZZ_CHECK(e.valid == e.problem.empty(), e.problem);
  if (e.valid) FUZZ_CHECK(e.all_rules || !e.rules.empty(), "a valid exemption covers something");
  for (std::string_view id : {"min-replicas", "probes", "no-bundled-stateful-services", ""})
    (void)e.covers(id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = haguard::fuzz::as_text(data, size);
  (void)haguard::parse_rfc3339(text);

  std::string_view keys[] = {haguard::kExemptAnnotation, haguard::kExemptReasonAnnotation,
                             haguard::kExemptUntilAnnotation};
  haguard::Labels annotations;
  std::string_view rest = text;
  for (std::size_t i = 0; i < 3 && rest.data() != nullptr; ++i) {
    std::size_t nl = rest.find('\n');
    annotations.emplace(std::string(keys[i]), std::string(rest.substr(0, nl)));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  if (auto until = annotations.find(haguard::kExemptUntilAnnotation); until != annotations.end())
    (void)haguard::parse_rfc3339(until->second);

  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
  judge(annotations, *haguard::default_policy(), now);
  judge(annotations, lenient(), now);
  judge(annotations, lenient(), std::chrono::system_clock::time_point{});
  (void)haguard::exemption_changed(annotations, nullptr);
  const haguard::Labels none;
  (void)haguard::exemption_changed(annotations, &none);
  return 0;
}
