// The DALP application from values: one object of components, walked by `haguard render`.
local h = import 'haguard.libsonnet';

{
  render(v):: (
    local image(name) = v.imageRegistry + '/' + name + ':' + v.imageTag;
    local ds = h.externalDatastores('dalp-datastores', v.datastores);
    local instance = if h.appName != '' then { 'app.kubernetes.io/instance': h.appName } else {};
    local common = { 'app.kubernetes.io/part-of': 'dalp' } + instance;

    local dapp = h.dApp('dapp', image('dalp-dapp'), {
      replicas: v.replicas.dapp,
      labels: common,
      resources: v.resources.dapp,
      envFrom: ds.envFrom,
      env: ds.env { API_URL: 'http://dalp-api', NEXT_PUBLIC_DOMAIN: v.domain },
    });
    local api = h.deployment('dalp-api', image('dalp-api'), {
      component: 'api',
      replicas: v.replicas.api,
      labels: common,
      resources: v.resources.api,
      envFrom: ds.envFrom,
      env: ds.env,
    });
    local worker(name, replicas) = h.worker('dalp-worker-' + name, image('dalp-worker'), {
      replicas: replicas,
      labels: common,
      resources: v.resources.worker,
      args: ['--queue', name],
      envFrom: ds.envFrom,
      env: ds.env { WORKER_QUEUE: name },
    });

    {
      datastores: ds.configMap { metadata+: { labels: common } },
      dapp: h.withCompanions(dapp),
      api: h.withCompanions(api),
      workers: {
        indexer: h.withCompanions(worker('indexer', v.replicas.indexer), service=false),
        jobs: h.withCompanions(worker('jobs', v.replicas.jobs), service=false),
      },
      ingress: h.ingress('dalp', v.domain, [
        { path: '/api', service: 'dalp-api' },
        { path: '/', service: 'dapp' },
      ], { className: v.ingressClass, tlsSecret: v.tlsSecret }),
    }
  ),
}
