#pragma once
// Shared by the manifests tests: run a command, render the kustomize overlays once into a scratch
// copy of manifests/ (with dev certificates from certs/make-certs and the Argo CD composition), and
// find objects in the rendered streams.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policies/workload.h"
#include "tests/support/files.h"

namespace haguard::manifests_test {

using json = nlohmann::json;

struct CommandResult {
  int status = -1;  ///< exit status, or -1 when the command did not exit normally
  std::string out;  ///< stdout (stderr too when asked)
};

/// Runs `command` with /bin/sh; stderr is appended to `out` when `merge_stderr`.
CommandResult run(const std::string& command, bool merge_stderr = true);

/// Single-quotes `s` for /bin/sh.
std::string quote(const std::string& s);

using haguard::test::read_file;  // tests/support/files.h

/// Whether `program` is on PATH.
bool have(const std::string& program);

struct Render {
  int status = -1;
  std::string output;          ///< kubectl kustomize stdout + stderr
  std::vector<json> objects;   ///< parsed output (empty on failure)
};

/// The scratch copy of manifests/, made once per test binary and removed at exit, with the dev
/// certificates and the Argo CD composition in place.
struct Renders {
  std::string scratch;      ///< copy root: scratch/manifests, scratch/argocd-install
  std::string certs_dir;    ///< scratch/manifests/dev/certs (ca.crt, tls.crt, tls.key)
  std::string certs_output; ///< what certs/make-certs printed (the caBundle on stdout)
  int certs_status = -1;
};
const Renders& renders();

/// `kubectl kustomize` of each overlay, run on first use and kept (kubectl must be on PATH; the
/// tests skip otherwise).
const Render& base_render();
const Render& cert_manager_render();
const Render& dev_render();
const Render& argocd_render();  ///< the Component on the corpus Argo CD install

/// Objects of `kind` (and `name`, when not empty) in `objects`.
std::vector<const json*> find_all(const std::vector<json>& objects, const std::string& kind,
                                  const std::string& name = {});
/// The single object of `kind`/`name`; nullptr when there is none or more than one.
const json* find_one(const std::vector<json>& objects, const std::string& kind,
                     const std::string& name = {});

/// Parses a YAML stream (via the plugin's manifest reader); empty on error.
std::vector<json> parse_yaml_stream(const std::string& text);

/// Labels of a metadata-like object (`{labels: {...}}`) as a string map.
haguard::Labels labels_of(const json& metadata);

/// Whether `s` is a DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool is_dns1123_label(const std::string& s);

}  // namespace haguard::manifests_test
