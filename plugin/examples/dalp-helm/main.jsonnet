// DALP from its Helm charts, through the HA policy: the `dalp` chart (the dApp) and the `support`
// chart (bundled PostgreSQL, Redis, RustFS), vendored under charts/ and expanded with Tanka's
// helmTemplate. Production takes the HA guide's values overlay (charts/values-production-ha.yaml);
// every other environment the charts' defaults, bundled services included.
local h = import 'haguard.libsonnet';

local values =
  if h.environment == 'production'
  then std.parseYaml(importstr 'charts/values-production-ha.yaml')
  else { dalp: {}, support: {} };

local chart(name) = std.native('helmTemplate')(name, 'charts/' + name, {
  calledFrom: std.thisFile,
  namespace: std.extVar('appNamespace'),
  values: values[name],
});

{
  dalp: chart('dalp'),
  support: chart('support'),
}
