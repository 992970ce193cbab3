#include "policies/workload.h"

#include "policies/label_selector.h"

namespace haguard {
namespace {

/// The value at a JSON pointer of plain keys ("/spec/template"); absent when any step is missing
/// or not an object.
JsonNode at(JsonNode object, std::string_view pointer) {
  if (pointer.empty()) return object;
  JsonNode cur = object;
  for (std::string_view rest = pointer.substr(1); cur;) {
    const std::size_t slash = rest.find('/');
    cur = cur[rest.substr(0, slash)];
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return cur;
}

std::string string_at(JsonNode object, std::string_view pointer) {
  return std::string(at(object, pointer).str());
}

}  // namespace

std::optional<Workload> Workload::of(JsonNode object, std::string_view scale_parent_kind) {
  const JsonNode k = object["kind"];
  if (!k.is_string()) return std::nullopt;
  const std::string kind(k.str());
  if (kind == "Deployment") return Workload(object, WorkloadKind::deployment, kind);
  if (kind == "StatefulSet") return Workload(object, WorkloadKind::stateful_set, kind);
  if (kind == "DaemonSet") return Workload(object, WorkloadKind::daemon_set, kind);
  if (kind == "ReplicaSet") return Workload(object, WorkloadKind::replica_set, kind);
  if (kind == "Job") return Workload(object, WorkloadKind::job, kind);
  if (kind == "CronJob") return Workload(object, WorkloadKind::cron_job, kind);
  if (kind == "HorizontalPodAutoscaler")
    return Workload(object, WorkloadKind::horizontal_pod_autoscaler, kind);
  if (kind == "Scale")
    return Workload(object, WorkloadKind::scale,
                    scale_parent_kind.empty() ? std::string("Scale") : std::string(scale_parent_kind));
  return std::nullopt;
}

std::string Workload::name() const { return string_at(object_, "/metadata/name"); }
std::string Workload::namespace_() const { return string_at(object_, "/metadata/namespace"); }

std::string Workload::display() const {
  std::string ns = namespace_();
  std::string out = kind_name_;
  if (is_scale()) out += "/scale";
  out += ' ';
  if (!ns.empty()) out += ns + '/';
  std::string n = name();
  out += n.empty() ? std::string("(unnamed)") : n;
  return out;
}

bool Workload::has_replicas_field() const {
  return kind_ == WorkloadKind::deployment || kind_ == WorkloadKind::stateful_set ||
         kind_ == WorkloadKind::replica_set;
}

bool Workload::is_long_running() const {
  return has_replicas_field() || kind_ == WorkloadKind::daemon_set;
}

std::string Workload::replicas_pointer() const {
  return is_hpa() ? "/spec/minReplicas" : "/spec/replicas";
}

std::optional<std::int64_t> Workload::replicas() const {
  if (!has_replicas_field() && !is_hpa() && !is_scale()) return std::nullopt;
  const JsonNode v = at(object_, replicas_pointer());
  if (!v || v.is_null()) return 1;  // absent means 1 (the API default)
  if (auto n = v.integer(); n && *n >= 0) return n;
  return std::nullopt;
}

bool Workload::replicas_malformed() const {
  if (!has_replicas_field() && !is_hpa() && !is_scale()) return false;
  const JsonNode v = at(object_, replicas_pointer());
  return v && !v.is_null() && !replicas().has_value();
}

std::string Workload::pod_template_pointer() const {
  switch (kind_) {
    case WorkloadKind::deployment:
    case WorkloadKind::stateful_set:
    case WorkloadKind::daemon_set:
    case WorkloadKind::replica_set:
    case WorkloadKind::job:
      return "/spec/template";
    case WorkloadKind::cron_job:
      return "/spec/jobTemplate/spec/template";
    default:
      return "";
  }
}

Workload::Workload(JsonNode object, WorkloadKind kind, std::string kind_name)
    : object_(object), kind_(kind), kind_name_(std::move(kind_name)) {
  // Found once: every rule asks for it.
  if (std::string p = pod_template_pointer(); !p.empty()) {
    const JsonNode t = at(object, p);
    if (t.is_object()) pod_template_ = t;
  }
}

Labels Workload::pod_labels() const {
  if (is_scale()) return parse_selector_string(string_at(object_, "/status/selector"));
  // From the template found once by the constructor: this runs for several rules per object.
  return string_map_at(pod_template_, "/metadata/labels");
}

Labels Workload::selector_labels() const { return string_map_at(object_, "/spec/selector/matchLabels"); }
Labels Workload::labels() const { return string_map_at(object_, "/metadata/labels"); }
Labels Workload::annotations() const { return string_map_at(object_, "/metadata/annotations"); }

std::string Workload::hpa_target_kind() const {
  return string_at(object_, "/spec/scaleTargetRef/kind");
}
std::string Workload::hpa_target_name() const {
  return string_at(object_, "/spec/scaleTargetRef/name");
}

Labels string_map_at(JsonNode object, std::string_view pointer) {
  Labels out;
  for (const auto& [key, value] : at(object, pointer).members())
    if (value.is_string()) out.insert_or_assign(std::string(key), std::string(value.str()));
  return out;
}

std::string pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace haguard
