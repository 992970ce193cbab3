// `haguard readiness [-e ENV] [-n NS]... [-p POLICY] [-o text|json|markdown|html] INPUT...`
// Reads a cluster dump (the inputs `check` reads: files, directories, -), sorts its objects by
// what the checklist asks of them, evaluates the namespace's workloads with the engine, and
// answers the DALP HA guide's go-live checklist for each namespace in scope.

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "plugin/check_inputs.h"
#include "plugin/command.h"
#include "common/file_reading.h"
#include "manifest_io/manifest_io.h"
#include "plugin/policy_file.h"
#include "plugin/readiness_rows.h"
#include "plugin/report.h"
#include "policies/engine.h"
#include "policies/exemption.h"
#include "policies/workload.h"

namespace haguard::plugin {

namespace {

namespace fs = std::filesystem;

struct ReadinessOptions {
  std::string environment = "production";
  std::vector<std::string> namespaces;
  std::string policy_file;
  std::string format = "text";
  std::string now;  ///< RFC 3339; "" for the clock
  std::vector<std::string> inputs;
};

std::string api_group(const json& object) {
  const std::string v = string_at(object, "/apiVersion");
  const auto slash = v.find('/');
  return slash == std::string::npos ? std::string() : v.substr(0, slash);
}

/// Where each object of the dump goes; objects in no list are judged as workloads if the engine
/// takes them (the engine skips what is not one).
void sort_objects(const std::vector<Document>& docs, ClusterFacts& facts) {
  for (const Document& d : docs) {
    const json& o = d.object;
    const std::string kind = string_at(o, "/kind"), group = api_group(o);
    if (kind == "Node" && group.empty()) facts.nodes.push_back(&o);
    else if (kind == "Namespace" && group.empty()) facts.namespaces[string_at(o, "/metadata/name")] = &o;
    else if (kind == "Schedule" && group == "velero.io") facts.velero_schedules.push_back(&o);
    else if (kind == "Application" && group == "argoproj.io") facts.argocd_applications.push_back(&o);
    else if (kind == "PrometheusRule" && group == "monitoring.coreos.com") facts.prometheus_rules.push_back(&o);
  }
}

/// The namespaces to judge, and a sentence saying how they were chosen.
std::vector<std::string> choose_namespaces(const ReadinessOptions& opt, const Policy& policy,
                                           const std::vector<Document>& docs,
                                           const ClusterFacts& facts, std::string& scope) {
  if (!opt.namespaces.empty()) {
    scope = "namespaces named on the command line";
    std::set<std::string> unique(opt.namespaces.begin(), opt.namespaces.end());
    return {unique.begin(), unique.end()};
  }
  const std::string label_ptr = "/metadata/labels/" + pointer_token(kEnvironmentLabel);
  std::vector<std::string> out;
  for (const auto& [name, ns] : facts.namespaces)
    if (string_at(*ns, label_ptr) == opt.environment && !policy.namespace_exempt(name))
      out.push_back(name);
  if (!out.empty()) {
    scope = "namespaces labelled " + std::string(kEnvironmentLabel) + "=" + opt.environment;
    return out;
  }
  std::set<std::string> found;
  for (const Document& d : docs) {
    const auto w = Workload::of(JsonNode(d.object));
    if (!w || policy.namespace_exempt(w->namespace_()) || w->namespace_().empty()) continue;
    for (const auto& [name, selector] : policy.workloads)
      if (selector.matches(*w)) found.insert(w->namespace_());
  }
  scope = "no namespace is labelled " + std::string(kEnvironmentLabel) + "=" + opt.environment +
          ": namespaces that run a workload the policy names (the dApp)";
  return {found.begin(), found.end()};
}

/// Evaluates the objects of the chosen namespaces, set rules included, into facts.workloads.
void evaluate(const Engine& engine, const std::vector<Document>& docs,
              const std::set<std::string>& chosen, const std::string& environment,
              std::chrono::system_clock::time_point now, ClusterFacts& facts,
              std::vector<std::string>& errors) {
  std::vector<const json*> all;
  all.reserve(docs.size());
  for (const Document& d : docs) all.push_back(&d.object);
  const ObjectSet set(all);
  std::vector<std::size_t> slot(docs.size(), SIZE_MAX);  // document -> its place in its namespace
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const std::string ns = string_at(docs[i].object, "/metadata/namespace");
    if (!chosen.count(ns)) continue;
    EvalContext ctx;
    ctx.environment = environment;
    ctx.now = now;
    ctx.set = &set;
    Evaluation eval;
    try {  // the engine returns errors as values; this only guards the report against a bug
      eval = engine.evaluate(docs[i].object, ctx);
    } catch (const std::exception& e) {
      errors.push_back(docs[i].file + ": " + object_display(docs[i].object) + ": cannot evaluate: " + e.what());
      continue;
    }
    if (eval.kind.empty() || !eval.derived_from.empty()) continue;  // judged on its owner
    auto& list = facts.workloads[ns];
    slot[i] = list.size();
    list.push_back(WorkloadFacts{&docs[i].object, string_at(docs[i].object, "/kind"),
                                 string_at(docs[i].object, "/metadata/name"),
                                 std::move(eval.findings)});
  }
  const std::vector<std::string> environments(docs.size(), environment);
  try {
    for (auto& [i, finding] : engine.evaluate_set(set, environments, now)) {
      if (i >= docs.size() || slot[i] == SIZE_MAX) continue;
      const std::string ns = string_at(docs[i].object, "/metadata/namespace");
      facts.workloads[ns][slot[i]].findings.push_back(std::move(finding));
    }
  } catch (const std::exception& e) {
    errors.push_back(std::string("(set rules): cannot evaluate: ") + e.what());
  }
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}


int run_readiness(const ReadinessOptions& opt) {
  const std::shared_ptr<const Policy> policy = policy_from_file(opt.policy_file);
  if (!policy) return 2;
  if (std::find(policy->environments.begin(), policy->environments.end(), opt.environment) ==
      policy->environments.end()) {
    std::fprintf(stderr, "haguard: unknown environment \"%s\" (not in the policy's environments)\n",
                 opt.environment.c_str());
    return 2;
  }
  auto now = std::chrono::system_clock::now();
  if (!opt.now.empty()) {
    const auto t = parse_rfc3339(opt.now);
    if (!t) {
      std::fprintf(stderr, "haguard: --now \"%s\" is not an RFC 3339 time\n", opt.now.c_str());
      return 2;
    }
    now = *t;
  }

  ReadinessReport report;
  report.environment = opt.environment;
  report.policy = policy->name;
  report.generated_at = rfc3339(now);
  CheckInputs inputs = expand_inputs(opt.inputs, InputNamer(fs::current_path()));
  read_inputs(inputs);
  for (const ManifestError& e : inputs.errors) report.errors.push_back(describe_error(e));
  std::vector<Document> docs;
  for (const InputFile& file : inputs.files) {
    report.inputs.push_back(file.name);
    ReadResult r = read_manifests(file.text, file.name);
    for (const ManifestError& e : r.errors) report.errors.push_back(describe_error(e));
    std::move(r.documents.begin(), r.documents.end(), std::back_inserter(docs));
  }

  ClusterFacts facts;
  sort_objects(docs, facts);
  facts.layout = node_layout(facts.nodes);
  const std::vector<std::string> chosen =
      choose_namespaces(opt, *policy, docs, facts, report.scope);
  if (chosen.empty())
    report.errors.push_back("no namespace to judge: label the DALP namespace " +
                            std::string(kEnvironmentLabel) + "=" + opt.environment +
                            ", or name it with -n");
  const Engine engine(policy);
  evaluate(engine, docs, {chosen.begin(), chosen.end()}, opt.environment, now, facts, report.errors);

  for (const std::string& ns : chosen) {
    auto it = facts.namespaces.find(ns);
    const json* ns_object = it == facts.namespaces.end() ? nullptr : it->second;
    const RowContext ctx{*policy, facts, opt.environment, ns, ns_object,
                         namespace_value(ns_object, kOwnerKey), now};
    NamespaceReadiness n{ns, ctx.owner, {}};
    n.rows.push_back(replica_posture_row(ctx));
    n.rows.push_back(scheduling_posture_row(ctx));
    for (ReadinessRow& r : data_service_rows(ctx)) n.rows.push_back(std::move(r));
    n.rows.push_back(kubernetes_resources_row(ctx));
    n.rows.push_back(observability_row(ctx));
    for (ReadinessRow& r : n.rows) r.owner = ctx.owner;
    report.namespaces.push_back(std::move(n));
  }

  for (const std::string& e : report.errors)
    std::fprintf(stderr, "haguard: %s\n", terminal_safe(e).c_str());
  std::string out = opt.format == "json"       ? render_readiness_json(report)
                    : opt.format == "markdown" ? render_readiness_markdown(report)
                    : opt.format == "html"     ? render_readiness_html(report)
                                               : render_readiness_text(report);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return readiness_exit_code(report);
}

}  // namespace

std::function<int()> setup_readiness(CLI::App& app) {
  auto opt = std::make_shared<ReadinessOptions>();
  app.add_option("-e,--environment", opt->environment,
                 "Environment to judge: namespaces labelled haguard.dalp.io/environment with it, "
                 "and the policy's enforcement there")
      ->capture_default_str();
  app.add_option("-n,--namespace", opt->namespaces,
                 "Namespace to judge (repeatable; default: the environment's namespaces)");
  app.add_option("-p,--policy", opt->policy_file, "HAPolicy file (default: the embedded policy)");
  app.add_option("-o,--output", opt->format, "Report format")
      ->check(CLI::IsMember({"text", "json", "markdown", "html"}))
      ->capture_default_str();
  app.add_option("--now", opt->now,
                 "Judge attestations and exemptions as of this RFC 3339 time (default: now)");
  app.add_option("inputs", opt->inputs,
                 "Cluster dump: files, directories (walked recursively) or -, e.g. kubectl get "
                 "ns,nodes,deploy,sts,ds,rollouts,hpa,pdb,prometheusrules,schedules.velero.io,"
                 "applications.argoproj.io -A -o json")
      ->required();
  app.footer(
      "Exit status: 0 when every row of every namespace is ready (seen, or attested within the "
      "policy's spec.readiness.attestationMaxAge), 1 when a row is not ready or needs an "
      "attestation, 2 on usage or input errors or when no namespace is in scope.");
  return [opt] { return run_readiness(*opt); };
}

}  // namespace haguard::plugin
