#pragma once
// What `haguard check` found, and the four ways it is written out: text for people, JSON for
// scripts, SARIF 2.1.0 for code scanning, JUnit XML for CI dashboards. Renderers are pure
// functions from the report to text.

#include <array>
#include <string>
#include <vector>

#include "manifest_io/manifest_io.h"
#include "plugin/source_location.h"
#include "policies/engine.h"

namespace haguard::plugin {

/// One object of the input and what the engine said about it.
struct ObjectResult {
  const Document* document = nullptr;  ///< where it came from (file, index, line)
  std::string api_version;             ///< from the object itself, workload or not
  std::string kind;
  std::string namespace_;
  std::string name;               ///< metadata.name, else metadata.generateName
  std::string environment;        ///< resolved against the policy
  bool workload = false;          ///< the engine evaluated it
  std::vector<Finding> findings;  ///< every finding, pass and skip included
  /// Where each finding's path is in the source (same order as findings); filled for reportable
  /// findings, the others are at the object's line.
  std::vector<SourcePosition> positions;
  std::vector<std::string> fixed;  ///< --fix: ids of the rules whose fix was applied

  /// "Deployment ns/name" (namespace omitted when empty, name "(unnamed)" when absent).
  std::string display() const;
};

struct Summary {
  std::size_t files = 0;
  std::size_t objects = 0;
  std::size_t workloads = 0;
  std::array<std::size_t, 5> outcomes{};  ///< every finding, indexed by Outcome
  std::size_t blocking = 0;               ///< is_blocking
  std::size_t warnings = 0;               ///< is_warning
  std::size_t audit = 0;                  ///< is_audit_only
  std::size_t exemptions = 0;             ///< findings skipped by an exemption
  std::size_t fixed = 0;                  ///< --fix: objects changed
  std::size_t input_errors = 0;
};

struct CheckReport {
  std::string root;                   ///< absolute directory that relative file names start from
  std::vector<std::string> files;     ///< every input read, by name, in order ("-" for stdin)
  std::vector<ObjectResult> objects;  ///< in input order
  std::vector<ManifestError> errors;  ///< unreadable inputs (line 0) and malformed documents
  bool fix_mode = false;
  Summary summary;
};

/// Whether a finding is worth showing: everything but passes and plain skips (not applicable,
/// rule off). Skips caused by an exemption are shown, so every exemption used is visible.
bool reportable(const Finding& f);

/// Counts findings and objects into report.summary.
void summarize(CheckReport& report);

/// The exit code the report calls for: 2 on input errors, 1 when a finding blocks, else 0.
int exit_code(const CheckReport& report);

/// "<file>: document <i> (line <l>): <message>", or "<file>: <message>" for unreadable inputs.
std::string describe_error(const ManifestError& e);

/// `s` safe to print on a terminal: control characters (C0, DEL, C1), Unicode line separators and
/// bidirectional controls, and bytes that are not UTF-8 are written as escapes ("\n", "\x1B",
/// "\u{202E}"), so a manifest cannot move the cursor, recolour or reorder what a person reads.
std::string terminal_safe(std::string_view s);

std::string render_text(const CheckReport& report);
std::string render_json(const CheckReport& report);
std::string render_sarif(const CheckReport& report);
std::string render_junit(const CheckReport& report);

}  // namespace haguard::plugin
