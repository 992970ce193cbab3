#include "policies/workload.h"

#include "policies/label_selector.h"

namespace haguard {
namespace {

const json* at(const json& object, std::string_view pointer) {
  // json::contains(json_pointer) throws on malformed intermediate types; walk by hand instead.
  const json* cur = &object;
  std::size_t pos = 1;
  while (pos <= pointer.size() && !pointer.empty()) {
    std::size_t next = pointer.find('/', pos);
    std::string_view token = pointer.substr(pos, next == std::string_view::npos ? pointer.size() - pos
                                                                                   : next - pos);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(token);  // heterogeneous lookup: no key string made
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return cur;
}

std::string string_at(const json& object, std::string_view pointer) {
  const json* v = at(object, pointer);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace

std::optional<Workload> Workload::of(const json& object, std::string_view scale_parent_kind) {
  if (!object.is_object()) return std::nullopt;
  auto k = object.find("kind");
  if (k == object.end() || !k->is_string()) return std::nullopt;
  const std::string& kind = k->get_ref<const std::string&>();
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

std::string Workload::name() const { return string_at(*object_, "/metadata/name"); }
std::string Workload::namespace_() const { return string_at(*object_, "/metadata/namespace"); }

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
  const json* v = at(*object_, replicas_pointer());
  if (v == nullptr || v->is_null()) return 1;  // absent means 1 (the API default)
  if (v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0))
    return v->get<std::int64_t>();
  return std::nullopt;
}

bool Workload::replicas_malformed() const {
  if (!has_replicas_field() && !is_hpa() && !is_scale()) return false;
  const json* v = at(*object_, replicas_pointer());
  return v != nullptr && !v->is_null() && !replicas().has_value();
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

Workload::Workload(const json& object, WorkloadKind kind, std::string kind_name)
    : object_(&object), kind_(kind), kind_name_(std::move(kind_name)) {
  // Found once: every rule asks for it.
  if (std::string p = pod_template_pointer(); !p.empty()) {
    const json* t = at(object, p);
    pod_template_ = t && t->is_object() ? t : nullptr;
  }
}

Labels Workload::pod_labels() const {
  if (is_scale()) return parse_selector_string(string_at(*object_, "/status/selector"));
  // From the template found once by the constructor: this runs for several rules per object.
  return pod_template_ ? string_map_at(*pod_template_, "/metadata/labels") : Labels{};
}

Labels Workload::selector_labels() const { return string_map_at(*object_, "/spec/selector/matchLabels"); }
Labels Workload::labels() const { return string_map_at(*object_, "/metadata/labels"); }
Labels Workload::annotations() const { return string_map_at(*object_, "/metadata/annotations"); }

std::string Workload::hpa_target_kind() const {
  return string_at(*object_, "/spec/scaleTargetRef/kind");
}
std::string Workload::hpa_target_name() const {
  return string_at(*object_, "/spec/scaleTargetRef/name");
}

Labels string_map_at(const json& object, std::string_view pointer) {
  Labels out;
  const json* m = at(object, pointer);
  if (m == nullptr || !m->is_object()) return out;
  for (auto it = m->begin(); it != m->end(); ++it)
    if (it->is_string()) out.emplace(it.key(), it->get<std::string>());
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
