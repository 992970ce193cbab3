#!/usr/bin/env bash
# readiness over a 10,000-object cluster dump, with hyperfine: whole command, every format.
# Usage: bench/readiness/run.sh [BUILD_DIR]   (default: build-bench; build the haguard target)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build-bench}
haguard=$build/plugin/haguard
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/make_dump.py" "$tmp/dump.json" 10000
ls -l "$tmp/dump.json" | awk '{print "dump size:", $5, "bytes"}'
rules=$here/../../manifests/monitoring/dalp-workloads.yaml
for f in json html; do  # exit 1 is expected: the copies share no Velero Schedule
  hyperfine -N --warmup 1 --runs 10 -i --export-markdown "$tmp/$f.md" \
    "$haguard readiness -o $f --now 2026-12-04T10:00:00Z $tmp/dump.json $rules"
  cat "$tmp/$f.md"
done
hyperfine -N --warmup 1 --runs 10 -i "$haguard check -e production -o json $tmp/dump.json"
