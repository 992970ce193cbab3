// Values shared by every environment; environments/*.libsonnet override them.
{
  imageRegistry: 'ghcr.io/settlemint',
  imageTag: '1.4.2',
  domain: 'dalp.example.com',
  ingressClass: 'nginx',
  tlsSecret: 'dalp-tls',
  replicas: { dapp: 2, api: 2, indexer: 2, jobs: 2 },
  resources: {
    dapp: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    api: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    worker: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
  },
  // Managed services, reached over the network; credentials come from Secrets created out of
  // band (External Secrets, sealed secrets): only their names appear here.
  datastores: {
    postgres: {
      host: 'postgres.internal',
      database: 'dalp',
      user: 'dalp',
      passwordSecret: { name: 'dalp-postgres', key: 'password' },
    },
    redis: { host: 'redis.internal', passwordSecret: { name: 'dalp-redis', key: 'password' } },
    objectStorage: {
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      bucket: 'dalp-assets',
      region: 'eu-west-1',
      credentialsSecret: { name: 'dalp-s3', accessKeyKey: 'access-key-id',
                           secretKeyKey: 'secret-access-key' },
    },
  },
}
