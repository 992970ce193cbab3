// PostgreSQL, cache and object storage: no bundled server (the no-bundled-stateful-services
// rule), the connection the DALP chart hands the application (environment variables, set
// literally or from a Secret or ConfigMap, or whole Secrets/ConfigMaps by envFrom), and an
// attestation of what only a test shows (PITR, failover, restore).

#include <algorithm>
#include <cctype>
#include <string>

#include "plugin/readiness_rows.h"
#include "policies/workload.h"

namespace haguard::plugin {

namespace {

constexpr std::string_view kBundledRule = "no-bundled-stateful-services";

struct DataService {
  const char* id;
  const char* title;
  const char* name;  ///< in sentences: "PostgreSQL"
  /// Words in a bundled-service finding that say it is this service (lower case).
  std::vector<std::string_view> finding_words;
  /// Environment variable name prefixes (or whole names) that carry its connection.
  std::vector<std::string_view> env_prefixes;
  /// Words in a Secret's or ConfigMap's name given whole by envFrom (lower case).
  std::vector<std::string_view> source_words;
  const char* tested;  ///< what the attestation vouches for
  const char* managed;  ///< what to use
};

const std::vector<DataService>& services() {
  static const std::vector<DataService> all = {
      {"postgresql", "Managed PostgreSQL", "PostgreSQL",
       {"postgres", "timescale", "spilo", "crunchy"},
       {"POSTGRES_", "POSTGRESQL_", "PGHOST", "PGUSER", "PGPASSWORD", "PGDATABASE", "DATABASE_URL",
        "DB_HOST", "DB_URL"},
       {"postgres", "database", "-db", "pg-"},
       "HA mode, PITR, backup retention, credentials, failover behaviour and application "
       "reconnection are tested",
       "a managed PostgreSQL (Cloud SQL, Amazon RDS/Aurora, Azure Database for PostgreSQL)"},
      {"cache", "Managed cache", "Redis/Valkey cache",
       {"redis", "valkey", "keydb", "dragonfly"},
       {"REDIS_", "VALKEY_", "CACHE_URL", "CACHE_HOST"},
       {"redis", "valkey", "cache"},
       "the cache service has HA or failover enabled where the provider supports it, and DALP's "
       "credentials and TLS settings are tested",
       "a managed Redis/Valkey (ElastiCache, Memorystore, Azure Cache for Redis)"},
      {"object-storage", "Object storage", "object storage",
       {"object storage", "minio", "rustfs"},
       {"S3_", "AWS_S3_", "OBJECT_STORAGE_", "MINIO_", "GCS_BUCKET", "AZURE_STORAGE_"},
       {"s3", "bucket", "object-storage", "minio"},
       "buckets, retention, versioning or replication posture and restore access match the "
       "selected RPO",
       "managed object storage (Amazon S3, Google Cloud Storage, Azure Blob Storage)"},
  };
  return all;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool contains_any(const std::string& haystack, const std::vector<std::string_view>& words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return haystack.find(w) != std::string::npos; });
}

/// Which services a bundled-service finding is about. The rule's message names the service the
/// policy matched; a policy's own service name that none of the words finds counts for all three
/// rows rather than for none.
std::vector<const DataService*> services_of(const Finding& f) {
  std::vector<const DataService*> out;
  const std::string message = lower(f.message);
  for (const DataService& s : services())
    if (contains_any(message, s.finding_words)) out.push_back(&s);
  if (out.empty())
    for (const DataService& s : services()) out.push_back(&s);
  return out;
}

/// "env POSTGRES_PASSWORD from Secret dalp-postgres (key password)" for each variable or envFrom
/// source of `containers` that carries the service's connection.
std::vector<std::string> connections(const json& containers, const DataService& s) {
  std::vector<std::string> out;
  if (!containers.is_array()) return out;
  for (const json& c : containers) {
    if (!c.is_object()) continue;
    if (auto env = c.find("env"); env != c.end() && env->is_array())
      for (const json& e : *env) {
        if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) continue;
        const std::string name = e["name"].get<std::string>();
        if (!std::any_of(s.env_prefixes.begin(), s.env_prefixes.end(),
                         [&](std::string_view p) { return name.starts_with(p); }))
          continue;
        const std::string secret = string_at(e, "/valueFrom/secretKeyRef/name");
        const std::string config = string_at(e, "/valueFrom/configMapKeyRef/name");
        if (!secret.empty())
          out.push_back("env " + name + " from Secret " + secret + " (key " +
                        string_at(e, "/valueFrom/secretKeyRef/key") + ")");
        else if (!config.empty())
          out.push_back("env " + name + " from ConfigMap " + config);
        else if (e.contains("value") && e["value"].is_string() && !e["value"].get<std::string>().empty())
          out.push_back("env " + name + "=" +
                        (lower(name).find("password") != std::string::npos ||
                                 lower(name).find("secret") != std::string::npos
                             ? std::string("(set)")
                             : e["value"].get<std::string>()));
      }
    if (auto from = c.find("envFrom"); from != c.end() && from->is_array())
      for (const json& f : *from) {
        const std::string secret = string_at(f, "/secretRef/name");
        const std::string config = string_at(f, "/configMapRef/name");
        if (!secret.empty() && contains_any(lower(secret), s.source_words))
          out.push_back("envFrom Secret " + secret);
        else if (!config.empty() && contains_any(lower(config), s.source_words))
          out.push_back("envFrom ConfigMap " + config);
      }
  }
  return out;
}

ReadinessRow service_row(const RowContext& ctx, const DataService& s) {
  ReadinessRow row{s.id, s.title};
  std::vector<std::string> bundled;
  std::vector<const WorkloadFacts*> servers;
  for (const WorkloadFacts& w : ctx.workloads())
    for (const Finding& f : w.findings) {
      if (f.rule != kBundledRule || f.outcome != Outcome::fail) continue;
      servers.push_back(&w);
      const auto which = services_of(f);
      if (std::find(which.begin(), which.end(), &s) != which.end())
        bundled.push_back(finding_line(w, f));
    }
  for (const std::string& b : bundled) {
    row.worsen(RowStatus::not_ready);
    row.missing.push_back(b);
  }
  if (!bundled.empty())
    row.fix.push_back(std::string("move the data to ") + s.managed +
                      ", point DALP at it, and remove the in-cluster server");

  std::vector<std::string> found;
  const std::vector<WorkloadFacts>& all = ctx.workloads();
  for (const WorkloadFacts& w : all) {
    if (std::find(servers.begin(), servers.end(), &w) != servers.end()) continue;
    const auto view = Workload::of(JsonNode(*w.object));
    if (!view || !view->is_long_running() || view->pod_template_pointer().empty()) continue;
    const json::json_pointer spec(view->pod_template_pointer() + "/spec");
    if (!w.object->contains(spec)) continue;
    const json& pod = w.object->at(spec);
    if (!pod.is_object()) continue;
    for (const char* list : {"containers", "initContainers"})
      if (pod.contains(list))
        for (std::string& c : connections(pod[list], s)) found.push_back(w.kind + ' ' + w.name + ": " + c);
  }
  constexpr std::size_t kShown = 4;
  for (std::size_t i = 0; i < found.size() && i < kShown; ++i) row.evidence.push_back(found[i]);
  if (found.size() > kShown)
    row.evidence.push_back("and " + std::to_string(found.size() - kShown) + " more references");
  if (found.empty()) {
    row.worsen(RowStatus::not_ready);
    row.missing.push_back(std::string("no workload in ") + ctx.namespace_ + " is given a connection to its " + s.name +
                          " (environment variables " +
                          std::string(s.env_prefixes.front()) + "… or an envFrom Secret)");
    row.fix.push_back(std::string("give the DALP chart the endpoint of ") + s.managed +
                      " and a Secret with its credentials");
  }
  if (bundled.empty() && !found.empty())
    row.evidence.insert(row.evidence.begin(), std::string("no in-cluster ") + s.name + " server (" +
                                                  std::string(kBundledRule) + ")");
  require_attestation(row, ctx, s.id, s.tested);
  return row;
}

}  // namespace

std::vector<ReadinessRow> data_service_rows(const RowContext& ctx) {
  std::vector<ReadinessRow> rows;
  for (const DataService& s : services()) rows.push_back(service_row(ctx, s));
  return rows;
}

}  // namespace haguard::plugin
