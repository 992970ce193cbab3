// A Tanka-style app over grafana/jsonnet-libs' ksonnet-util (vendored, unchanged): its
// util.manifestYaml calls manifestYamlFromJson; the app hashes the config as Tanka users do.
local util = (import 'vendor/github.com/grafana/jsonnet-libs/ksonnet-util/util.libsonnet').withK({});
local config = {
  server: { http_listen_port: 3100, log_level: 'info' },
  ingester: { lifecycler: { ring: { replication_factor: 3 } }, chunk_idle_period: '1h' },
  limits_config: { enforce_metric_name: false, reject_old_samples: 'yes' },
  schema_config: { configs: [{ from: '2020-10-24', store: 'boltdb-shipper', index: { prefix: 'index_', period: '24h' } }] },
};
local yaml = util.manifestYaml(config);
{
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: std.native('regexSubst')('[^a-z0-9-]', std.asciiLower('Loki_Config'), '-'),
    annotations: { 'checksum/config': std.native('sha256')(yaml) },
  },
  data: { 'config.yaml': yaml },
}
