// The readiness report as JSON for pipelines; the schema is in docs/operators-guide.md
// ("Production readiness").

#include <nlohmann/json.hpp>

#include "plugin/readiness.h"

namespace haguard::plugin {

std::string render_readiness_json(const ReadinessReport& report) {
  using json = nlohmann::json;
  json namespaces = json::array();
  std::size_t counts[3] = {};
  for (const NamespaceReadiness& n : report.namespaces) {
    json rows = json::array();
    for (const ReadinessRow& r : n.rows) {
      ++counts[static_cast<int>(r.status)];
      rows.push_back({{"id", r.id},
                      {"title", r.title},
                      {"status", to_string(r.status)},
                      {"owner", r.owner},
                      {"evidence", r.evidence},
                      {"missing", r.missing},
                      {"fix", r.fix}});
    }
    namespaces.push_back(
        {{"name", n.name}, {"owner", n.owner}, {"status", to_string(n.status())}, {"rows", rows}});
  }
  const json out = {
      {"apiVersion", "haguard.dalp.io/v1alpha1"},
      {"kind", "ReadinessReport"},
      {"environment", report.environment},
      {"policy", report.policy},
      {"generatedAt", report.generated_at},
      {"scope", report.scope},
      {"inputs", report.inputs},
      {"errors", report.errors},
      {"ready", readiness_exit_code(report) == 0},
      {"summary", {{"ready", counts[0]}, {"needsAttestation", counts[1]}, {"notReady", counts[2]}}},
      {"namespaces", namespaces},
  };
  // Replacement of invalid UTF-8: a dump's strings reach the report as they were read.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace haguard::plugin
