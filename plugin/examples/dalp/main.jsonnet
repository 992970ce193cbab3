// DALP on Kubernetes, highly available by construction: dApp, API, workers, ingress, and
// settings for managed datastores (no bundled PostgreSQL, Redis or object storage).
//
// Rendered by `haguard render` (Argo CD plugin) with the ext var `environment` selecting the
// per-environment values; top-level arguments override the image tag and the domain.
local h = import 'haguard.libsonnet';
local dalp = import 'dalp.libsonnet';  // lib/dalp.libsonnet, found on the library path

local environments = {
  default: import 'environments/staging.libsonnet',
  development: import 'environments/development.libsonnet',
  staging: import 'environments/staging.libsonnet',
  production: import 'environments/production.libsonnet',
};

function(imageTag='', domain='')
  local env = h.environment;
  assert std.objectHas(environments, env) : 'no values for environment "' + env + '"';
  local values = (import 'values.libsonnet')
                 + environments[env]
                 + (if imageTag != '' then { imageTag: imageTag } else {})
                 + (if domain != '' then { domain: domain } else {});
  dalp.render(values)
