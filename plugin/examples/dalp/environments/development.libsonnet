{
  domain: 'dalp.dev.example.com',
  datastores+: {
    postgres+: { host: 'dalp-dev.postgres.database.azure.com', sslMode: 'prefer' },
    redis+: { host: 'dalp-dev.redis.cache.windows.net' },
  },
}
