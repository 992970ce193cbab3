// `haguard check [-e ENV] [-p POLICY] [-o text|json|sarif|junit] [--fix] FILE|DIR|- ...`
// Reads manifests, decides each object's environment (Namespace labels, then -e, then the
// policy's default), evaluates every object and the set rules over all of them, and reports.
// With --fix, the fixed manifests go to stdout as a YAML stream and the report to stderr. Input
// errors are printed on stderr whatever the format, and are part of every report too.

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

#include "common/file_reading.h"
#include "manifest_io/manifest_io.h"
#include "plugin/check_inputs.h"
#include "plugin/policy_file.h"
#include "plugin/command.h"
#include "plugin/report.h"
#include "plugin/source_location.h"
#include "policies/engine.h"
#include "policies/policy.h"
#include "policies/workload.h"

namespace haguard::plugin {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Report helpers shared by the renderers

std::string ObjectResult::display() const { return display_name(kind, namespace_, name); }

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
  if (e.column == 0) return e.describe();
  return e.file + ": document " + std::to_string(e.index) + " (line " + std::to_string(e.line) +
         ", column " + std::to_string(e.column) + "): " + e.message;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Inputs

struct CheckOptions {
  std::string environment;
  std::string policy_file;
  std::string format = "text";
  std::string root;  ///< report file names relative to it ("": the working directory)
  bool fix = false;
  bool allow_empty = false;
  std::vector<std::string> inputs;
};

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
    r.api_version = string_at(object, "/apiVersion");
    r.kind = string_at(object, "/kind");
    r.namespace_ = string_at(object, "/metadata/namespace");
    r.name = string_at(object, "/metadata/name");
    if (r.name.empty()) r.name = string_at(object, "/metadata/generateName");
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

/// The documents of every input, and which input each came from.
struct ReadInputs {
  std::vector<Document> docs;
  std::vector<std::size_t> doc_file;  ///< index into CheckInputs::files of each document
};

/// Reads every input's documents into `report` (file names, errors). An argument that yields no
/// object is an input error unless `allow_empty`: `helm template ... | haguard check -` must not
/// pass when helm printed nothing. An input that failed to read or parse already has an error.
ReadInputs read_documents(const CheckInputs& inputs, bool allow_empty, CheckReport& report) {
  ReadInputs out;
  std::vector<bool> has_objects(inputs.files.size()), failed(inputs.files.size());
  for (std::size_t i = 0; i < inputs.files.size(); ++i) {
    const InputFile& file = inputs.files[i];
    report.files.push_back(file.name);
    ReadResult r = read_manifests(file.text, file.name);
    has_objects[i] = !r.documents.empty();
    failed[i] = file.unreadable || !r.errors.empty();
    out.doc_file.insert(out.doc_file.end(), r.documents.size(), i);
    std::move(r.documents.begin(), r.documents.end(), std::back_inserter(out.docs));
    std::move(r.errors.begin(), r.errors.end(), std::back_inserter(report.errors));
  }
  if (allow_empty) return out;
  for (std::size_t a = 0; a < inputs.arguments.size(); ++a) {
    const std::vector<std::size_t>& files = inputs.argument_files[a];
    if (std::any_of(files.begin(), files.end(),
                    [&](std::size_t f) { return has_objects[f] || failed[f]; }))
      continue;
    const std::string& name = inputs.arguments[a];
    std::string what = files.empty() ? "no manifest file (.yaml, .yml, .json) in this directory"
                       : name == kStdinName ? "no object on standard input"
                                            : "no object in this input";
    report.errors.push_back(
        ManifestError{name, 0, 0, what + " (empty input; pass --allow-empty if that is expected)"});
  }
  return out;
}

/// Fills each object's finding positions: one parse per document that has reportable findings.
void locate_findings(const CheckInputs& inputs, const std::vector<std::size_t>& doc_file,
                     CheckReport& report) {
  struct Target {
    std::size_t object, finding;
  };
  std::vector<std::vector<LocateQuery>> queries(inputs.files.size());
  std::vector<std::vector<Target>> targets(inputs.files.size());
  for (std::size_t i = 0; i < report.objects.size(); ++i) {
    ObjectResult& o = report.objects[i];
    o.positions.assign(o.findings.size(), SourcePosition{o.document->line, 0});
    for (std::size_t j = 0; j < o.findings.size(); ++j) {
      if (!reportable(o.findings[j])) continue;
      const std::size_t file = doc_file[i];
      queries[file].push_back(LocateQuery{o.document, o.findings[j].path});
      targets[file].push_back(Target{i, j});
    }
  }
  for (std::size_t f = 0; f < inputs.files.size(); ++f) {
    if (queries[f].empty()) continue;
    const std::vector<SourcePosition> found = locate(inputs.files[f].text, queries[f]);
    for (std::size_t k = 0; k < found.size(); ++k)
      report.objects[targets[f][k].object].positions[targets[f][k].finding] = found[k];
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
  const std::shared_ptr<const Policy> policy = policy_from_file(opt.policy_file);
  if (!policy) return 2;
  if (!opt.environment.empty() && !policy->knows_environment(opt.environment)) {
    std::fprintf(stderr, "haguard: %s\n", policy->unknown_environment(opt.environment).c_str());
    return 2;
  }
  const Engine engine(policy);

  // Inputs.
  CheckReport report;
  report.fix_mode = opt.fix;
  const InputNamer namer(opt.root.empty() ? fs::current_path() : fs::path(opt.root));
  report.root = namer.root().generic_string();
  CheckInputs inputs = expand_inputs(opt.inputs, namer);
  read_inputs(inputs);
  report.errors = std::move(inputs.errors);
  const auto [docs, doc_file] = read_documents(inputs, opt.allow_empty, report);

  // Environments: the namespace's label, else -e, else the policy's default.
  const auto ns_env = namespace_environments(docs);
  for (const auto& [ns, env] : ns_env)
    if (!policy->knows_environment(env))
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
  locate_findings(inputs, doc_file, report);
  summarize(report);

  for (const ManifestError& e : report.errors)
    std::fprintf(stderr, "haguard: %s\n", terminal_safe(describe_error(e)).c_str());

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
  app.add_option("--root,--sarif-root", opt->root,
                 "Directory that file names in reports are relative to (default: the working "
                 "directory); files outside it keep their absolute path")
      ->check(CLI::ExistingDirectory);
  app.add_flag("--allow-empty", opt->allow_empty,
               "Accept an input (file, directory or -) that holds no object; by default it is an "
               "input error (exit 2)");
  app.add_flag("--fix", opt->fix,
               "Write the fixed manifests to stdout as a YAML stream; the report goes to stderr");
  app.add_option("inputs", opt->inputs, "Manifest files, directories (walked recursively), or -")
      ->required();
  app.footer(
      "Exit status: 0 when nothing enforced fails, 1 when something does, 2 on usage or input "
      "errors (an unreadable or malformed input, or one with no object).\nStandard input is "
      "named - in every report. With --fix, the report and the exit status are those of the "
      "fixed manifests.");
  return [opt] { return run_check(*opt); };
}

}  // namespace haguard::plugin
