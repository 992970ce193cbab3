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

/// The API group of an apiVersion: "apps/v1" -> "apps", "v1" -> "".
std::string group_of(std::string_view api_version) {
  const std::size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string() : std::string(api_version.substr(0, slash));
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
  // Custom resources are known by their group too: other projects have kinds of these names.
  const std::string group = group_of(object["apiVersion"].str());
  if (kind == "Rollout" && group == "argoproj.io") return Workload(object, WorkloadKind::rollout, kind);
  if (kind == "ScaledObject" && group == "keda.sh")
    return Workload(object, WorkloadKind::scaled_object, kind);
  if (kind == "Scale")
    return Workload(object, WorkloadKind::scale,
                    scale_parent_kind.empty() ? std::string("Scale") : std::string(scale_parent_kind));
  return std::nullopt;
}

std::optional<Workload> Workload::custom(JsonNode object) {
  const JsonNode k = object["kind"];
  if (!k.is_string() || k.str().empty()) return std::nullopt;
  return Workload(object, WorkloadKind::custom_resource, std::string(k.str()));
}

std::string Workload::name() const { return string_at(object_, "/metadata/name"); }
std::string Workload::namespace_() const { return string_at(object_, "/metadata/namespace"); }

std::string Workload::display() const {
  return display_name(is_scale() ? kind_name_ + "/scale" : kind_name_, namespace_(), name());
}

std::string display_name(std::string_view kind, std::string_view namespace_, std::string_view name) {
  std::string out;
  out.reserve(kind.size() + namespace_.size() + name.size() + 2);
  out.append(kind.empty() ? "(no kind)" : kind).append(1, ' ');
  if (!namespace_.empty()) out.append(namespace_).append(1, '/');
  return out.append(name.empty() ? "(unnamed)" : name);
}

std::string display_name(JsonNode object) {
  const JsonNode md = object["metadata"];
  const std::string_view name = md["name"].str();
  return display_name(object["kind"].str(), md["namespace"].str(),
                      name.empty() ? md["generateName"].str() : name);
}

bool Workload::has_replicas_field() const {
  return kind_ == WorkloadKind::deployment || kind_ == WorkloadKind::stateful_set ||
         kind_ == WorkloadKind::replica_set || kind_ == WorkloadKind::rollout;
}

bool Workload::is_long_running() const {
  return has_replicas_field() || kind_ == WorkloadKind::daemon_set;
}

std::string Workload::replicas_pointer() const {
  if (is_hpa()) return "/spec/minReplicas";
  if (kind_ == WorkloadKind::scaled_object) return "/spec/minReplicaCount";
  return "/spec/replicas";
}

bool Workload::replicas_written() const {
  const JsonNode v = at(object_, replicas_pointer());
  return v && !v.is_null();
}

std::optional<std::int64_t> Workload::replicas() const {
  if (!has_replicas_field() && !is_autoscaler() && !is_scale()) return std::nullopt;
  const JsonNode v = at(object_, replicas_pointer());
  // Absent: the API's default, 1; KEDA's minReplicaCount defaults to 0 (scale to zero).
  if (!v || v.is_null()) return kind_ == WorkloadKind::scaled_object ? 0 : 1;
  if (auto n = v.integer(); n && *n >= 0) return n;
  return std::nullopt;
}

bool Workload::replicas_malformed() const {
  if (!has_replicas_field() && !is_autoscaler() && !is_scale()) return false;
  const JsonNode v = at(object_, replicas_pointer());
  return v && !v.is_null() && !replicas().has_value();
}

std::string Workload::pod_template_pointer() const {
  switch (kind_) {
    case WorkloadKind::deployment:
    case WorkloadKind::stateful_set:
    case WorkloadKind::daemon_set:
    case WorkloadKind::replica_set:
    case WorkloadKind::rollout:
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
  if (kind_ == WorkloadKind::rollout && !pod_template_) return selector_labels();
  // From the template found once by the constructor: this runs for several rules per object.
  return string_map_at(pod_template_, "/metadata/labels");
}

Labels Workload::selector_labels() const { return string_map_at(object_, "/spec/selector/matchLabels"); }
Labels Workload::labels() const { return string_map_at(object_, "/metadata/labels"); }
Labels Workload::annotations() const { return string_map_at(object_, "/metadata/annotations"); }

ObjectRef Workload::scale_target() const {
  if (!is_autoscaler()) return {};
  const JsonNode ref = object_["spec"]["scaleTargetRef"];
  ObjectRef out{group_of(ref["apiVersion"].str()), std::string(ref["kind"].str()),
                std::string(ref["name"].str())};
  if (kind_ == WorkloadKind::scaled_object && out.kind.empty()) out = {"apps", "Deployment", out.name};
  return out;
}

ObjectRef Workload::workload_ref() const {
  if (kind_ != WorkloadKind::rollout) return {};
  const JsonNode ref = object_["spec"]["workloadRef"];
  if (!ref.is_object()) return {};
  return {group_of(ref["apiVersion"].str()), std::string(ref["kind"].str()),
          std::string(ref["name"].str())};
}

ObjectRef Workload::controller_owner() const { return controller_owner_of(object_); }

ObjectRef controller_owner_of(JsonNode object) {
  for (JsonNode ref : object["metadata"]["ownerReferences"].items())
    if (ref["controller"].is_true())
      return {group_of(ref["apiVersion"].str()), std::string(ref["kind"].str()),
              std::string(ref["name"].str())};
  return {};
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
