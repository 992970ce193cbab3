// Tanka/Grafana-style composition: imports of .libsonnet with std from go-jsonnet, mixins with +:,
// $ and super, data read with import and importstr, manifests inlined as YAML strings.
local k = import 'lib/k.libsonnet';
local settings = import 'data/settings.json';
local values = std.parseYaml(importstr 'data/values.yaml');
local env = k {
  _config+:: { namespace: 'prod', replicas: settings.replicas },
};
local dep = env.deployment.new('web', ' ' + values.image.repository + ':' + values.image.tag + ' ')
            + env.deployment.withReplicas(5);
{
  apps: {
    web: dep,
    cm: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', annotations: { checksum: env.checksum(dep) } },
      data: {
        'values.yaml': std.manifestYamlDoc(values.web, quote_keys=false),
        'settings.json': std.manifestJsonEx(settings, '  '),
        'raw.json': importstr 'data/settings.json',
      },
    },
  },
  list: std.objectValues(self.apps),
  kv: std.objectKeysValues({ b: 1, a: 2 }),
  stream: std.manifestYamlStream(self.list, quote_keys=false),
}
