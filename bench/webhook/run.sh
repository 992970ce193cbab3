#!/usr/bin/env bash
# haguard-webhook under load, beside nginx serving the same answers over the same TLS.
#
#   bench/webhook/run.sh [LABEL=BINARY]...
#
# Builds haguard-webhook in Release (build-perf), makes dev certificates in a temp dir, starts
# the webhook (embedded default policy) and nginx (static answers captured from the webhook,
# same certificate and key, TLS 1.2/1.3 with the same ciphers, keep-alive) on 127.0.0.1, then
# runs wrk (2 threads, 32 connections, keep-alive, --latency) against /validate/production and
# /mutate/production with a dApp Deployment review (~1.5 KB) and a StatefulSet UPDATE of ~1 MiB,
# alternating the servers point by point and repeating each point. Prints a markdown table of
# medians: requests/s, ratio to nginx, p50/p99; resident memory idle and under load; and the
# time from process start to /readyz 200.
#
# Extra LABEL=BINARY arguments add more webhook binaries to every point (an A/B of a change).
# Environment: DURATION (10s), REPEATS (3), STARTS (10), POINTS (all: validate-small
# mutate-small validate-large mutate-large validate-large-c1 mutate-large-c1), THREADS (the
# webhook's --threads and nginx's worker_processes; default: the number of cores),
# SKIP_BUILD=1, WEBHOOK (the binary labelled haguard; default: build-perf's), PORT (first of
# the ports used; 28443), KEEP=1 keeps the temp dir.
# Needs: wrk nginx python3 jq openssl curl (scripts/install-deps --bench).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${DURATION:-10s}"
repeats="${REPEATS:-3}"
starts="${STARTS:-10}"
points="${POINTS:-validate-small mutate-small validate-large mutate-large validate-large-c1 mutate-large-c1}"
threads="${THREADS:-$(nproc)}"
port="${PORT:-28443}"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S "$root" -B "$root/build-perf" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DHAGUARD_BUILD_TESTS=OFF >/dev/null
  ninja -C "$root/build-perf" -j2 haguard-webhook >/dev/null
fi

# The servers, in the order they take turns: webhook binaries, then nginx.
labels=(haguard)
bins=("${WEBHOOK:-$root/build-perf/webhook/haguard-webhook}")
for arg in "$@"; do
  labels+=("${arg%%=*}")
  bins+=("$(realpath "${arg#*=}")")
done

tmp="$(mktemp -d /tmp/haguard-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

"$root/certs/make-certs" --out "$tmp/certs" --san IP:127.0.0.1 >/dev/null
cert="$tmp/certs/tls.crt"
key="$tmp/certs/tls.key"

small="$tmp/small.json"
large="$tmp/large.json"
jq -c 'del(.haguardCase)' "$root/tests/cases/admission/compliant-production-allowed.json" >"$small"
python3 "$here/large_review.py" "$root/tests/cases/admission/compliant-production-allowed.json" \
  "$large" >/dev/null

wait_ready() {  # port
  for _ in $(seq 1 500); do
    curl -skf -o /dev/null "https://127.0.0.1:$1/readyz" && return 0
    sleep 0.02
  done
  echo "run.sh: nothing ready on port $1" >&2
  exit 1
}

procs_of() {  # label index -> the pids whose memory counts (nginx: master and workers)
  local pid="${pids[$1]}"
  if [ "$1" = $((${#pids[@]} - 1)) ]; then echo "$pid $(pgrep -P "$pid" | tr '\n' ' ')"; else echo "$pid"; fi
}
cpu_ticks() {  # index -> utime + stime of its processes, in clock ticks
  local sum=0 pid
  for pid in $(procs_of "$1"); do
    sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$sum"
}
mem_kb() {  # field index -> sum of /proc/PID/status FIELD (VmRSS, VmHWM) in kB
  local sum=0 pid
  for pid in $(procs_of "$2"); do
    sum=$((sum + $(awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status")))
  done
  echo "$sum"
}

# Ports port .. port+N+1 (webhooks, nginx, the start-time runs) must be free.
for p in $(seq "$port" $((port + ${#bins[@]} + 1))); do
  if [ -n "$(ss -Hltn "sport = :$p")" ]; then echo "run.sh: port $p is in use (set PORT)" >&2; exit 1; fi
done

# The webhooks, one port each.
ports=()
for i in "${!bins[@]}"; do
  p=$((port + i))
  "${bins[$i]}" --listen "127.0.0.1:$p" --tls-cert "$cert" --tls-key "$key" --threads "$threads" \
    2>"$tmp/webhook-$i.log" &
  pids+=($!)
  ports+=("$p")
done
for p in "${ports[@]}"; do wait_ready "$p"; done
idle=()
for i in "${!bins[@]}"; do idle+=("$(awk '$1 == "VmRSS:" {print $2}' "/proc/${pids[$i]}/status")"); done

# nginx answers each path and body with what the first webhook answered.
post() {  # port path body-file
  curl -skf -H 'Content-Type: application/json' --data-binary "@$3" "https://127.0.0.1:$1$2"
}
{
  echo 'map "$request_uri $content_length" $answer {'
  for path in /validate/production /mutate/production; do
    for body in "$small" "$large"; do
      answer="$(post "${ports[0]}" "$path" "$body")"
      case "$answer" in *"'"*|*'$'*) echo "run.sh: cannot quote the answer for nginx" >&2; exit 1 ;; esac
      printf "  \"%s %s\" '%s';\n" "$path" "$(stat -c %s "$body")" "${answer//\\/\\\\}"
    done
  done
  echo "}"
} >"$tmp/answers.conf"
sed -e "s|@DIR@|$tmp|g" -e "s|@PORT@|$((port + ${#bins[@]}))|g" -e "s|@CERT@|$cert|g" \
  -e "s|@KEY@|$key|g" -e "s|@WORKERS@|$threads|g" "$here/nginx.conf.in" >"$tmp/nginx.conf"
nginx -c "$tmp/nginx.conf" -p "$tmp" &
pids+=($!)
nginx_pid=$!
labels+=(nginx)
ports+=("$((port + ${#bins[@]}))")
wait_ready "${ports[-1]}"
idle+=("$(mem_kb VmRSS $((${#pids[@]} - 1)))")
for path in /validate/production /mutate/production; do
  for body in "$small" "$large"; do
    if [ "$(post "${ports[-1]}" "$path" "$body")" != "$(post "${ports[0]}" "$path" "$body")" ]; then
      echo "run.sh: nginx's answer on $path differs from haguard's" >&2
      exit 1
    fi
  done
done

results="$tmp/results.tsv"
: >"$results"
for i in "${!labels[@]}"; do
  echo -e "mem\t${labels[$i]}\tidle_rss\t${idle[$i]}" >>"$results"
done

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for point in $points; do
  path="/${point%%-*}/production"
  case "$point" in *-small) body="$small" ;; *) body="$large" ;; esac
  case "$point" in *-c1) conns=(-t1 -c1) ;; *) conns=(-t2 -c32) ;; esac
  for rep in $(seq 1 "$repeats"); do
    for i in "${!labels[@]}"; do
      # Sample resident memory while wrk runs; keep the highest.
      mem_kb VmRSS "$i" >"$tmp/peak"
      (peak=0; while sleep 0.25; do v=$(mem_kb VmRSS "$i"); [ "$v" -gt "$peak" ] && peak=$v
         echo "$peak" >"$tmp/peak.new"; mv "$tmp/peak.new" "$tmp/peak"; done) &
      sampler=$!
      cpu0=$(cpu_ticks "$i")
      line="$(wrk "${conns[@]}" -d "$duration" --latency --timeout 10s -s "$here/post.lua" \
        "https://127.0.0.1:${ports[$i]}$path" -- "$body" | grep '^RESULT')"
      cpu=$(($(cpu_ticks "$i") - cpu0))
      kill "$sampler"; wait "$sampler" 2>/dev/null || true
      line="$line cpu_s=$(echo "$cpu $(getconf CLK_TCK)" | awk '{print $1 / $2}')"
      echo -e "wrk\t${labels[$i]}\t$point\t$rep\t$line\t$(cat "$tmp/peak")" >>"$results"
      echo "$point #$rep ${labels[$i]}: $line" >&2
    done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for i in "${!labels[@]}"; do
  echo -e "mem\t${labels[$i]}\thwm\t$(mem_kb VmHWM "$i")" >>"$results"
  sleep 3  # past the webhook's reload timer (2 s), which trims the heap after large bodies
  echo -e "mem\t${labels[$i]}\tafter_rss\t$(mem_kb VmRSS "$i")" >>"$results"
done

# Start to /readyz 200: each webhook alone (the running servers stay up on other ports).
ready_port=$((port + ${#labels[@]}))
for i in "${!bins[@]}"; do
  line="$(python3 "$here/ready_time.py" "$starts" "$ready_port" "${bins[$i]}" \
    --listen "127.0.0.1:$ready_port" --tls-cert "$cert" --tls-key "$key" --threads "$threads" \
    --shutdown-grace 0 | grep '^MEDIAN')"
  echo -e "ready\t${labels[$i]}\t${line#MEDIAN }" >>"$results"
done
sed -e "s|@DIR@|$tmp/ready|g" -e "s|@PORT@|$ready_port|g" -e "s|@CERT@|$cert|g" \
  -e "s|@KEY@|$key|g" -e "s|@WORKERS@|$threads|g" "$here/nginx.conf.in" >"$tmp/nginx-ready.conf"
mkdir -p "$tmp/ready"
cp "$tmp/answers.conf" "$tmp/ready/"
line="$(python3 "$here/ready_time.py" "$starts" "$ready_port" nginx -c "$tmp/nginx-ready.conf" \
  -p "$tmp/ready" | grep '^MEDIAN')"
echo -e "ready\tnginx\t${line#MEDIAN }" >>"$results"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
  "kernel $(uname -r); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "small: $(stat -c %s "$small") bytes; large: $(stat -c %s "$large") bytes;" \
  "wrk -t2 -c32 (-c1: -t1 -c1) -d $duration; medians of $repeats; threads/workers: $threads"
python3 "$here/table.py" "$results"
