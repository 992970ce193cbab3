#!/usr/bin/env bash
# helmTemplate's overhead: `haguard render` of an app that expands a chart with
# std.native('helmTemplate') (fork, jsonnet, helm, YAML, policy, output) beside `helm template` of
# the same chart with the same values alone, run in turn round by round (interleave.py; the ratio
# is the median of the rounds' ratios). Target: <= 1.15x.
#   1. the dalp chart with the guide's overlay (one helm run each side);
#   2. plugin/examples/dalp-helm in production (two charts: two helm runs each side; helm's side
#      is one `sh -c` running both).
# Usage: bash bench/plugin/helm_template.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-30}
source bench/plugin/build-haguard.sh
tests/e2e/build-helm "$root/$build/e2e/bin"
helm=$root/$build/e2e/bin/helm

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/repo/.git" "$work/repo/apps"
cp -r plugin/examples/dalp-helm "$work/repo/apps/dalp-helm"
app=$work/repo/apps/dalp-helm
cat > "$app/one.jsonnet" <<'JSONNET'
local ha = std.parseYaml(importstr 'charts/values-production-ha.yaml');
std.native('helmTemplate')('dalp', 'charts/dalp',
                           { calledFrom: std.thisFile, namespace: 'dalp-prod', values: ha.dalp })
JSONNET
echo '{"dapp": {"replicaCount": 2, "podAntiAffinityPreset": "soft"}}' > "$work/dalp-ha.json"
echo '{"postgresql": {"enabled": false}, "redis": {"enabled": false}, "rustfs": {"enabled": false}}' \
  > "$work/support-ha.json"
flags="--include-crds --namespace=dalp-prod"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); $("$helm" version --short)"
echo
echo "| case | haguard render | helm template alone | ratio (median of rounds) |"
echo "|---|---|---|---|"
python3 bench/plugin/interleave.py "$rounds" "$app" \
  "haguard=$haguard render -e production -n dalp-prod --helm $helm --main one.jsonnet" \
  "helm=$helm template dalp charts/dalp --values $work/dalp-ha.json $flags" > "$work/one.txt"
read -r _ h _ r < <(grep '^haguard' "$work/one.txt")
read -r _ b _ < <(grep '^helm' "$work/one.txt")
echo "| dalp chart, guide's overlay | $h ms | $b ms | ${r}x |"
python3 bench/plugin/interleave.py "$rounds" "$app" \
  "haguard=$haguard render -e production -n dalp-prod --helm $helm" \
  "helm=sh -c '$helm template dalp charts/dalp --values $work/dalp-ha.json $flags; $helm template support charts/support --values $work/support-ha.json $flags'" \
  > "$work/two.txt"
read -r _ h _ r < <(grep '^haguard' "$work/two.txt")
read -r _ b _ < <(grep '^helm' "$work/two.txt")
echo "| examples/dalp-helm, production (2 charts) | $h ms | $b ms | ${r}x |"
