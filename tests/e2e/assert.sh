# What scenarios assert with (sourced by tests/e2e/run). A scenario runs in a subshell: fail
# ends it. Every command and its output go to the scenario's log.

e2e_manifests="$e2e_here/manifests"

fail() {
  echo "FAIL: $*"
  exit 1
}

# run CMD...: runs it, logs it, and leaves its exit status in rc, stdout in out, stderr in err.
run() {
  local errf
  errf="$(mktemp)"
  echo "\$ ${*/#$e2e_bin\//}"
  set +e
  out="$("$@" 2>"$errf")"
  rc=$?
  set -e
  err="$(cat "$errf")"
  rm -f "$errf"
  [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/  | /'
  [ -z "$err" ] || printf '%s\n' "$err" | sed 's/^/  ! /'
  echo "  exit $rc"
}

# kubectl as one of the cluster's users: as USER ARGS...
as() {
  local user=$1
  shift
  run "$e2e_bin/kubectl" --kubeconfig "$e2e_dir/kubeconfig" --context "$user" "$@"
}

expect_ok() { [ "$rc" -eq 0 ] || fail "$1: kubectl exited $rc"; }
expect_refused() { [ "$rc" -ne 0 ] || fail "$1: kubectl succeeded"; }

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
  [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
  echo "  ok: $1 = '$3'"
}

# expect_match WHAT TEXT EXTENDED-REGEX
expect_match() {
  grep -Eq -- "$3" <<<"$2" || fail "$1: no match for /$3/"
  echo "  ok: $1 matches /$3/"
}
expect_no_match() {
  ! grep -Eq -- "$3" <<<"$2" || fail "$1: unexpected match for /$3/"
  echo "  ok: $1 does not match /$3/"
}

# field NAMESPACE RESOURCE JSONPATH: one field of a stored object, as platform-admin reads it.
field() { k get -n "$1" "$2" -o "jsonpath=$3"; }

# namespace NAME ENVIRONMENT: a fresh namespace routed to ENVIRONMENT by haguard's label.
namespace() {
  k create namespace "$1" >/dev/null
  k label namespace "$1" "haguard.dalp.io/environment=$2" >/dev/null
  echo "namespace $1 ($2)"
}

# eventually SECONDS WHAT COMMAND...: COMMAND succeeds within SECONDS, or the scenario fails
# (after printing what the scenario's on_timeout function shows, if it has one).
eventually() {
  local seconds=$1 what=$2
  shift 2
  if ! wait_for "$seconds" "$what" "$@"; then
    [ "$(type -t on_timeout)" != function ] || on_timeout
    fail "not within $seconds s: $what"
  fi
  echo "  ok: $what"
}

# The ReplicaSets of a Deployment, one line each: name replicas readyReplicas image.
replicasets() {
  local uid
  uid="$(field "$1" "deployment/$2" '{.metadata.uid}')"
  k get rs -n "$1" -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].uid} {.metadata.name} {.spec.replicas} {.status.readyReplicas} {.spec.template.spec.containers[0].image}{"\n"}{end}' |
    awk -v uid="$uid" '$1 == uid {print $2, $3, ($4 == "" ? 0 : $4), $5}'
}

# settled NS DEPLOYMENT: the controller has caught up, every replica is updated and ready, and
# exactly one ReplicaSet has replicas (every older one is at 0).
settled() {
  local status
  status="$(field "$1" "deployment/$2" '{.metadata.generation} {.status.observedGeneration} {.spec.replicas} {.status.updatedReplicas} {.status.readyReplicas} {.status.replicas}')"
  read -r gen observed want updated ready total <<<"$status"
  [ "$gen" = "$observed" ] && [ "$updated" = "$want" ] && [ "$ready" = "$want" ] && [ "$total" = "$want" ] || return 1
  [ "$(replicasets "$1" "$2" | awk '$2 != 0' | wc -l)" -eq 1 ]
}

# Each scenario file sets title_N beside scenario_N.
scenario_title() {
  local v="title_$1"
  echo "${!v:-scenario $1}"
}

# What a stuck rollout in NAMESPACE looks like: its ReplicaSets and the recent events.
show_workloads() {
  k get deployment,rs,hpa -n "$1" -o wide || true
  k get events -n "$1" --sort-by=.lastTimestamp | tail -15 || true
}
