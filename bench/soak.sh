#!/usr/bin/env bash
# The webhook soak (issue 7; not CI): builds Release in build-soak, makes dev certificates, starts
# haguard-webhook with the embedded policy, and runs bench/soak_load against it at a fixed rate:
# a mix of tests/cases/admission reviews on /validate/production and /mutate/production, RSS
# sampled every 10 s, latency p50/p99 per minute, errors counted. Prints a table; exits non-zero
# when a target is missed (errors, RSS growth >= 10% after warm-up).
#
#   bench/soak.sh [--rate 300] [--duration 600] [--connections 8] [--threads 2] [--warmup 60]
#                 [--no-build]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate=300 duration=600 connections=8 threads=2 warmup=60 build_first=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --no-build) build_first=0 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

build="$root/build-soak"
if [ "$build_first" = 1 ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHAGUARD_BUILD_TESTS=OFF \
    -DHAGUARD_BUILD_BENCH=ON >/dev/null
  ninja -C "$build" -j2 haguard-webhook soak_load
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/haguard-soak-XXXXXX")"
"$root/certs/make-certs" --out "$work/certs" >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$build/webhook/haguard-webhook" --listen "127.0.0.1:$port" --tls-cert "$work/certs/tls.crt" \
  --tls-key "$work/certs/tls.key" --threads "$threads" --log-level warn >"$work/webhook.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  if curl -sf --cacert "$work/certs/ca.crt" --resolve "haguard.haguard.svc:$port:127.0.0.1" \
       "https://haguard.haguard.svc:$port/readyz" >/dev/null; then break; fi
  sleep 0.1
done

echo "soak: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
"$build/bench/soak_load" --port "$port" --ca "$work/certs/ca.crt" --pid "$pid" \
  --cases "$root/tests/cases/admission" --rate "$rate" --duration "$duration" \
  --connections "$connections" --warmup "$warmup" || status=$?
echo "webhook log lines at warn or above: $(wc -l <"$work/webhook.log")"
kill -TERM "$pid"
wait "$pid" || { echo "soak: the webhook exited with $?" >&2; status=1; }
trap - EXIT
rm -rf "$work"
exit "$status"
