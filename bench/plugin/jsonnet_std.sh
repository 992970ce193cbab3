#!/usr/bin/env bash
# haguard's std against go-jsonnet (Argo CD's and Tanka's engine) and the bare Debian CLI:
#   1. 20 Grafana-style dashboards, each written with std.manifestJsonEx into a ConfigMap
#      (~175 KB of JSON each): `haguard render` vs go-jsonnet's `jsonnet`; the 0.18 CLI on one;
#   2. std.parseYaml of a 1 MB multi-document CRD-style file with no leading `---`
#      (argo-cd-namespace-install.yaml from ../shared/corpus, repeated): haguard vs go-jsonnet.
# Medians of interleaved rounds (interleave.py). Usage: bash bench/plugin/jsonnet_std.sh [runs]
# Needs the reference built: ctest --test-dir build -R jsonnet_reference_build (or see
# tests/plugin/CMakeLists.txt); REFERENCE=path overrides.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
source bench/plugin/build-haguard.sh
reference=${REFERENCE:-$root/build/jsonnet-reference/jsonnet}
[ -x "$reference" ] || { echo "no go-jsonnet at $reference" >&2; exit 2; }
corpus=${HAGUARD_CORPUS_DIR:-$root/../shared/corpus}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/repo/.git" "$work/repo/dash" "$work/repo/crds"

cat > "$work/repo/dash/dashboards.libsonnet" <<'JSONNET'
// A Grafana dashboard as grafonnet writes them: rows of timeseries panels with targets. Strings
// are joined with `+`: `%` runs 0.18's own std.format (see the last figure and bench/README.md).
local panel(d, i) = {
  id: i, type: 'timeseries', title: 'Panel ' + i + ' of dashboard ' + d,
  gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: std.floor(i / 2) * 8 },
  datasource: { type: 'prometheus', uid: 'prom' },
  fieldConfig: { defaults: { unit: 'reqps', decimals: 2, thresholds: { mode: 'absolute', steps: [
    { color: 'green', value: null }, { color: 'red', value: 80.5 } ] } }, overrides: [] },
  options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] },
             tooltip: { mode: 'multi', sort: 'desc' } },
  targets: [{ refId: std.char(65 + t), expr: 'sum by (pod) (rate(http_requests_total{job="dapp-' + d +
                                             '", code=~"5.."}[5m])) / ' + (t + 1),
              legendFormat: '{{pod}} — ' + t, interval: '', datasource: { uid: 'prom' } } for t in std.range(0, 3)],
};
{ dashboard(d):: { uid: 'dash-' + d, title: 'dApp ' + d, schemaVersion: 39, version: 1,
                   time: { from: 'now-6h', to: 'now' }, tags: ['dalp', 'generated'],
                   templating: { list: [{ name: 'ns', type: 'query', query: 'label_values(namespace)' }] },
                   panels: [panel(d, i) for i in std.range(1, 80)] } }
JSONNET
cat > "$work/repo/dash/main.jsonnet" <<'JSONNET'
local d = import 'dashboards.libsonnet';
[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboard-' + i, labels: { grafana_dashboard: '1' } },
   data: { ['dapp-' + i + '.json']: std.manifestJsonEx(d.dashboard(i), '  ') } } for i in std.range(1, 20)]
JSONNET
# The same dashboards built without manifesting them: what the manifest costs is the difference.
sed 's/std.manifestJsonEx(d.dashboard(i), .  .)/std.toString(std.length(std.toString(d.dashboard(i))))/' \
  "$work/repo/dash/main.jsonnet" > "$work/repo/dash/nomanifest.jsonnet"
# One dashboard's titles and queries formatted with `%` instead (0.18's std.format).
sed "s/title: 'Panel ' + i + ' of dashboard ' + d/title: 'Panel %d of dashboard %d' % [i, d]/" \
  "$work/repo/dash/dashboards.libsonnet" > "$work/repo/dash/format.libsonnet"
cat > "$work/repo/dash/one.jsonnet" <<'JSONNET'
std.manifestJsonEx((import 'dashboards.libsonnet').dashboard(1), '  ')
JSONNET

# 1 MB of CRD-style YAML, no leading ---: the corpus file repeated, its first --- dropped.
python3 - "$corpus/argo-cd-namespace-install.yaml" "$work/repo/crds/crds.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read().rstrip("\n") + "\n---\n"
out = ""
while len(out) < 1 << 20:
    out += text
open(sys.argv[2], "w").write(out.lstrip("-\n"))
PY
cat > "$work/repo/crds/main.jsonnet" <<'JSONNET'
// Every value of every document is read (std.toString), so nothing stays lazy.
local docs = std.parseYaml(importstr 'crds.yaml');
[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'summary' },
   data: { documents: std.toString(std.length(docs)), bytes: std.toString(std.length(std.toString(docs))) } }]
JSONNET

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
size=$(cd "$work/repo/dash" && "$reference" main.jsonnet | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(v) for c in d for v in c["data"].values()))')
echo "dashboards: 20, manifest bytes $size; crds.yaml $(stat -c %s "$work/repo/crds/crds.yaml") bytes, $(grep -c '^---' "$work/repo/crds/crds.yaml") separators"
for app in dash crds; do
  python3 bench/plugin/interleave.py "$runs" "$work/repo/$app" \
    "haguard=$haguard render -e production -n bench" \
    "go-jsonnet=$reference main.jsonnet" | sed "s/^/$app /"
done
python3 bench/plugin/interleave.py "$runs" "$work/repo/dash" \
  "haguard=$haguard render -e production -n bench --main nomanifest.jsonnet" \
  "go-jsonnet=$reference nomanifest.jsonnet" | sed "s/^/dash-without-manifest /"
(cd "$work/repo/dash" && sed 's/dashboards.libsonnet/format.libsonnet/' main.jsonnet > format.jsonnet)
for cmd in "$haguard render -e production -n bench --main format.jsonnet --timeout 600" "$reference format.jsonnet"; do
  start=$(date +%s.%N)
  (cd "$work/repo/dash" && $cmd > /dev/null)
  echo "titles with %: ${cmd%% *}: $(echo "$(date +%s.%N) - $start" | bc) s"
done
start=$(date +%s.%N)
(cd "$work/repo/dash" && timeout 600 jsonnet one.jsonnet > /dev/null) || echo "0.18 CLI: timed out"
echo "libjsonnet 0.18 CLI, one dashboard with its own std.manifestJsonEx: $(echo "$(date +%s.%N) - $start" | bc) s"
