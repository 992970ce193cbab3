// Attestations recorded on a namespace, and the helpers every row shares to name what it saw.
// An attestation reads "<who>, <date>, <ticket>" (date YYYY-MM-DD or RFC 3339); it counts until
// the policy's spec.readiness.attestationMaxAge has passed since its date.

#include <algorithm>
#include <cstdio>
#include <string>

#include "plugin/readiness_rows.h"
#include "policies/exemption.h"

namespace haguard::plugin {

namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

/// A date as attestations write it: "2026-11-20" (midnight UTC) or an RFC 3339 timestamp.
std::optional<std::chrono::system_clock::time_point> parse_date(const std::string& s) {
  if (s.size() == 10) return parse_rfc3339(s + "T00:00:00Z");
  return parse_rfc3339(s);
}

std::string days(std::chrono::seconds s) {
  const auto d = std::chrono::duration_cast<std::chrono::hours>(s).count() / 24;
  return std::to_string(d) + (d == 1 ? " day" : " days");
}

}  // namespace

std::string namespace_value(const json* namespace_object, std::string_view key) {
  if (!namespace_object || !namespace_object->is_object()) return {};
  const json& meta = member(*namespace_object, "metadata");
  for (const char* field : {"annotations", "labels"})
    if (const json& v = member(member(meta, field), key); v.is_string()) return v.get<std::string>();
  return {};
}

const json& member(const json& object, std::string_view key) {
  static const json null;
  if (!object.is_object()) return null;
  auto it = object.find(key);
  return it == object.end() ? null : *it;
}

const std::vector<WorkloadFacts>& RowContext::workloads() const {
  static const std::vector<WorkloadFacts> none;
  auto it = cluster.workloads.find(namespace_);
  return it == cluster.workloads.end() ? none : it->second;
}

std::string string_at(const json& object, std::string_view pointer) {
  const json* at = &object;
  std::size_t pos = 1;
  while (pos <= pointer.size() && !pointer.empty()) {
    const std::size_t end = std::min(pointer.find('/', pos), pointer.size());
    std::string key(pointer.substr(pos, end - pos));
    for (std::size_t i = 0; (i = key.find("~1", i)) != std::string::npos;) key.replace(i, 2, "/");
    if (!at->is_object()) return {};
    auto it = at->find(key);
    if (it == at->end()) return {};
    at = &*it;
    pos = end + 1;
  }
  return at->is_string() ? at->get<std::string>() : std::string();
}

std::string object_display(const json& object) {
  std::string kind = string_at(object, "/kind"), ns = string_at(object, "/metadata/namespace");
  std::string out = kind.empty() ? "(no kind)" : kind;
  out += ' ';
  if (!ns.empty()) out += ns + '/';
  const std::string name = string_at(object, "/metadata/name");
  return out + (name.empty() ? "(unnamed)" : name);
}

std::string finding_line(const WorkloadFacts& w, const Finding& f) {
  // The engine's message says what the rule found; the object is named here, from its identity.
  // A message that still starts with the object or the rule (older engines) is not said twice.
  std::string_view message = f.message;
  const std::string ns = string_at(*w.object, "/metadata/namespace");
  for (const std::string& prefix :
       {w.kind + ' ' + ns + '/' + w.name + ": ", w.kind + ' ' + w.name + ": ", f.rule + ": "})
    if (message.starts_with(prefix)) message.remove_prefix(prefix.size());
  return w.kind + ' ' + w.name + ": " + f.rule + ": " + std::string(message);
}

Attestation read_attestation(const RowContext& ctx, std::string_view check) {
  Attestation a;
  const std::string key = std::string(kAttestPrefix) + std::string(check);
  const std::string value = namespace_value(ctx.namespace_object, key);
  if (value.empty()) return a;
  a.present = true;
  std::vector<std::string> parts;
  for (std::size_t pos = 0;;) {
    const std::size_t comma = value.find(',', pos);
    parts.push_back(trim(std::string_view(value).substr(pos, comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  // The ticket may itself hold commas: everything after the date is the ticket.
  if (parts.size() < 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    a.problem = key + " is \"" + value + "\", not \"<who>, <date>, <ticket>\"";
    return a;
  }
  a.who = parts[0];
  a.date = parts[1];
  for (std::size_t i = 2; i < parts.size(); ++i) a.ticket += (i > 2 ? ", " : "") + parts[i];
  const auto when = parse_date(a.date);
  if (!when) {
    a.problem = key + ": date \"" + a.date + "\" is neither YYYY-MM-DD nor RFC 3339";
    return a;
  }
  const auto max_age = ctx.policy.readiness.attestation_max_age;
  // A day's grace: a date written in a time zone ahead of UTC is not "in the future".
  if (*when > ctx.now + std::chrono::hours(24)) {
    a.problem = key + ": dated " + a.date + ", in the future";
    return a;
  }
  if (ctx.now - *when > max_age) {
    a.problem = "the attestation by " + a.who + " on " + a.date + " (" + a.ticket +
                ") is stale: older than " + days(max_age) + " (spec.readiness.attestationMaxAge)";
    return a;
  }
  a.fresh = true;
  return a;
}

std::string attest_command(const RowContext& ctx, std::string_view check) {
  return "kubectl annotate namespace " + ctx.namespace_ + " --overwrite '" +
         std::string(kAttestPrefix) + std::string(check) + "=<who>, <YYYY-MM-DD>, <ticket>'";
}

void require_attestation(ReadinessRow& row, const RowContext& ctx, std::string_view check,
                         std::string_view what) {
  const Attestation a = read_attestation(ctx, check);
  if (a.fresh) {
    row.evidence.push_back("attested by " + a.who + " on " + a.date + " (" + a.ticket +
                           "): " + std::string(what));
    return;
  }
  row.worsen(RowStatus::needs_attestation);
  row.missing.push_back(a.present ? a.problem : "no attestation that " + std::string(what) +
                                                    " (" + std::string(kAttestPrefix) +
                                                    std::string(check) + ")");
  row.fix.push_back("test it, then record who, when and the ticket: " + attest_command(ctx, check));
}

}  // namespace haguard::plugin
