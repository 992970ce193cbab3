#include "webhook/admission_handler.h"

#include <algorithm>

#include "policies/json_patch.h"

namespace haguard::webhook {
namespace {

bool has_deletion_timestamp(JsonNode obj) {
  const JsonNode ts = obj["metadata"]["deletionTimestamp"];
  return ts && !ts.is_null();
}

/// Whether `obj` has no metadata.namespace to judge by: absent, null or "". Metadata that is not an
/// object (malformed) is left to the engine as it is.
bool lacks_namespace(JsonNode obj) {
  const JsonNode md = obj["metadata"];
  if (!md || md.is_null()) return true;
  if (!md.is_object()) return false;
  const JsonNode ns = md["namespace"];
  return !ns || ns.is_null() || ns.equals("");
}

/// `fixed` (a fixed copy of `received` with metadata.namespace filled in) with that namespace
/// taken out again, so the patch computed from it applies to the object as received.
json without_filled_namespace(json fixed, const json& received) {
  json& md = fixed["metadata"];
  auto orig = received.find("metadata");
  if (orig != received.end() && orig->is_object() && orig->contains("namespace"))
    md["namespace"] = (*orig)["namespace"];
  else
    md.erase("namespace");
  if (md.empty() && (orig == received.end() || orig->is_null())) {
    if (orig == received.end()) fixed.erase("metadata");
    else md = nullptr;
  }
  return fixed;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string name_of(const AdmissionRequest& r) {
  if (!r.name.empty()) return r.name;
  const JsonNode md = (r.object ? r.object : r.old_object)["metadata"];
  const std::string_view name = md["name"].str();
  return std::string(name.empty() ? md["generateName"].str() : name);
}

void skip(AdmissionOutcome& out, std::string reason) {
  out.decision = "skipped";
  out.skip_reason = std::move(reason);
}

}  // namespace

std::string_view to_string(Endpoint e) { return e == Endpoint::mutate ? "mutate" : "validate"; }

std::pair<std::string_view, std::string> autoscaler_target(const AdmissionRequest& r) {
  const auto w = r.object ? Workload::of(r.object) : std::nullopt;
  if (!w || !w->is_autoscaler()) return {};
  const ObjectRef t = w->scale_target();
  for (std::string_view kind : {"Deployment", "StatefulSet", "Rollout"})
    if (t.kind == kind && !t.name.empty()) return {kind, t.name};
  return {};
}

std::string_view scale_parent_kind(const AdmissionRequest& r) {
  if (r.sub_resource != "scale") return {};
  if (r.resource_group == "apps" && r.resource == "deployments") return "Deployment";
  if (r.resource_group == "apps" && r.resource == "statefulsets") return "StatefulSet";
  if (r.resource_group == "argoproj.io" && r.resource == "rollouts") return "Rollout";
  return {};
}

AdmissionOutcome handle_admission(const AdmissionInput& in) {
  const AdmissionRequest& r = *in.request;
  const Engine& engine = *in.engine;
  AdmissionOutcome out;
  out.with_patch = in.endpoint == Endpoint::mutate;
  out.environment = engine.policy().resolve_environment(in.environment);
  out.kind = r.kind;
  out.namespace_ = r.namespace_;
  out.name = name_of(r);
  out.decision = "allowed";

  // What is never judged: deletions, connections, objects on their way out (finalizer removal
  // must never be blocked), and an autoscaler's own scaling (within bounds the HPA's or
  // ScaledObject's minimum, itself judged by min-replicas, sets).
  if (r.operation != "CREATE" && r.operation != "UPDATE") {
    skip(out, "operation " + r.operation);
    return out;
  }
  if (r.operation == "UPDATE" &&
      (has_deletion_timestamp(r.object) || has_deletion_timestamp(r.old_object))) {
    skip(out, "object is being deleted");
    return out;
  }
  const std::string_view parent_kind = scale_parent_kind(r);
  if (r.sub_resource == "scale" && parent_kind.empty()) {
    skip(out, "scale of " + r.resource);
    return out;
  }
  if (!r.sub_resource.empty() && r.sub_resource != "scale") {
    skip(out, "subresource " + r.sub_resource);
    return out;
  }
  if (!parent_kind.empty() && requester_allowed(r.requester, engine.policy().autoscalers) &&
      !engine.policy().autoscalers.empty()) {
    skip(out, "scale by an autoscaler");
    out.response.audit_annotations["scale-by-autoscaler"] = "allowed";
    return out;
  }

  // Objects of a namespaced CREATE may lack metadata.namespace; the engine names and exempts by it.
  // The copy with the namespace is judged and fixed; the patch is against the object as received.
  // The object is judged where the review was parsed (a DOM); the engine reads it into a tree
  // only to fix it.
  JsonNode object = r.object;
  json with_namespace;
  const bool fill_namespace = !r.namespace_.empty() && object.is_object() && lacks_namespace(object);
  if (fill_namespace) {
    with_namespace = object.to_json();
    with_namespace["metadata"]["namespace"] = r.namespace_;
    object = with_namespace;
  }

  EvalContext ctx;
  ctx.environment = in.environment;
  ctx.now = in.now;
  if (r.operation == "UPDATE") ctx.old_object = r.old_object;
  ctx.requester = &r.requester;
  ctx.scale_parent_kind = parent_kind;
  ctx.scale_parent = in.scale_parent;
  ctx.scale_target = in.autoscaler_target;

  Evaluation ev;
  if (in.endpoint == Endpoint::mutate) {
    FixResult fixed = engine.fix(object, ctx, /*copy_unchanged=*/false);
    if (fill_namespace && !fixed.rules.empty()) {
      json received_copy;
      const json* received = r.object.tree();
      if (received == nullptr) received = &(received_copy = r.object.to_json());
      fixed.patch =
          json_diff(*received, without_filled_namespace(std::move(fixed.object), *received));
    }
    ev = std::move(fixed.evaluation);
    out.fixed_rules = fixed.rules;
    if (fixed.patch.is_array() && !fixed.patch.empty()) {
      out.response.patch = std::move(fixed.patch);
      out.decision = "patched";
    }
  } else {
    ev = engine.evaluate(object, ctx);
  }
  if (ev.kind.empty()) {
    skip(out, "not a workload");
    return out;
  }
  if (!ev.derived_from.empty()) {
    // Written by its owner's controller: the owner was judged at its own admission. No patch
    // (a changed ReplicaSet template makes the deployment controller create another), no denial.
    out.findings = std::move(ev.findings);
    skip(out, "written by the controller of " + ev.derived_from);
    return out;
  }
  out.environment = ev.environment.empty() ? out.environment : ev.environment;
  if (!ev.namespace_.empty()) out.namespace_ = ev.namespace_;
  if (!ev.name.empty()) out.name = ev.name;
  std::vector<std::string> denials;
  for (const Finding& f : ev.findings) {
    if (!f.exemption.empty()) {
      out.exempted_rules.push_back(f.rule);
      out.response.audit_annotations["exempted-" + f.rule] = f.exemption;
      if (in.endpoint == Endpoint::validate)
        out.response.warnings.push_back("exempted from " + f.rule + ": " + f.exemption);
      continue;
    }
    if (in.endpoint == Endpoint::mutate) continue;  // /validate judges what /mutate left
    if (is_blocking(f)) {
      denials.push_back(describe(f));
    } else if (is_warning(f)) {
      out.response.warnings.push_back(describe(f));
    } else if (is_audit_only(f)) {
      out.response.audit_annotations["audit-" + f.rule] = describe(f);
    }
  }
  out.findings = std::move(ev.findings);

  if (in.endpoint == Endpoint::mutate) {
    if (!out.fixed_rules.empty()) {
      std::string rules = join(out.fixed_rules, ",");
      out.response.audit_annotations["mutated"] = rules;
      out.response.warnings.push_back("haguard fixed " + rules + " (see the " +
                                      std::string(kMutatedAnnotation) + " annotation)");
    }
    return out;
  }
  if (!denials.empty()) {
    out.decision = "denied";
    out.response.allowed = false;
    out.response.code = 403;
    out.response.reason = "Forbidden";
    // The object as the request names it: "Deployment/scale prod/dapp" for a scale request.
    const auto view = Workload::of(object, parent_kind);
    const std::string display =
        view ? view->display() : display_name(ev.kind, ev.namespace_, ev.name);
    std::string message = "haguard denied " + display + " (environment " + out.environment +
                          "): " + join(denials, "; ");
    if (!parent_kind.empty() && !in.scale_parent) {
      if (!in.parent_lookup_configured)
        message += ". Exemptions on the " + std::string(parent_kind) +
                   " cannot be read here (the webhook runs without --kube-api): to scale with an"
                   " exemption, change spec.replicas of the " + std::string(parent_kind) +
                   " itself in the same update that adds the haguard.dalp.io/exempt annotations";
      else if (!in.parent_lookup_error.empty())
        message += ". The " + std::string(parent_kind) +
                   " could not be read to look for exemptions (" + in.parent_lookup_error + ")";
    }
    out.response.message = std::move(message);
  } else if (!out.response.warnings.empty()) {
    out.decision = "warned";
  }
  return out;
}

}  // namespace haguard::webhook
