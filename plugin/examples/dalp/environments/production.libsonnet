{
  domain: 'dalp.example.com',
  replicas: { dapp: 3, api: 3, indexer: 2, jobs: 3 },
  resources+: {
    dapp: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
    api: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
  },
  datastores+: {
    postgres+: { host: 'dalp-prod.cluster-p1.eu-west-1.rds.amazonaws.com' },
    redis+: { host: 'master.dalp-prod.p1.euw1.cache.amazonaws.com' },
    objectStorage+: { bucket: 'dalp-prod-assets' },
  },
}
