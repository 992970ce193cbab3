// haguard.libsonnet: helpers that make DALP workloads HA-compliant by construction, so
// `haguard render` has nothing to fix and the admission webhook nothing to patch.
//
//   local h = import 'haguard.libsonnet';
//   local dapp = h.dApp('dapp', 'ghcr.io/settlemint/dalp-dapp:1.4.2', { replicas: 3 });
//   [dapp, h.pdbFor(dapp), h.serviceFor(dapp)]
//
// Every workload helper gives: >= 2 replicas, TCP liveness/readiness probes on the container port
// named `http`, a soft (preferred) pod anti-affinity term on kubernetes.io/hostname selecting the
// pod's own labels, a zone topology spread that never blocks scheduling, requests and a memory
// limit, and a RollingUpdate strategy. pdbFor() adds the matching PodDisruptionBudget.
//
// Written for the C++ jsonnet VM: no std.format / `%`, no std.manifestYaml*, no deep recursion.
// Strings are joined with `+`; objects are merged with `+`. That VM (libjsonnet 0.18, as Debian
// ships it) runs `==` and `!=` through std.equals, and std.isArray, objectHas, objectFields, max,
// get and toString as jsonnet code: 10 to 40 times the cost of the builtins underneath (~130k
// instructions for one `==`). The locals below call the builtins; `bench/plugin/run.sh` measures
// a 1,000-object render.
local eq(a, b) = std.primitiveEquals(a, b);  // a and b: strings, numbers, booleans or null
local has(o, f) = std.objectHasEx(o, f, false);
local fields(o) = std.objectFieldsEx(o, false);
local typeIs(v, t) = std.primitiveEquals(std.type(v), t);
local max(a, b) = if a > b then a else b;
local get(o, f, default) = if std.objectHasEx(o, f, false) then o[f] else default;
local toString(v) = if typeIs(v, 'string') then v else '' + v;
// `opts` unchanged when every field is one of `known` ({name: true}); else an error naming the
// helper and each unknown option, so a misspelt option never vanishes into a "clean" render.
local checkOptions(what, opts, known) =
  // Builtins only on the path every call takes (the C++ VM runs std.filter and comprehensions
  // as jsonnet): no unknown option exactly when merging adds no field to `known`.
  if eq(std.length(fields(known + opts)), std.length(fields(known))) then opts
  else
    local unknown = std.filter(function(k) !has(known, k), fields(opts));
    error 'haguard.libsonnet ' + what + ': unknown option'
             + (if std.length(unknown) > 1 then 's ' else ' ')
             + std.join(', ', ['"' + k + '"' for k in unknown])
             + ' (known: ' + std.join(', ', fields(known)) + ')';
{
  // --- settings a program can read -------------------------------------------------------------
  // Ext vars set by `haguard render` (empty strings when run elsewhere with -V).
  environment:: std.extVar('environment'),
  appName:: std.extVar('appName'),

  hostnameKey:: 'kubernetes.io/hostname',
  zoneKey:: 'topology.kubernetes.io/zone',
  httpPortName:: 'http',

  defaultResources:: {
    requests: { cpu: '100m', memory: '256Mi' },
    limits: { memory: '512Mi' },
  },

  // --- labels ----------------------------------------------------------------------------------
  // Selector labels are stable for the life of a workload; extra labels go on top.
  selectorLabels(name, component=name):: {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
  },

  // --- containers ------------------------------------------------------------------------------
  // A container with the `http` port and TCP probes on it. `opts`:
  //   port (8080), env ({NAME: value} or a list of EnvVar), envFrom ([]), resources,
  //   command, args, probePath (an HTTP GET path instead of TCP), startupSeconds (0: no probe).
  container(name, image, opts={})::
    $.containerOf(name, image, checkOptions('container("' + name + '")', opts, $.containerOptions)),

  // container() once its options are known to be valid (deployment() checked them already).
  containerOf(name, image, opts):: (
    local o = { port: 8080, env: {}, envFrom: [], resources: $.defaultResources, probePath: null,
                startupSeconds: 0 } + opts;
    local handler = if eq(o.probePath, null)
    then { tcpSocket: { port: $.httpPortName } }
    else { httpGet: { path: o.probePath, port: $.httpPortName } };
    // Optional fields are named by `[if ...]` (a null name leaves the field out) rather than merged
    // in with `+`: the C++ VM pays for every level of object inheritance on each field it reads.
    {
      name: name,
      image: image,
      ports: [{ name: $.httpPortName, containerPort: o.port, protocol: 'TCP' }],
      env: if typeIs(o.env, 'array') then o.env else $.envList(o.env),
      resources: o.resources,
      livenessProbe: handler { initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 3 },
      readinessProbe: handler { periodSeconds: 5, failureThreshold: 3 },
      [if std.length(o.envFrom) > 0 then 'envFrom']: o.envFrom,
      [if has(o, 'command') then 'command']: o.command,
      [if has(o, 'args') then 'args']: o.args,
      [if o.startupSeconds > 0 then 'startupProbe']:
        handler { periodSeconds: 5, failureThreshold: max(1, std.ceil(o.startupSeconds / 5)) },
    }
  ),

  // {A: 'x', B: {secret: 's', key: 'k'}, C: {configMap: 'c', key: 'k'}} -> EnvVar list, sorted.
  envList(env):: [
    local v = env[k];
    if typeIs(v, 'object') && has(v, 'secret')
    then { name: k, valueFrom: { secretKeyRef: { name: v.secret, key: v.key } } }
    else if typeIs(v, 'object') && has(v, 'configMap')
    then { name: k, valueFrom: { configMapKeyRef: { name: v.configMap, key: v.key } } }
    else { name: k, value: toString(v) }
    for k in fields(env)
  ],

  // --- pod spec pieces -------------------------------------------------------------------------
  softAntiAffinity(selector):: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: $.hostnameKey },
      }],
    },
  },

  zoneSpread(selector):: [{
    maxSkew: 1,
    topologyKey: $.zoneKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
  }],

  // The deployment() opts that go on to container().
  containerOptions:: { port: true, env: true, envFrom: true, resources: true, command: true, args: true,
                       probePath: true, startupSeconds: true },
  // deployment()'s opts: its own, then those it passes on to container() (spelt out rather than
  // merged: each deployment() reads it).
  deploymentOptions:: { replicas: true, component: true, labels: true, annotations: true,
                        podAnnotations: true, containers: true, serviceAccountName: true,
                        port: true, env: true, envFrom: true, resources: true, command: true,
                        args: true, probePath: true, startupSeconds: true },

  // --- workloads -------------------------------------------------------------------------------
  // An HA Deployment. `opts`: replicas (2; null leaves spec.replicas out, as Argo CD advises
  // when an HPA scales the workload: see hpaFor), component, labels (extra), annotations,
  // podAnnotations, containers (extra containers), serviceAccountName, plus container() opts.
  // An unknown option is an error.
  deployment(name, image, opts={}):: (
    local o = { replicas: 2, component: name, labels: {}, annotations: {}, podAnnotations: {},
                containers: [] }
              + checkOptions('deployment("' + name + '")', opts, $.deploymentOptions);
    local selector = $.selectorLabels(name, o.component);
    local labels = selector + o.labels;
    // An object lookup, not std.member: the C++ VM runs std.member in jsonnet (std.count over a
    // filter), and it was half the cost of a 1,000-object render (bench/plugin/run.sh).
    local containerOpts = {
      [k]: opts[k]
      for k in fields(opts)
      if has($.containerOptions, k)
    };
    local workload = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: name,
        labels: labels,
        [if std.length(o.annotations) > 0 then 'annotations']: o.annotations,
      },
      spec: {
        replicas: o.replicas,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: {
            labels: labels,
            [if std.length(o.podAnnotations) > 0 then 'annotations']: o.podAnnotations,
          },
          spec: {
            containers: [$.containerOf(name, image, containerOpts)] + o.containers,
            affinity: $.softAntiAffinity(selector),
            topologySpreadConstraints: $.zoneSpread(selector),
            [if has(o, 'serviceAccountName') then 'serviceAccountName']: o.serviceAccountName,
          },
        },
      },
    };
    // replicas: null hides the field (a computed field name on every Deployment costs more in
    // the C++ VM than this merge on the few that ask for it).
    if eq(o.replicas, null) then workload + { spec+: { replicas:: null } } else workload
  ),

  // The DALP dApp: an HA Deployment labelled as the policy's `dapp` workload.
  dApp(name='dapp', image, opts={}):: $.deployment(name, image, { component: 'dapp', port: 3000 } + opts),

  // A background worker: HA like the rest, with a health port named `http` for its probes.
  worker(name, image, opts={}):: $.deployment(name, image, { component: 'worker' } + opts),

  // --- companions ------------------------------------------------------------------------------
  // The PodDisruptionBudget covering a workload: one pod may be evicted at a time.
  pdbFor(workload):: {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: workload.metadata.name, labels: workload.metadata.labels }
              + (if has(workload.metadata, 'namespace')
                 then { namespace: workload.metadata.namespace } else {}),
    spec: { maxUnavailable: 1, selector: { matchLabels: workload.spec.selector.matchLabels } },
  },

  // A ClusterIP Service on the workload's `http` port.
  serviceFor(workload, port=80):: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: workload.metadata.name, labels: workload.metadata.labels }
              + (if has(workload.metadata, 'namespace')
                 then { namespace: workload.metadata.namespace } else {}),
    spec: {
      type: 'ClusterIP',
      selector: workload.spec.selector.matchLabels,
      ports: [{ name: $.httpPortName, port: port, targetPort: $.httpPortName, protocol: 'TCP' }],
    },
  },

  // An HPA that never drops below the HA minimum, in the workload's namespace, scaling it
  // whatever its kind. Give the workload `replicas: null` so that Argo CD does not fight the HPA.
  hpaFor(workload, maxReplicas, cpuPercent=70):: {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: workload.metadata.name, labels: get(workload.metadata, 'labels', {}) }
              + (if has(workload.metadata, 'namespace')
                 then { namespace: workload.metadata.namespace } else {}),
    spec: {
      scaleTargetRef: { apiVersion: workload.apiVersion, kind: workload.kind,
                        name: workload.metadata.name },
      minReplicas: max(2, get(workload.spec, 'replicas', 2)),
      maxReplicas: maxReplicas,
      metrics: [{ type: 'Resource',
                  resource: { name: 'cpu', target: { type: 'Utilization',
                                                     averageUtilization: cpuPercent } } }],
    },
  },

  // An Ingress routing `host` paths to Services: routes = [{path: '/', service: 'dapp', port: 80}];
  // a route's port is a Service port name (string) or number, `http` when left out.
  // `opts`: className, tlsSecret, annotations. Unknown options and route fields are errors.
  ingress(name, host, routes, opts={}):: (
    local what = 'ingress("' + name + '")';
    local o = { className: null, tlsSecret: null, annotations: {} }
              + checkOptions(what, opts, { className: true, tlsSecret: true, annotations: true });
    local servicePort(p) = if typeIs(p, 'number') then { number: p } else { name: p };
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: name }
                + (if std.length(o.annotations) > 0 then { annotations: o.annotations } else {}),
      spec: {
        rules: [{
          host: host,
          http: { paths: [
            local route = checkOptions(what + ' route', r, { path: true, service: true, port: true });
            {
              path: route.path,
              pathType: 'Prefix',
              backend: { service: { name: route.service,
                                    port: servicePort(get(route, 'port', $.httpPortName)) } },
            }
            for r in routes
          ] },
        }],
      } + (if !eq(o.className, null) then { ingressClassName: o.className } else {})
        + (if !eq(o.tlsSecret, null) then { tls: [{ hosts: [host], secretName: o.tlsSecret }] } else {}),
    }
  ),

  // --- external datastores (instead of bundled PostgreSQL, Redis/Valkey, RustFS/MinIO) ---------
  // `ds` = { postgres: {host, port, database, user, passwordSecret: {name, key}, sslMode},
  //          redis: {host, port, tls, passwordSecret}, objectStorage: {endpoint, bucket, region,
  //          credentialsSecret: {name, accessKeyKey, secretKeyKey}} }; any part may be left out.
  // Returns { configMap: the non-secret settings, envFrom: container envFrom reading it,
  //           env: container env map of the secret references }.
  externalDatastores(name, ds):: (
    local pg = if has(ds, 'postgres') then ds.postgres else null;
    local rd = if has(ds, 'redis') then ds.redis else null;
    local os = if has(ds, 'objectStorage') then ds.objectStorage else null;
    local data =
      (if !eq(pg, null) then {
         POSTGRES_HOST: pg.host,
         POSTGRES_PORT: toString(get(pg, 'port', 5432)),
         POSTGRES_DATABASE: pg.database,
         POSTGRES_USER: pg.user,
         POSTGRES_SSLMODE: get(pg, 'sslMode', 'require'),
       } else {})
      + (if !eq(rd, null) then {
           REDIS_HOST: rd.host,
           REDIS_PORT: toString(get(rd, 'port', 6379)),
           REDIS_TLS: if get(rd, 'tls', true) then 'true' else 'false',
         } else {})
      + (if !eq(os, null) then {
           S3_ENDPOINT: os.endpoint,
           S3_BUCKET: os.bucket,
           S3_REGION: get(os, 'region', 'us-east-1'),
         } else {});
    {
      configMap: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: name },
        data: data,
      },
      envFrom: [{ configMapRef: { name: name } }],
      env: (if !eq(pg, null) && has(pg, 'passwordSecret')
            then { POSTGRES_PASSWORD: { secret: pg.passwordSecret.name, key: pg.passwordSecret.key } }
            else {})
           + (if !eq(rd, null) && has(rd, 'passwordSecret')
              then { REDIS_PASSWORD: { secret: rd.passwordSecret.name, key: rd.passwordSecret.key } }
              else {})
           + (if !eq(os, null) && has(os, 'credentialsSecret') then {
                S3_ACCESS_KEY_ID: { secret: os.credentialsSecret.name,
                                    key: os.credentialsSecret.accessKeyKey },
                S3_SECRET_ACCESS_KEY: { secret: os.credentialsSecret.name,
                                        key: os.credentialsSecret.secretKeyKey },
              } else {}),
    }
  ),

  // A workload and everything that makes it HA as one list: [workload, pdb] (+ service).
  withCompanions(workload, service=true)::
    [workload, $.pdbFor(workload)] + (if service then [$.serviceFor(workload)] else []),
}
