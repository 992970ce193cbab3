// Loads HAPolicy YAML into a Policy. Strict: unknown keys, wrong types, unknown rule ids and bad
// values are errors that carry the source, line, column and key path of the offence.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>

#include <yaml-cpp/yaml.h>

#include "policies/policy.h"
#include "policies/policy_reader.h"
#include "policies/rule.h"
#include "policies/yaml_stream.h"

namespace haguard {
namespace {

std::string fnv1a64_hex(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

const std::set<std::string, std::less<>> kWorkloadKinds = {
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout", "Job", "CronJob"};

/// "group/Kind" -> {group, Kind}; the caller has checked the form.
std::pair<std::string, std::string> split_group_kind(const std::string& s) {
  const std::size_t slash = s.rfind('/');
  return {s.substr(0, slash), s.substr(slash + 1)};
}

void load_rules(const PolicyReader& r, const YAML::Node& n, Policy& policy) {
  const std::string base = "spec.rules";
  r.expect_map(n, base);
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string id = r.scalar(it->first, base);
    std::string path = base + "." + id;
    const RuleBase* rule = find_rule(id);
    if (rule == nullptr) r.fail(it->first, path, "unknown rule id");
    const YAML::Node v = it->second;  // a copy: it->second is a temporary
    r.only_keys(v, path, {"enforcement", "environments", "fix", "targets", "parameters"});
    RuleConfig rc;
    rc.id = id;
    if (v["enforcement"]) rc.enforcement = r.enforcement(v["enforcement"], path + ".enforcement");
    if (v["fix"]) rc.fix = r.boolean(v["fix"], path + ".fix");
    if (v["targets"]) {
      rc.targets = r.strings(v["targets"], path + ".targets");
      for (std::size_t i = 0; i < rc.targets.size(); ++i)
        if (!policy.workloads.count(rc.targets[i]))
          r.fail(v["targets"][i], path + ".targets[" + std::to_string(i) + "]",
                 "no workload selector named \"" + rc.targets[i] + "\" in spec.workloads");
    }
    if (v["environments"]) {
      const YAML::Node& envs = v["environments"];
      r.expect_map(envs, path + ".environments");
      for (auto e = envs.begin(); e != envs.end(); ++e) {
        std::string env = r.scalar(e->first, path + ".environments");
        std::string ep = path + ".environments." + env;
        if (std::find(policy.environments.begin(), policy.environments.end(), env) ==
            policy.environments.end())
          r.fail(e->first, ep, "unknown environment (not in spec.environments)");
        rc.environments[env] = r.enforcement(e->second, ep);
      }
    }
    // Each rule reads its own parameters; none written means its defaults.
    const YAML::Node params = v["parameters"] ? v["parameters"] : YAML::Node(YAML::NodeType::Map);
    rc.params = rule->load_params(r, params, path + ".parameters");
    for (std::string& gk : rc.params->custom_resources()) policy.custom_resources.insert(std::move(gk));
    policy.rules[id] = std::move(rc);
  }
}

void load_workloads(const PolicyReader& r, const YAML::Node& n, Policy& policy) {
  const std::string base = "spec.workloads";
  r.expect_map(n, base);
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string name = r.string(it->first, base);
    std::string path = base + "." + name;
    const YAML::Node v = it->second;  // a copy: it->second is a temporary
    r.only_keys(v, path, {"kinds", "labels", "names"});
    WorkloadSelector s;
    s.name = name;
    if (v["kinds"]) {
      s.kinds = r.strings(v["kinds"], path + ".kinds");
      for (std::size_t i = 0; i < s.kinds.size(); ++i)
        if (!kWorkloadKinds.count(s.kinds[i]))
          r.fail(v["kinds"][i], path + ".kinds[" + std::to_string(i) + "]",
                 "unknown kind \"" + s.kinds[i] +
                     "\" (expected Deployment, StatefulSet, DaemonSet, ReplicaSet, Rollout, Job or "
                     "CronJob)");
    }
    if (v["labels"]) {
      const YAML::Node& l = v["labels"];
      r.expect_map(l, path + ".labels");
      for (auto e = l.begin(); e != l.end(); ++e) {
        std::string key = r.string(e->first, path + ".labels");
        s.labels[key] = r.strings(e->second, path + ".labels." + key);
      }
    }
    if (v["names"]) s.names = r.strings(v["names"], path + ".names");
    policy.workloads[name] = std::move(s);
  }
}

void load_requesters(const PolicyReader& r, const YAML::Node& n, const std::string& path, Requesters& out) {
  r.only_keys(n, path, {"users", "groups", "serviceAccounts"});
  if (n["users"]) out.users = r.strings(n["users"], path + ".users");
  if (n["groups"]) out.groups = r.strings(n["groups"], path + ".groups");
  if (n["serviceAccounts"]) {
    out.service_accounts = r.strings(n["serviceAccounts"], path + ".serviceAccounts");
    for (std::size_t i = 0; i < out.service_accounts.size(); ++i)
      if (out.service_accounts[i].find(':') == std::string::npos)
        r.fail(n["serviceAccounts"][i], path + ".serviceAccounts[" + std::to_string(i) + "]",
               "must be written namespace:name");
  }
}

void load_controllers(const PolicyReader& r, const YAML::Node& n, Policy& policy) {
  const std::string base = "spec.controllers";
  if (!n.IsSequence()) r.fail(n, base, "must be a list");
  policy.controllers.clear();
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = base + "[" + std::to_string(i) + "]";
    const YAML::Node e = n[i];
    r.only_keys(e, path, {"owner", "kinds", "writers"});
    for (const char* key : {"owner", "kinds", "writers"})
      if (!e[key]) r.fail(e, path, std::string("missing key ") + key);
    ControllerChildren c;
    std::tie(c.owner_group, c.owner_kind) = split_group_kind(r.group_kind(e["owner"], path + ".owner"));
    c.kinds = r.strings(e["kinds"], path + ".kinds");
    if (c.kinds.empty()) r.fail(e["kinds"], path + ".kinds", "must not be empty");
    load_requesters(r, e["writers"], path + ".writers", c.writers);
    if (c.writers.empty()) r.fail(e["writers"], path + ".writers", "must name at least one writer");
    policy.controllers.push_back(std::move(c));
  }
}

void load_exemptions(const PolicyReader& r, const YAML::Node& n, Policy& policy) {
  const std::string path = "spec.exemptions";
  r.only_keys(n, path, {"requireReason", "requireExpiry", "maxDuration", "never", "allowedRequesters",
                        "namespaces"});
  ExemptionSettings& e = policy.exemptions;
  if (n["requireReason"]) e.require_reason = r.boolean(n["requireReason"], path + ".requireReason");
  if (n["requireExpiry"]) e.require_expiry = r.boolean(n["requireExpiry"], path + ".requireExpiry");
  if (n["maxDuration"]) e.max_duration = r.duration(n["maxDuration"], path + ".maxDuration");
  if (n["never"]) {
    const YAML::Node& nv = n["never"];
    r.expect_map(nv, path + ".never");
    for (auto it = nv.begin(); it != nv.end(); ++it) {
      std::string env = r.scalar(it->first, path + ".never");
      std::string ep = path + ".never." + env;
      if (std::find(policy.environments.begin(), policy.environments.end(), env) ==
          policy.environments.end())
        r.fail(it->first, ep, "unknown environment (not in spec.environments)");
      auto ids = r.strings(it->second, ep);
      for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i] != "*" && !is_known_rule(ids[i]))
          r.fail(it->second[i], ep + "[" + std::to_string(i) + "]", "unknown rule id \"" + ids[i] + "\"");
      e.never[env] = std::move(ids);
    }
  }
  if (n["allowedRequesters"])
    load_requesters(r, n["allowedRequesters"], path + ".allowedRequesters", e.allowed);
  if (n["namespaces"]) e.namespaces = r.strings(n["namespaces"], path + ".namespaces");
}

void load_readiness(const PolicyReader& r, const YAML::Node& n, Policy& policy) {
  const std::string path = "spec.readiness";
  r.only_keys(n, path, {"attestationMaxAge"});
  if (n["attestationMaxAge"]) {
    const std::string key = path + ".attestationMaxAge";
    policy.readiness.attestation_max_age = r.duration(n["attestationMaxAge"], key);
    if (policy.readiness.attestation_max_age.count() == 0)
      r.fail(n["attestationMaxAge"], key, "must be longer than 0 (an attestation cannot last forever)");
  }
}

/// The document in `piece` of `text`, null when it is empty. `pad`: read behind blank lines, so
/// that the node's marks count the file's lines (only for the policy itself: padding every piece
/// would make a file of many empty documents quadratic to read). Errors carry the file's lines.
YAML::Node load_piece(std::string_view text, const YamlPiece& piece, bool pad) {
  std::string doc(pad ? piece.line : 0, '\n');
  doc.append(text.substr(piece.begin, piece.end - piece.begin));
  try {
    return YAML::Load(doc);
  } catch (YAML::Exception& e) {
    if (!pad && e.mark.line >= 0) e.mark.line += piece.line;
    throw;
  }
}

std::shared_ptr<Policy> parse(std::string_view text, std::string_view source) {
  PolicyReader r(source);
  // One HAPolicy per file: a second document would otherwise be ignored without a word. Each
  // document is read by its own YAML::Load, not by YAML::LoadAll, which loops forever on some
  // malformed input in yaml-cpp 0.7 (policy_loader_fuzz); empty documents are allowed.
  std::optional<YAML::Node> found;
  for (const YamlPiece& piece : cut_yaml_stream(text)) {
    const YAML::Node node = load_piece(text, piece, false);
    if (!node || node.IsNull()) {
      const std::string_view doc = text.substr(piece.begin, piece.end - piece.begin);
      if (const int line = stray_token_line(doc); line >= 0)
        throw PolicyLoadFailure(std::string(source) + ':' + std::to_string(piece.line + line + 1) +
                          ": unexpected ',' outside a flow collection");
      continue;
    }
    if (found) {
      const YAML::Mark m = node.Mark();
      throw PolicyLoadFailure(std::string(source) + ':' + std::to_string(piece.line + m.line + 1) + ':' +
                        std::to_string(m.column + 1) +
                        ": (second document): a policy file holds one HAPolicy; put the policy "
                        "in a file of its own, or remove the other documents");
    }
    found.emplace(piece.line == 0 ? node : load_piece(text, piece, true));
  }
  if (!found) throw PolicyLoadFailure(std::string(source) + ": the policy file is empty");
  const YAML::Node& doc = *found;
  r.only_keys(doc, "", {"apiVersion", "kind", "metadata", "spec"});
  if (!doc["apiVersion"] || r.scalar(doc["apiVersion"], "apiVersion") != "haguard.dalp.io/v1alpha1")
    r.fail(doc["apiVersion"] ? doc["apiVersion"] : doc, "apiVersion", "must be haguard.dalp.io/v1alpha1");
  if (!doc["kind"] || r.scalar(doc["kind"], "kind") != "HAPolicy")
    r.fail(doc["kind"] ? doc["kind"] : doc, "kind", "must be HAPolicy");
  auto policy = std::make_shared<Policy>();
  if (doc["metadata"]) {
    r.only_keys(doc["metadata"], "metadata", {"name", "annotations", "labels"});
    if (doc["metadata"]["name"]) policy->name = r.string(doc["metadata"]["name"], "metadata.name");
  }
  if (!doc["spec"]) r.fail(doc, "spec", "missing key spec");
  const YAML::Node& spec = doc["spec"];
  r.only_keys(spec, "spec", {"environments", "defaultEnvironment", "workloads", "rules", "exemptions",
                             "controllers", "autoscalers", "readiness"});
  if (!spec["environments"]) r.fail(spec, "spec.environments", "missing key environments");
  policy->environments = r.strings(spec["environments"], "spec.environments");
  if (policy->environments.empty()) r.fail(spec["environments"], "spec.environments", "must not be empty");
  policy->default_environment = policy->environments.front();
  if (spec["defaultEnvironment"]) {
    policy->default_environment = r.string(spec["defaultEnvironment"], "spec.defaultEnvironment");
    if (std::find(policy->environments.begin(), policy->environments.end(),
                  policy->default_environment) == policy->environments.end())
      r.fail(spec["defaultEnvironment"], "spec.defaultEnvironment", "not in spec.environments");
  }
  if (spec["workloads"]) load_workloads(r, spec["workloads"], *policy);
  if (spec["rules"]) load_rules(r, spec["rules"], *policy);
  if (spec["exemptions"]) load_exemptions(r, spec["exemptions"], *policy);
  if (spec["readiness"]) load_readiness(r, spec["readiness"], *policy);
  if (spec["controllers"]) load_controllers(r, spec["controllers"], *policy);
  if (spec["autoscalers"]) {
    policy->autoscalers = {};
    load_requesters(r, spec["autoscalers"], "spec.autoscalers", policy->autoscalers);
  }
  policy->hash = fnv1a64_hex(text);
  return policy;
}

}  // namespace

PolicyLoad load_policy(std::string_view yaml_text, std::string_view source) {
  try {
    return {parse(yaml_text, source), {}};
  } catch (const PolicyLoadFailure& e) {
    return {nullptr, e.what()};
  } catch (const YAML::Exception& e) {
    std::string loc(source);
    if (e.mark.line >= 0) loc += ':' + std::to_string(e.mark.line + 1) + ':' + std::to_string(e.mark.column + 1);
    return {nullptr, loc + ": invalid YAML: " + e.msg};
  }
}

extern const std::string_view kDefaultPolicyText;

std::string_view default_policy_text() { return kDefaultPolicyText; }

std::shared_ptr<const Policy> default_policy() {
  static const std::shared_ptr<const Policy> policy = [] {
    PolicyLoad l = load_policy(kDefaultPolicyText, "policies/default.yaml (embedded)");
    if (!l.policy) throw std::logic_error("embedded default policy is invalid: " + l.error);
    return l.policy;
  }();
  return policy;
}

}  // namespace haguard
