// `haguard check [-e ENV] [-p POLICY] [-o text|json|sarif|junit] [--fix] FILE|DIR|- ...`
// Reads manifests, decides each object's environment (Namespace labels, then -e, then the
// policy's default), evaluates every object and the set rules over all of them, and reports.
// With --fix, the fixed manifests go to stdout as a YAML stream and the report to stderr.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugin/command.h"
#include "plugin/manifest_io.h"
#include "plugin/report.h"
#include "policies/engine.h"
#include "policies/policy.h"
#include "policies/workload.h"

namespace haguard::plugin {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Report helpers shared by the renderers

std::string ObjectResult::display() const {
  std::string out = kind.empty() ? "(no kind)" : kind;
  out += ' ';
  if (!namespace_.empty()) out += namespace_ + '/';
  out += name.empty() ? "(unnamed)" : name;
  return out;
}

bool reportable(const Finding& f) {
  if (f.outcome == Outcome::pass) return false;
  if (f.outcome == Outcome::skip) return !f.exemption.empty();
  return true;
}

void summarize(CheckReport& report) {
  Summary s;
  s.files = report.files.size();
  s.objects = report.objects.size();
  s.input_errors = report.errors.size();
  for (const ObjectResult& o : report.objects) {
    if (o.workload) ++s.workloads;
    if (!o.fixed.empty()) ++s.fixed;
    for (const Finding& f : o.findings) {
      ++s.outcomes[static_cast<std::size_t>(f.outcome)];
      if (is_blocking(f))
        ++s.blocking;
      else if (is_warning(f))
        ++s.warnings;
      else if (is_audit_only(f))
        ++s.audit;
      if (f.outcome == Outcome::skip && !f.exemption.empty()) ++s.exemptions;
    }
  }
  report.summary = s;
}

int exit_code(const CheckReport& report) {
  if (!report.errors.empty()) return 2;
  for (const ObjectResult& o : report.objects)
    for (const Finding& f : o.findings)
      if (is_blocking(f)) return 1;
  return 0;
}

std::string describe_error(const ManifestError& e) {
  if (e.line == 0) return e.file + ": " + e.message;
  return e.describe();
}

namespace {

// ---------------------------------------------------------------------------------------------
// Inputs

struct CheckOptions {
  std::string environment;
  std::string policy_file;
  std::string format = "text";
  bool fix = false;
  std::vector<std::string> inputs;
};

/// Reads a whole file (or stdin for "-"); false with `error` set when it cannot.
bool read_all(const std::string& path, std::string& text, std::string& error) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  bool failed = std::ferror(f);
  if (f != stdin) std::fclose(f);
  if (failed) error = "read error";
  return !failed;
}

bool is_manifest_file(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

/// Expands the command-line inputs: "-" and files as given, directories walked recursively
/// (manifest extensions only, sorted). Problems become errors with line 0.
std::vector<std::string> expand_inputs(const std::vector<std::string>& args,
                                       std::vector<ManifestError>& errors) {
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (arg == "-" || !fs::is_directory(arg, ec)) {
      files.push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_regular_file(type_ec) && is_manifest_file(it->path()))
        found.push_back(it->path().generic_string());
    }
    if (ec) errors.push_back(ManifestError{arg, 0, 0, "cannot walk directory: " + ec.message()});
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

std::string string_at(const json& object, const char* pointer) {
  const json::json_pointer ptr(pointer);
  if (!object.contains(ptr)) return {};
  const json& v = object.at(ptr);
  return v.is_string() ? v.get<std::string>() : std::string();
}

/// Namespace name -> environment, from Namespace objects carrying the environment label.
std::map<std::string, std::string> namespace_environments(const std::vector<Document>& docs) {
  std::map<std::string, std::string> out;
  const std::string label_ptr = "/metadata/labels/" + pointer_token(kEnvironmentLabel);
  for (const Document& d : docs) {
    if (string_at(d.object, "/kind") != "Namespace") continue;
    std::string env = string_at(d.object, label_ptr.c_str());
    std::string name = string_at(d.object, "/metadata/name");
    if (!env.empty() && !name.empty()) out[name] = env;
  }
  return out;
}

bool known_environment(const Policy& policy, const std::string& env) {
  return policy.environments.empty() || env == policy.default_environment ||
         std::find(policy.environments.begin(), policy.environments.end(), env) !=
             policy.environments.end();
}

/// Evaluates (or fixes) every document; `fixed` receives the fixed objects in --fix mode.
void evaluate_all(const Engine& engine, const std::vector<Document>& docs,
                  const std::vector<std::string>& requested_env, bool fix, CheckReport& report,
                  std::vector<json>& fixed) {
  std::vector<const json*> originals;
  originals.reserve(docs.size());
  for (const Document& d : docs) originals.push_back(&d.object);
  const ObjectSet set(originals);
  const auto now = std::chrono::system_clock::now();

  std::vector<std::string> environments;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const json& object = docs[i].object;
    EvalContext ctx;
    ctx.environment = requested_env[i];
    ctx.now = now;
    ctx.set = &set;
    ObjectResult r;
    r.document = &docs[i];
    r.kind = string_at(object, "/kind");
    r.namespace_ = string_at(object, "/metadata/namespace");
    r.name = string_at(object, "/metadata/name");
    Evaluation eval;
    try {  // the engine returns errors as values; this only guards the report against a bug
      if (fix) {
        FixResult fr = engine.fix(object, ctx);
        eval = std::move(fr.evaluation);
        r.fixed = std::move(fr.rules);
        fixed.push_back(std::move(fr.object));
      } else {
        eval = engine.evaluate(object, ctx);
      }
    } catch (const std::exception& e) {
      report.errors.push_back(ManifestError{docs[i].file, docs[i].index, docs[i].line,
                                            std::string("cannot evaluate: ") + e.what()});
      if (fix && fixed.size() == i) fixed.push_back(object);
    }
    r.workload = !eval.kind.empty();
    r.environment = eval.environment.empty() ? engine.policy().resolve_environment(requested_env[i])
                                             : eval.environment;
    r.findings = std::move(eval.findings);
    environments.push_back(r.environment);
    report.objects.push_back(std::move(r));
  }

  // Set rules see the objects as they will be applied: fixed in --fix mode.
  std::vector<const json*> final_objects = originals;
  if (fix)
    for (std::size_t i = 0; i < fixed.size(); ++i) final_objects[i] = &fixed[i];
  const ObjectSet final_set(final_objects);
  try {
    for (auto& [index, finding] : engine.evaluate_set(final_set, environments, now))
      if (index < report.objects.size())
        report.objects[index].findings.push_back(std::move(finding));
  } catch (const std::exception& e) {
    report.errors.push_back(
        ManifestError{"(set rules)", 0, 0, std::string("cannot evaluate: ") + e.what()});
  }
}

std::string render(const CheckReport& report, const std::string& format) {
  if (format == "json") return render_json(report);
  if (format == "sarif") return render_sarif(report);
  if (format == "junit") return render_junit(report);
  return render_text(report);
}

void write_out(std::FILE* f, const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), f);
  std::fflush(f);
}

int run_check(const CheckOptions& opt) {
  // Policy.
  std::shared_ptr<const Policy> policy;
  if (opt.policy_file.empty()) {
    policy = default_policy();
  } else {
    std::string text, error;
    if (!read_all(opt.policy_file, text, error)) {
      std::fprintf(stderr, "haguard: policy %s: %s\n", opt.policy_file.c_str(), error.c_str());
      return 2;
    }
    PolicyLoad load = load_policy(text, opt.policy_file);
    if (!load.policy) {
      std::fprintf(stderr, "haguard: %s\n", load.error.c_str());
      return 2;
    }
    policy = load.policy;
  }
  if (!policy) {
    std::fprintf(stderr, "haguard: no policy\n");
    return 2;
  }
  if (!opt.environment.empty() && !known_environment(*policy, opt.environment)) {
    std::string known;
    for (const auto& e : policy->environments) known += (known.empty() ? "" : ", ") + e;
    std::fprintf(stderr, "haguard: unknown environment \"%s\" (the policy knows: %s)\n",
                 opt.environment.c_str(), known.c_str());
    return 2;
  }
  const Engine engine(policy);

  // Inputs.
  CheckReport report;
  report.fix_mode = opt.fix;
  std::vector<Document> docs;
  report.files = expand_inputs(opt.inputs, report.errors);
  for (const std::string& file : report.files) {
    std::string text, error;
    if (!read_all(file, text, error)) {
      report.errors.push_back(ManifestError{file, 0, 0, error});
      continue;
    }
    ReadResult r = read_manifests(text, file);
    std::move(r.documents.begin(), r.documents.end(), std::back_inserter(docs));
    std::move(r.errors.begin(), r.errors.end(), std::back_inserter(report.errors));
  }

  // Environments: the namespace's label, else -e, else the policy's default.
  const auto ns_env = namespace_environments(docs);
  for (const auto& [ns, env] : ns_env)
    if (!known_environment(*policy, env))
      std::fprintf(stderr, "haguard: namespace %s: unknown environment \"%s\", using \"%s\"\n",
                   ns.c_str(), env.c_str(), policy->resolve_environment(env).c_str());
  const std::string fallback =
      opt.environment.empty() ? policy->default_environment : opt.environment;
  std::vector<std::string> requested;
  requested.reserve(docs.size());
  for (const Document& d : docs) {
    auto it = ns_env.find(string_at(d.object, "/metadata/namespace"));
    requested.push_back(it != ns_env.end() ? it->second : fallback);
  }

  std::vector<json> fixed;
  evaluate_all(engine, docs, requested, opt.fix, report, fixed);
  summarize(report);

  if (opt.fix) {
    write_out(stdout, write_yaml_stream(fixed));
    write_out(stderr, render(report, opt.format));
  } else {
    write_out(stdout, render(report, opt.format));
  }
  return exit_code(report);
}

}  // namespace

std::function<int()> setup_check(CLI::App& app) {
  auto opt = std::make_shared<CheckOptions>();
  app.add_option("-e,--environment", opt->environment,
                 "Environment for objects whose namespace has no haguard.dalp.io/environment "
                 "label (default: the policy's default)");
  app.add_option("-p,--policy", opt->policy_file, "HAPolicy file (default: the embedded policy)");
  app.add_option("-o,--output", opt->format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));
  app.add_flag("--fix", opt->fix,
               "Write the fixed manifests to stdout as a YAML stream; the report goes to stderr");
  app.add_option("inputs", opt->inputs, "Manifest files, directories (walked recursively), or -")
      ->required();
  app.footer(
      "Exit status: 0 when nothing enforced fails, 1 when something does, 2 on usage or input "
      "errors.\nWith --fix, the report and the exit status are those of the fixed manifests.");
  return [opt] { return run_check(*opt); };
}

}  // namespace haguard::plugin
