#!/usr/bin/env bash
# Plugin benchmarks (issue 6), each beside its reference, medians of hyperfine runs:
#   1. `haguard render` on plugin/examples/dalp vs the bare `jsonnet` CLI (same Debian libjsonnet,
#      JSON output) evaluating the same program with the same ext vars and library path, run in
#      turn round by round (interleave.py; the ratio is the median of the rounds' ratios);
#   2. a generated application of 1,000 objects built with haguard.libsonnet, same comparison;
#   3. `haguard check` on the files of ../shared/corpus: MB/s of YAML read, and of the same
#      objects as JSON.
# Usage: bash bench/plugin/run.sh [runs]   (needs `bash scripts/install-deps --bench`)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
source bench/plugin/build-haguard.sh
corpus=${HAGUARD_CORPUS_DIR:-$root/../shared/corpus}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The example inside a repository of its own, as Argo CD checks it out.
mkdir -p "$work/repo/.git" "$work/repo/apps"
cp -r plugin/examples/dalp "$work/repo/apps/dalp"
mkdir -p "$work/lib" && cp policies/haguard.libsonnet "$work/lib/"

# The generated application: 334 dApps, each with its PDB and Service (1,002 objects).
mkdir -p "$work/repo/apps/big"
cat > "$work/repo/apps/big/main.jsonnet" <<'JSONNET'
local h = import 'haguard.libsonnet';
std.flattenArrays([
  local d = h.dApp('svc-' + i, 'ghcr.io/settlemint/dalp-dapp:2.1.0', { replicas: 2 + i % 2 });
  [d, h.pdbFor(d), h.serviceFor(d)]
  for i in std.range(1, 334)
])
JSONNET

ext=(--ext-str environment=production --ext-str appName=dalp --ext-str appNamespace=dalp-prod
     --ext-str revision=HEAD --ext-str kubeVersion= --ext-str kubeApiVersions=)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# Render: haguard and the CLI in turn, round by round (interleave.py), medians of the rounds.
for app in dalp big; do
  dir=$work/repo/apps/$app
  count=$(cd "$dir" && "$haguard" render -e production | grep -c '^kind:')
  python3 bench/plugin/interleave.py "$runs" "$dir" \
    "haguard=$haguard render -e production -n dalp-prod" \
    "jsonnet=jsonnet -J . -J lib -J vendor -J $work/lib ${ext[*]} main.jsonnet" > "$work/$app.txt"
  read -r _ h _ < <(grep '^haguard' "$work/$app.txt")
  read -r _ j _ < <(grep '^jsonnet' "$work/$app.txt")
  ratio=$(grep '^haguard' "$work/$app.txt" | cut -f3)
  echo "| render $app ($count objects) | $h ms | jsonnet CLI $j ms | ${ratio}x |"
done
echo

# check: YAML as written by other projects; beside it, the same objects as one JSON document per
# line through the same command, and PyYAML's C loader (libyaml) reading the YAML alone.
echo "| input | haguard check | MB/s | same objects as JSON | PyYAML CLoader (read only) |"
echo "|---|---|---|---|---|"
for f in "$corpus"/*.yaml; do
  name=$(basename "$f")
  /usr/bin/python3 -c "import sys,yaml,json; [print(json.dumps(d)) for d in yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader) if d]" "$f" > "$work/$name.json"
  hyperfine -N -i -w 3 -r "$runs" --export-json "$work/check.json" \
    -n "check $name" "$haguard check -e production -o json $f" \
    -n "check $name as JSON" "$haguard check -e production -o json $work/$name.json" \
    -n "pyyaml $name" "/usr/bin/python3 -c 'import sys,yaml; list(yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader))' $f" \
    >/dev/null
  python3 - "$work/check.json" "$f" "$work/$name.json" "$name" <<'PY'
import json, os, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
t = [statistics.median(x["times"]) for x in r]
yb, jb = os.path.getsize(sys.argv[2]), os.path.getsize(sys.argv[3])
print(f"| {sys.argv[4]} ({yb/1024:.0f} KiB YAML) | {t[0]*1000:.1f} ms | {yb/t[0]/1e6:.1f} | "
      f"{t[1]*1000:.1f} ms, {jb/t[1]/1e6:.1f} MB/s | {t[2]*1000:.1f} ms (incl. Python start) |")
PY
done
