// A Tanka-style library: mixins, hidden helpers, and std functions from go-jsonnet.
{
  _config:: { namespace: 'default', replicas: 2 },
  deployment:: {
    new(name, image):: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: name, labels: { app: name } },
      spec: {
        replicas: $._config.replicas,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: name, image: std.trim(image) }] } },
      },
    },
    withReplicas(n):: { spec+: { replicas: n } },
  },
  checksum(obj):: std.sha256(std.manifestJsonEx(obj, '  ')),
}
