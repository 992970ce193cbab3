{
  domain: 'dalp.staging.example.com',
  datastores+: {
    postgres+: { host: 'dalp-staging.cluster-c1.eu-west-1.rds.amazonaws.com' },
    redis+: { host: 'master.dalp-staging.c1.euw1.cache.amazonaws.com' },
    objectStorage+: { bucket: 'dalp-staging-assets' },
  },
}
