#include "tests/manifests/manifests_harness.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "manifest_io/manifest_io.h"

namespace haguard::manifests_test {

namespace fs = std::filesystem;

CommandResult run(const std::string& command, bool merge_stderr) {
  CommandResult r;
  std::string full = command + (merge_stderr ? " 2>&1" : "");
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return r;
  char buf[1 << 14];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool have(const std::string& program) {
  return run("command -v " + quote(program) + " >/dev/null").status == 0;
}

std::vector<json> parse_yaml_stream(const std::string& text) {
  haguard::ReadResult r = haguard::read_manifests(text, "rendered");
  if (!r.errors.empty()) return {};
  std::vector<json> out;
  for (auto& d : r.documents) out.push_back(std::move(d.object));
  return out;
}

namespace {

Render render(const std::string& dir) {
  Render r;
  CommandResult c = run("kubectl kustomize " + quote(dir), false);
  r.status = c.status;
  if (c.status == 0) {
    r.output = c.out;
    r.objects = parse_yaml_stream(c.out);
  } else {
    r.output = run("kubectl kustomize " + quote(dir)).out;  // again, for the error message
  }
  return r;
}

struct ScratchCleanup {
  std::string dir;
  ~ScratchCleanup() {
    std::error_code ec;
    if (!dir.empty() && !std::getenv("HAGUARD_KEEP_SCRATCH")) fs::remove_all(dir, ec);
  }
};

Renders make_renders() {
  static ScratchCleanup cleanup;
  Renders r;
  std::string tmpl = (fs::temp_directory_path() / "haguard-manifests-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return r;
  r.scratch = tmpl;
  cleanup.dir = tmpl;
  const fs::path root(r.scratch);
  // A copy, so the dev certificates and the Argo CD composition never touch the source tree.
  fs::copy(fs::path(HAGUARD_SOURCE_DIR) / "manifests", root / "manifests",
           fs::copy_options::recursive);
  fs::remove_all(root / "manifests" / "dev" / "certs");
  r.certs_dir = (root / "manifests" / "dev" / "certs").string();
  CommandResult certs = run(quote(std::string(HAGUARD_SOURCE_DIR) + "/certs/make-certs") +
                                " --out " + quote(r.certs_dir) + " haguard haguard",
                            false);
  r.certs_status = certs.status;
  r.certs_output = certs.out;

  // The Component on top of the corpus Argo CD install, as an operator would compose it.
  fs::create_directories(root / "argocd-install");
  fs::copy_file(fs::path(HAGUARD_CORPUS_DIR) / "argo-cd-namespace-install.yaml",
                root / "argocd-install" / "argo-cd-namespace-install.yaml");
  std::ofstream(root / "argocd-install" / "kustomization.yaml")
      << "apiVersion: kustomize.config.k8s.io/v1beta1\n"
         "kind: Kustomization\n"
         "namespace: argocd\n"
         "resources: [argo-cd-namespace-install.yaml]\n"
         "components: [../manifests/argocd]\n";

  return r;
}

}  // namespace

const Renders& renders() {
  static const Renders r = make_renders();
  return r;
}

const Render& base_render() {
  static const Render r = render(renders().scratch + "/manifests/base");
  return r;
}
const Render& cert_manager_render() {
  static const Render r = render(renders().scratch + "/manifests/cert-manager");
  return r;
}
const Render& dev_render() {
  static const Render r = render(renders().scratch + "/manifests/dev");
  return r;
}
const Render& argocd_render() {
  static const Render r = render(renders().scratch + "/argocd-install");
  return r;
}

std::vector<const json*> find_all(const std::vector<json>& objects, const std::string& kind,
                                  const std::string& name) {
  std::vector<const json*> out;
  for (const json& o : objects) {
    if (o.value("kind", "") != kind) continue;
    if (!name.empty() && o.value("/metadata/name"_json_pointer, std::string()) != name) continue;
    out.push_back(&o);
  }
  return out;
}

const json* find_one(const std::vector<json>& objects, const std::string& kind,
                     const std::string& name) {
  auto all = find_all(objects, kind, name);
  return all.size() == 1 ? all.front() : nullptr;
}

haguard::Labels labels_of(const json& metadata) {
  haguard::Labels out;
  if (metadata.contains("labels") && metadata["labels"].is_object())
    for (const auto& [k, v] : metadata["labels"].items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

bool is_dns1123_label(const std::string& s) {
  static const std::regex label("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return !s.empty() && s.size() <= 63 && std::regex_match(s, label);
}

}  // namespace haguard::manifests_test
