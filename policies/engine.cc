#include "policies/engine.h"

#include <algorithm>
#include <optional>
#include <set>

#include "policies/json_patch.h"
#include "policies/rule.h"

namespace haguard {
namespace {

std::string describe_exemption(const Exemption& e) {
  std::string s = e.reason.empty() ? std::string("exempted, no reason given") : e.reason;
  if (!e.until.empty()) s += " (until " + e.until + ")";
  return s;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

/// The exemption the object carries, judged for this request, plus the findings about it.
struct ExemptionState {
  Exemption exemption;
  std::vector<Finding> findings;
};

ExemptionState judge_exemption(const Workload& w, JsonNode object, const Policy& policy,
                               const std::string& env, const EvalContext& ctx) {
  ExemptionState st;
  // A /scale request carries no annotations: its parent's are the ones that count.
  const JsonNode source = (w.is_scale() && ctx.scale_parent) ? JsonNode(*ctx.scale_parent) : object;
  const Labels annotations = string_map_at(source, "/metadata/annotations");
  st.exemption = read_exemption(annotations, policy, ctx.now);
  if (!st.exemption.requested) return st;
  const std::string path = "/metadata/annotations/" + pointer_token(kExemptAnnotation);

  if (ctx.requester != nullptr && !w.is_scale()) {
    Labels old;
    const Labels* old_ptr = nullptr;
    if (ctx.old_object) {
      old = string_map_at(ctx.old_object, "/metadata/annotations");
      old_ptr = &old;
    }
    if (exemption_changed(annotations, old_ptr) &&
        !requester_allowed(*ctx.requester, policy.exemptions.allowed)) {
      st.findings.push_back({std::string(kExemptionRuleId), Outcome::fail, Enforcement::enforce, path,
                             "user \"" + ctx.requester->username +
                                 "\" may not grant exemptions; ask a platform owner to add the "
                                 "haguard.dalp.io/exempt annotations, or remove them",
                             false, {}});
      st.exemption.valid = false;
      st.exemption.problem = "requester not allowed";
      return st;
    }
  }
  if (!st.exemption.valid) {
    st.findings.push_back({std::string(kExemptionRuleId), Outcome::warn, Enforcement::warn, path,
                           "ignored: " + st.exemption.problem, false, {}});
  } else if (!st.exemption.unknown_rules.empty()) {
    st.findings.push_back({std::string(kExemptionRuleId), Outcome::warn, Enforcement::warn, path,
                           "names unknown rule ids: " + join(st.exemption.unknown_rules, ", "),
                           false, {}});
  }
  (void)env;
  return st;
}

Finding make(std::string_view rule, Outcome o, Enforcement e, std::string path, std::string message,
             bool fixable) {
  return {std::string(rule), o, e, std::move(path), std::move(message), fixable, {}};
}

/// Turns a failing finding into an exempted skip when the exemption covers it.
void apply_exemption(Finding& f, const Exemption& ex, const Policy& policy, const std::string& env) {
  if (f.outcome == Outcome::pass || f.outcome == Outcome::skip || !ex.covers(f.rule)) return;
  if (policy.never_exemptable(f.rule, env)) {
    f.message += " (the exemption does not apply: " + f.rule + " cannot be exempted in " + env + ")";
    return;
  }
  f.outcome = Outcome::skip;
  f.exemption = describe_exemption(ex);
  f.fixable = false;
}

}  // namespace

std::string describe(const Finding& f, std::string_view object) {
  std::string out;
  out.reserve(object.size() + f.rule.size() + f.message.size() + 4);
  if (!object.empty()) out.append(object).append(": ");
  return out.append(f.rule).append(": ").append(f.message);
}

bool is_blocking(const Finding& f) {
  return f.enforcement == Enforcement::enforce && (f.outcome == Outcome::fail || f.outcome == Outcome::error);
}

bool is_warning(const Finding& f) {
  if (f.outcome == Outcome::skip) return !f.exemption.empty();
  if (f.outcome == Outcome::fail || f.outcome == Outcome::error) return f.enforcement == Enforcement::warn;
  if (f.outcome == Outcome::warn)
    return f.enforcement == Enforcement::warn || f.enforcement == Enforcement::enforce;
  return false;
}

bool is_audit_only(const Finding& f) {
  return f.enforcement == Enforcement::audit &&
         (f.outcome == Outcome::fail || f.outcome == Outcome::error || f.outcome == Outcome::warn);
}

bool Evaluation::denied() const {
  return std::any_of(findings.begin(), findings.end(), is_blocking);
}

Engine::Engine(std::shared_ptr<const Policy> policy) : policy_(std::move(policy)) {}

namespace {

/// The owner whose controller wrote `w` ("Deployment dapp"), or "" when `w` is to be judged: it
/// has no controller ownerReference the policy knows (before the change either: the garbage
/// collector orphaning it), or the requester is not that owner's controller.
std::string derived_from(const Workload& w, const EvalContext& ctx, const Policy& policy) {
  ObjectRef owner = w.controller_owner();
  const ControllerChildren* c = policy.controller_of(w.kind_name(), owner);
  if (c == nullptr && ctx.old_object) {  // the UPDATE may be the one that removes the reference
    owner = controller_owner_of(ctx.old_object);
    c = policy.controller_of(w.kind_name(), owner);
  }
  if (c == nullptr) return {};
  if (ctx.requester != nullptr && !requester_allowed(*ctx.requester, c->writers)) return {};
  return owner.kind + " " + owner.name;
}

}  // namespace

Evaluation Engine::evaluate(JsonNode object, const EvalContext& ctx) const {
  Evaluation ev;
  const Policy& policy = *policy_;
  auto w = Workload::of(object, ctx.scale_parent_kind);
  if (!w) {
    // A custom resource the policy names (an operator's database) is judged by the rules that
    // know it; any other object is no workload.
    const std::string_view api_version = object["apiVersion"].str();
    if (object["kind"].is_string() &&
        policy.names_resource(api_version.substr(0, api_version.find('/')), object["kind"].str()))
      w = Workload::custom(object);
    if (!w) return ev;
  }
  ev.kind = w->kind_name();
  ev.namespace_ = w->namespace_();
  ev.name = w->name();
  ev.environment = policy.resolve_environment(ctx.environment);
  const std::string& env = ev.environment;

  // For /scale, selectors match on the parent when the caller could fetch it.
  std::optional<Workload> parent;
  if (w->is_scale() && ctx.scale_parent) parent = Workload::of(*ctx.scale_parent);

  if (policy.namespace_exempt(ev.namespace_)) {
    ev.findings.reserve(all_rules().size());
    for (const Rule* rule : all_rules())
      ev.findings.push_back(make(rule->id(), Outcome::skip, policy.enforcement(rule->id(), env), "",
                                 "namespace " + ev.namespace_ + " is exempted by the policy", false));
    return ev;
  }

  if (std::string owner = derived_from(*w, ctx, policy); !owner.empty()) {
    ev.derived_from = std::move(owner);
    ev.findings.reserve(all_rules().size());
    for (const Rule* rule : all_rules())
      ev.findings.push_back(make(rule->id(), Outcome::skip, policy.enforcement(rule->id(), env), "",
                                 "written by the controller of " + ev.derived_from +
                                     ": judged on its owner",
                                 false));
    return ev;
  }

  // An autoscaler is a target of the rules that target the workload it scales.
  std::optional<Workload> scaled;
  if (w->is_autoscaler() && ctx.scale_target) {
    scaled = Workload::of(*ctx.scale_target);
  } else if (w->is_autoscaler() && ctx.set) {
    const ObjectRef t = w->scale_target();
    if (const json* target = ctx.set->find(t.kind, ev.namespace_, t.name)) scaled = Workload::of(*target);
  }

  ExemptionState ex = judge_exemption(*w, object, policy, env, ctx);
  ev.findings = std::move(ex.findings);
  // After the move, which would drop the storage: one allocation for the findings, not five.
  ev.findings.reserve(ev.findings.size() + all_rules().size() + 1);

  for (const Rule* rule : all_rules()) {
    const RuleConfig* rc = policy.rule(rule->id());
    Enforcement enf = policy.enforcement(rule->id(), env);
    if (rc == nullptr || enf == Enforcement::off) {
      ev.findings.push_back(make(rule->id(), Outcome::skip, Enforcement::off, "",
                                 "off in environment " + env, false));
      continue;
    }
    if (!rule->applies_to(*w)) {
      ev.findings.push_back(make(rule->id(), Outcome::skip, enf, "",
                                 "not applicable to " + w->kind_name(), false));
      continue;
    }
    const Workload& target_view = (parent && policy.targets(*rc, *parent)) ? *parent : *w;
    if (!policy.targets(*rc, target_view, scaled ? &*scaled : nullptr)) {
      ev.findings.push_back(make(rule->id(), Outcome::skip, enf, "",
                                 "not a target of this rule in the policy", false));
      continue;
    }
    RuleContext rctx{policy, *rc, env, ctx.set};
    std::vector<Verdict> verdicts = rule->check(*w, rctx);
    if (verdicts.empty()) {
      ev.findings.push_back(make(rule->id(), Outcome::pass, enf, "", "ok", false));
      continue;
    }
    for (Verdict& v : verdicts) {
      Finding f = make(rule->id(), v.outcome, enf, std::move(v.path), std::move(v.message),
                       v.fixable && rc->fix && v.outcome == Outcome::fail);
      apply_exemption(f, ex.exemption, policy, env);
      ev.findings.push_back(std::move(f));
    }
  }
  return ev;
}

FixResult Engine::fix(JsonNode object, const EvalContext& ctx, bool copy_unchanged) const {
  FixResult result;
  result.evaluation = evaluate(object, ctx);
  std::set<std::string> wanted;
  if (!result.evaluation.kind.empty())
    for (const Finding& f : result.evaluation.findings)
      if (f.fixable && f.outcome == Outcome::fail && f.enforcement == Enforcement::enforce)
        wanted.insert(f.rule);
  if (wanted.empty() && !copy_unchanged) return result;
  // A DOM is read into a tree here, once: the fixes edit the copy, the patch compares the two.
  json from_dom;
  const json* original = object.tree();
  if (original == nullptr) original = &(from_dom = object.to_json());
  result.object = *original;
  if (wanted.empty()) return result;

  const Policy& policy = *policy_;
  const std::string& env = result.evaluation.environment;
  for (const Rule* rule : all_rules()) {
    if (!wanted.count(std::string(rule->id()))) continue;
    RuleContext rctx{policy, *policy.rule(rule->id()), env, ctx.set};
    if (rule->fix(result.object, ctx.scale_parent_kind, rctx)) result.rules.emplace_back(rule->id());
  }
  if (result.rules.empty()) {
    if (!copy_unchanged) result.object = json();
    return result;
  }

  // Record what was fixed, merged with what earlier fixes recorded, so a second pass changes nothing.
  json& meta = result.object["metadata"];
  if (!meta.is_object()) meta = json::object();
  json& annotations = meta["annotations"];
  if (!annotations.is_object()) annotations = json::object();
  std::set<std::string> ids(result.rules.begin(), result.rules.end());
  if (auto it = annotations.find(std::string(kMutatedAnnotation));
      it != annotations.end() && it->is_string()) {
    std::string_view rest = it->get_ref<const std::string&>();
    while (!rest.empty()) {
      auto comma = rest.find(',');
      if (auto id = rest.substr(0, comma); !id.empty()) ids.emplace(id);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  annotations[std::string(kMutatedAnnotation)] = join(std::vector<std::string>(ids.begin(), ids.end()), ",");

  result.patch = json_diff(*original, result.object);
  result.evaluation = evaluate(result.object, ctx);
  return result;
}

std::vector<std::pair<std::size_t, Finding>> Engine::evaluate_set(
    const ObjectSet& set, const std::vector<std::string>& environments,
    std::chrono::system_clock::time_point now) const {
  const Policy& policy = *policy_;
  std::vector<std::string> envs;
  envs.reserve(set.objects().size());
  for (std::size_t i = 0; i < set.objects().size(); ++i)
    envs.push_back(policy.resolve_environment(i < environments.size() ? environments[i] : ""));

  std::vector<std::pair<std::size_t, Finding>> out;
  for (const SetRule* rule : all_set_rules()) {
    if (policy.rule(rule->id()) == nullptr) continue;
    for (SetVerdict& sv : rule->check(set, policy, envs)) {
      const json& object = *set.objects()[sv.index];
      auto w = Workload::of(object);
      if (!w) continue;
      if (policy.controller_of(*w) != nullptr) continue;  // judged on its owner
      const std::string& env = envs[sv.index];
      Enforcement enf = policy.enforcement(rule->id(), env);
      if (enf == Enforcement::off) continue;
      if (policy.namespace_exempt(w->namespace_())) continue;
      Finding f = make(rule->id(), sv.verdict.outcome, enf, std::move(sv.verdict.path),
                       std::move(sv.verdict.message), false);
      apply_exemption(f, read_exemption(w->annotations(), policy, now), policy, env);
      out.emplace_back(sv.index, std::move(f));
    }
  }
  return out;
}

SetFixResult Engine::fix_set(const std::vector<const json*>& objects,
                             const std::vector<std::string>& environments,
                             std::chrono::system_clock::time_point now) const {
  SetFixResult out;
  out.objects.reserve(objects.size());
  out.rules.reserve(objects.size());
  // Object i is judged in its own environment, with `set` known for HPA awareness.
  auto context_for = [&](std::size_t i, const ObjectSet& set) {
    EvalContext ctx;
    ctx.environment = i < environments.size() ? std::string_view(environments[i]) : std::string_view();
    ctx.now = now;
    ctx.set = &set;
    return ctx;
  };
  const ObjectSet before(objects);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    FixResult fixed = fix(*objects[i], context_for(i, before));
    out.objects.push_back(std::move(fixed.object));
    out.rules.push_back(std::move(fixed.rules));
  }
  std::vector<const json*> after;
  after.reserve(out.objects.size());
  for (const json& o : out.objects) after.push_back(&o);
  const ObjectSet set(after);
  for (std::size_t i = 0; i < after.size(); ++i) {
    for (Finding& f : evaluate(*after[i], context_for(i, set)).findings)
      out.findings.emplace_back(i, std::move(f));
  }
  for (auto& entry : evaluate_set(set, environments, now)) out.findings.push_back(std::move(entry));
  return out;
}

}  // namespace haguard
