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
#include "policies/rule.h"
#include "policies/yaml_stream.h"

namespace haguard {
namespace {

struct LoadFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& what) const {
    YAML::Mark m = at.Mark();
    std::string loc(source_);
    if (m.line >= 0) loc += ':' + std::to_string(m.line + 1) + ':' + std::to_string(m.column + 1);
    throw LoadFailure(loc + ": " + (path.empty() ? std::string("(document)") : path) + ": " + what);
  }

  void expect_map(const YAML::Node& n, const std::string& path) const {
    if (!n.IsMap()) fail(n, path, "must be a mapping");
  }

  /// Rejects keys of `n` not in `allowed`.
  void only_keys(const YAML::Node& n, const std::string& path,
                 std::initializer_list<std::string_view> allowed) const {
    expect_map(n, path);
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string key = scalar(it->first, path);
      bool ok = false;
      for (auto a : allowed) ok = ok || a == key;
      if (!ok) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(it->first, join(path, key), "unknown key (expected one of: " + list + ")");
      }
    }
  }

  std::string scalar(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) fail(n, path, "must be a string");
    return n.Scalar();
  }

  std::string string(const YAML::Node& n, const std::string& path) const {
    std::string s = scalar(n, path);
    if (s.empty()) fail(n, path, "must not be empty");
    return s;
  }

  bool boolean(const YAML::Node& n, const std::string& path) const {
    if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
    fail(n, path, "must be true or false");
  }

  std::int64_t integer(const YAML::Node& n, const std::string& path, std::int64_t min,
                       std::int64_t max) const {
    std::int64_t v = 0;
    if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v))
      fail(n, path, "must be an integer");
    if (v < min || v > max)
      fail(n, path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
  }

  std::vector<std::string> strings(const YAML::Node& n, const std::string& path) const {
    if (!n.IsSequence()) fail(n, path, "must be a list of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n.size(); ++i)
      out.push_back(string(n[i], path + "[" + std::to_string(i) + "]"));
    return out;
  }

  Enforcement enforcement(const YAML::Node& n, const std::string& path) const {
    auto e = parse_enforcement(scalar(n, path));
    if (!e) fail(n, path, "unknown enforcement \"" + n.Scalar() + "\" (expected enforce, warn, audit or off)");
    return *e;
  }

  std::chrono::seconds duration(const YAML::Node& n, const std::string& path) const {
    // Go-style durations as Kubernetes writes them: "720h", "1h30m", "90s"; "0" means unlimited.
    std::string s = scalar(n, path);
    if (s == "0") return std::chrono::seconds(0);
    std::int64_t total = 0, num = 0;
    bool digits = false;
    for (char c : s) {
      if (c >= '0' && c <= '9') {
        num = num * 10 + (c - '0');
        digits = true;
        if (num > 100'000'000) fail(n, path, "duration too large");
      } else if ((c == 'h' || c == 'm' || c == 's') && digits) {
        total += num * (c == 'h' ? 3600 : c == 'm' ? 60 : 1);
        num = 0;
        digits = false;
      } else {
        fail(n, path, "invalid duration \"" + s + "\" (write it like 720h, 1h30m or 90s)");
      }
    }
    if (digits || s.empty()) fail(n, path, "invalid duration \"" + s + "\" (missing unit h, m or s)");
    return std::chrono::seconds(total);
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string_view source_;
};

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

/// A "group/Kind" reference to a resource: a group with a dot or "apps"/"batch", and a kind.
std::string group_kind(const Reader& r, const YAML::Node& n, const std::string& path) {
  std::string s = r.string(n, path);
  const std::size_t slash = s.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == s.size())
    r.fail(n, path, "must be written group/Kind, like apps/Deployment or postgresql.cnpg.io/Cluster");
  return s;
}

void load_params(const Reader& r, const YAML::Node& n, const std::string& path, const std::string& id,
                 RuleParams& p) {
  if (id == "min-replicas") {
    r.only_keys(n, path, {"minimum"});
    if (n["minimum"]) p.minimum = r.integer(n["minimum"], path + ".minimum", 1, 1000);
  } else if (id == "probes") {
    r.only_keys(n, path, {"port", "containers"});
    if (n["port"]) p.port = r.string(n["port"], path + ".port");
    if (n["containers"]) {
      const std::string c = r.string(n["containers"], path + ".containers");
      if (c != "main" && c != "all")
        r.fail(n["containers"], path + ".containers",
               "must be main (the containers serving the named port, else the default or first "
               "container) or all (sidecars too)");
      p.all_containers = c == "all";
    }
  } else if (id == "soft-anti-affinity") {
    r.only_keys(n, path, {"topologyKey"});
    if (n["topologyKey"]) p.topology_key = r.string(n["topologyKey"], path + ".topologyKey");
  } else if (id == "zone-spread") {
    r.only_keys(n, path, {"topologyKey"});
    if (n["topologyKey"]) p.zone_key = r.string(n["topologyKey"], path + ".topologyKey");
  } else if (id == "no-bundled-stateful-services") {
    r.only_keys(n, path, {"services"});
    if (!n["services"]) return;
    const YAML::Node& s = n["services"];
    if (!s.IsSequence()) r.fail(s, path + ".services", "must be a list");
    for (std::size_t i = 0; i < s.size(); ++i) {
      std::string sp = path + ".services[" + std::to_string(i) + "]";
      r.only_keys(s[i], sp, {"name", "labels", "images", "except", "resources", "instead"});
      BundledService b;
      if (!s[i]["name"]) r.fail(s[i], sp, "missing key name");
      b.name = r.string(s[i]["name"], sp + ".name");
      if (s[i]["labels"]) b.labels = r.strings(s[i]["labels"], sp + ".labels");
      if (s[i]["images"]) b.images = r.strings(s[i]["images"], sp + ".images");
      if (s[i]["except"]) b.except = r.strings(s[i]["except"], sp + ".except");
      if (const YAML::Node res = s[i]["resources"]) {
        if (!res.IsSequence()) r.fail(res, sp + ".resources", "must be a list of strings");
        for (std::size_t k = 0; k < res.size(); ++k)
          b.resources.push_back(group_kind(r, res[k], sp + ".resources[" + std::to_string(k) + "]"));
      }
      if (s[i]["instead"]) b.instead = r.string(s[i]["instead"], sp + ".instead");
      p.services.push_back(std::move(b));
    }
  } else {
    r.only_keys(n, path, {});
  }
}

void load_rules(const Reader& r, const YAML::Node& n, Policy& policy) {
  const std::string base = "spec.rules";
  r.expect_map(n, base);
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string id = r.scalar(it->first, base);
    std::string path = base + "." + id;
    if (!is_known_rule(id)) r.fail(it->first, path, "unknown rule id");
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
    if (v["parameters"]) load_params(r, v["parameters"], path + ".parameters", id, rc.params);
    policy.rules[id] = std::move(rc);
  }
}

void load_workloads(const Reader& r, const YAML::Node& n, Policy& policy) {
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

void load_requesters(const Reader& r, const YAML::Node& n, const std::string& path, Requesters& out) {
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

void load_controllers(const Reader& r, const YAML::Node& n, Policy& policy) {
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
    std::tie(c.owner_group, c.owner_kind) = split_group_kind(group_kind(r, e["owner"], path + ".owner"));
    c.kinds = r.strings(e["kinds"], path + ".kinds");
    if (c.kinds.empty()) r.fail(e["kinds"], path + ".kinds", "must not be empty");
    load_requesters(r, e["writers"], path + ".writers", c.writers);
    if (c.writers.empty()) r.fail(e["writers"], path + ".writers", "must name at least one writer");
    policy.controllers.push_back(std::move(c));
  }
}

void load_exemptions(const Reader& r, const YAML::Node& n, Policy& policy) {
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

void load_readiness(const Reader& r, const YAML::Node& n, Policy& policy) {
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
  Reader r(source);
  // One HAPolicy per file: a second document would otherwise be ignored without a word. Each
  // document is read by its own YAML::Load, not by YAML::LoadAll, which loops forever on some
  // malformed input in yaml-cpp 0.7 (policy_loader_fuzz); empty documents are allowed.
  std::optional<YAML::Node> found;
  for (const YamlPiece& piece : cut_yaml_stream(text)) {
    const YAML::Node node = load_piece(text, piece, false);
    if (!node || node.IsNull()) {
      const std::string_view doc = text.substr(piece.begin, piece.end - piece.begin);
      if (const int line = stray_token_line(doc); line >= 0)
        throw LoadFailure(std::string(source) + ':' + std::to_string(piece.line + line + 1) +
                          ": unexpected ',' outside a flow collection");
      continue;
    }
    if (found) {
      const YAML::Mark m = node.Mark();
      throw LoadFailure(std::string(source) + ':' + std::to_string(piece.line + m.line + 1) + ':' +
                        std::to_string(m.column + 1) +
                        ": (second document): a policy file holds one HAPolicy; put the policy "
                        "in a file of its own, or remove the other documents");
    }
    found.emplace(piece.line == 0 ? node : load_piece(text, piece, true));
  }
  if (!found) throw LoadFailure(std::string(source) + ": the policy file is empty");
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
  } catch (const LoadFailure& e) {
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
