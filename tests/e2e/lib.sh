# Shared by tests/e2e/cluster and tests/e2e/run (sourced, not run): where things are, and the
# small waits every step needs.

e2e_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
e2e_root="$(cd "$e2e_here/../.." && pwd)"
# Everything a cluster writes (binaries, PKI, etcd data, logs, kubeconfig) lives here.
e2e_dir="${HAGUARD_E2E_DIR:-$e2e_root/build/e2e}"
e2e_build="${HAGUARD_BUILD_DIR:-build}"
[[ "$e2e_build" = /* ]] || e2e_build="$e2e_root/$e2e_build"
e2e_overlay="$e2e_here/overlay"
e2e_bin="$e2e_dir/bin"
# Nothing on loopback may go through a proxy (kube-apiserver honours these for webhook calls).
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

e2e_fail() { echo "e2e: $*" >&2; exit 1; }

# kubectl against the e2e cluster; --context picks the user (platform-admin by default).
k() { "$e2e_bin/kubectl" --kubeconfig "$e2e_dir/kubeconfig" "$@"; }

# wait_for SECONDS DESCRIPTION COMMAND...: runs COMMAND every 0.2 s until it succeeds.
wait_for() {
  local seconds=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "e2e: timed out after ${seconds} s waiting for $what" >&2
      return 1
    fi
    sleep 0.2
  done
}

# The pid recorded for NAME, if that process still runs.
e2e_pid() {
  local pid
  pid="$(cat "$e2e_dir/run/$1.pid" 2>/dev/null)" || return 1
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# stop NAME: SIGTERM to its process group (a clean shutdown: the webhook drains), SIGKILL after 20 s.
e2e_stop() {
  local pid
  pid="$(e2e_pid "$1")" || { rm -f "$e2e_dir/run/$1.pid"; return 0; }
  kill -- "-$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 -- "-$pid" 2>/dev/null || true
  rm -f "$e2e_dir/run/$1.pid"
}

# start NAME COMMAND...: runs COMMAND in the background in its own process group (its pid is the
# group's id, so stop ends its children too), output to logs/NAME.log.
e2e_start() {
  local name=$1
  shift
  mkdir -p "$e2e_dir/run" "$e2e_dir/logs"
  setsid "$@" >>"$e2e_dir/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$e2e_dir/run/$name.pid"
}
