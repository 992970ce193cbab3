#pragma once
// `haguard readiness`: the DALP HA guide's go-live checklist, answered for each production
// namespace of a cluster dump. Each row of the checklist gets a status, the evidence found, what is
// missing and how to fix it; what only a person can test is asked of an attestation recorded on
// the namespace. Renderers are pure functions from the report to text.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace haguard::plugin {

/// A checklist row's verdict, from best to worst.
enum class RowStatus {
  ready,              ///< the evidence is there (seen in the cluster, or attested and fresh)
  needs_attestation,  ///< nothing wrong is seen, but a test only a person can run is not on record
  not_ready,          ///< something the cluster shows is wrong or missing
};

/// "ready", "needs-attestation", "not-ready": the JSON spelling.
std::string_view to_string(RowStatus s);
/// "ready", "needs attestation", "not ready": how people read it.
std::string_view status_label(RowStatus s);

/// One row of the checklist for one namespace.
struct ReadinessRow {
  ReadinessRow(std::string id_, std::string title_) : id(std::move(id_)), title(std::move(title_)) {}

  std::string id;     ///< "replica-posture", "postgresql", ...
  std::string title;  ///< "Replica posture"
  RowStatus status = RowStatus::ready;
  std::string owner;                  ///< the namespace's haguard.dalp.io/owner ("" when unset)
  std::vector<std::string> evidence;  ///< what was found, one fact per line
  std::vector<std::string> missing;   ///< what keeps the row from ready
  std::vector<std::string> fix;       ///< what to do about each missing item

  /// Lowers the status to `s` when `s` is worse.
  void worsen(RowStatus s) {
    if (static_cast<int>(s) > static_cast<int>(status)) status = s;
  }
};

/// The checklist of one namespace.
struct NamespaceReadiness {
  std::string name;
  std::string owner;
  std::vector<ReadinessRow> rows;
  /// The worst status of its rows.
  RowStatus status() const;
};

struct ReadinessReport {
  std::string environment;   ///< the environment judged ("production")
  std::string policy;        ///< the policy's metadata.name
  std::string generated_at;  ///< RFC 3339, UTC: the time the attestations were judged against
  std::string scope;         ///< how the namespaces were chosen, one sentence
  std::vector<std::string> inputs;      ///< every input read, by name
  std::vector<std::string> errors;      ///< input errors; any makes the run fail (exit 2)
  std::vector<NamespaceReadiness> namespaces;
};

/// 0 when every row of every namespace is ready, 1 when one is not ready or needs an
/// attestation, 2 on input errors or when no namespace is in scope.
int readiness_exit_code(const ReadinessReport& report);

std::string render_readiness_text(const ReadinessReport& report);
std::string render_readiness_markdown(const ReadinessReport& report);
std::string render_readiness_json(const ReadinessReport& report);
std::string render_readiness_html(const ReadinessReport& report);

}  // namespace haguard::plugin
