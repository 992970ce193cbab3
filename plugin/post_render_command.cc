// `haguard post-render`: Helm's post-renderer. Helm 3 runs it as
//   helm install ... --post-renderer haguard --post-renderer-args post-render [--post-renderer-args -e=production]
// and Helm 4 through the postrenderer/v1 plugin in plugin/helm-postrenderer. Contract: every
// manifest on stdin, the fixed stream on stdout, the report on stderr, a non-zero exit when an
// enforced rule fails (Helm stops the install; stdout stays empty then). Input that holds no object
// (comments only) is written back unchanged: Helm 4 refuses an empty post-render of a non-empty
// render.

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>

#include "plugin/command.h"
#include "manifest_io/manifest_io.h"
#include "plugin/render_inputs.h"
#include "plugin/render_output.h"
#include "plugin/render_pipeline.h"
#include "policies/engine.h"

namespace haguard::plugin {
namespace {

struct PostRenderOptions {
  std::optional<std::string> environment, policy, report;
};

/// The report: to stderr, and to the --report file when one is named. Helm 4.3 keeps a plugin's
/// stderr to itself (runtime_subprocess.go buffers it and logs it nowhere a user sees), so the
/// file is how a Helm 4 user reads why an install stopped.
class Report {
 public:
  explicit Report(const std::optional<std::string>& file)
      : file_(file ? std::fopen(file->c_str(), "w") : nullptr) {}
  ~Report() {
    if (file_) std::fclose(file_);
  }
  Report(const Report&) = delete;
  Report& operator=(const Report&) = delete;
  bool writes_file() const { return file_ != nullptr; }
  void line(const std::string& text) {
    std::fprintf(stderr, "%s\n", text.c_str());
    if (file_) std::fprintf(file_, "%s\n", text.c_str());
  }
  int fail(const std::string& message) {
    line("haguard post-render: " + message);
    return 1;
  }

 private:
  std::FILE* file_;
};

/// The template helm rendered a document from, by the `# Source: <chart>/templates/<file>` comment
/// helm writes first in it; "" when there is none.
std::string helm_source(std::string_view text, const Document& d) {
  if (d.source.begin >= text.size()) return {};
  std::string_view doc = text.substr(d.source.begin, d.source.end - d.source.begin);
  std::size_t start = doc.find_first_not_of(" \t\r\n");
  constexpr std::string_view kSource = "# Source: ";
  if (start == std::string_view::npos || doc.substr(start, kSource.size()) != kSource) return {};
  std::string_view rest = doc.substr(start + kSource.size());
  return std::string(rest.substr(0, rest.find_first_of("\r\n")));
}

int run_post_render(const PostRenderOptions& o) {
  Report report_out(o.report);
  auto fail = [&](const std::string& m) { return report_out.fail(m); };
  if (o.report && !report_out.writes_file()) return fail("cannot write the report file " + *o.report);
  Environ env = current_environ();
  PolicyChoice policy = choose_policy(o.policy, env);
  if (!policy.error.empty()) return fail(policy.error);
  std::string environment = o.environment.value_or("");
  if (environment.empty())
    if (auto it = env.find("HAGUARD_ENVIRONMENT"); it != env.end()) environment = it->second;
  const Policy& p = *policy.policy;
  if (environment.empty()) environment = p.default_environment;
  if (std::find(p.environments.begin(), p.environments.end(), environment) == p.environments.end())
    return fail("environment \"" + environment + "\" is not one the policy (" + policy.source +
                ") knows");

  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return fail("cannot read the manifests on stdin");
  ReadResult read = read_manifests(text, "helm's manifests");
  if (!read.errors.empty()) {
    for (const auto& e : read.errors) report_out.line("haguard post-render: " + e.describe());
    return 1;
  }
  if (read.documents.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  std::vector<RenderedObject> objects;
  for (auto& d : read.documents) {
    std::string where = helm_source(text, d);
    if (where.empty())
      where = "document " + std::to_string(d.index + 1) + " (line " + std::to_string(d.line) + ")";
    objects.push_back({std::move(d.object), where, ""});
  }
  assign_environments(objects, environment);
  Engine engine(policy.policy);
  PolicyReport report = apply_policy(engine, objects);
  for (const auto& f : report.fixed) report_out.line("haguard: fixed " + f);
  for (const auto& w : report.warnings) report_out.line("haguard: warning: " + w);
  if (!report.blocking.empty()) {
    report_out.line("haguard post-render: the HA policy blocks this release (environment " +
                    environment + "):");
    for (const auto& b : report.blocking) report_out.line("  " + b);
    return 1;
  }
  annotate_warnings(report, objects);
  std::vector<json> out;
  for (auto& object : objects) out.push_back(std::move(object.object));
  std::string stream = write_yaml_stream(out);
  std::fwrite(stream.data(), 1, stream.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

std::function<int()> setup_post_render(CLI::App& app) {
  auto o = std::make_shared<PostRenderOptions>();
  app.add_option("-e,--environment", o->environment,
                 "Policy environment (default: HAGUARD_ENVIRONMENT, else the policy's default)");
  app.add_option("--policy", o->policy,
                 "HAPolicy file (default: HAGUARD_POLICY, else the embedded default policy)");
  app.add_option("--report", o->report,
                 "Also write the report to this file (Helm 4 does not show a plugin's stderr)")
      ->envname("HAGUARD_REPORT");
  return [o] { return run_post_render(*o); };
}

}  // namespace haguard::plugin
