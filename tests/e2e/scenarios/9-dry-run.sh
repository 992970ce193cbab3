title_9="kubectl apply --dry-run=server is judged like the real apply"

# twice NS ARGS...: kubectl ARGS as app-developer with --dry-run=server, then for real; leaves
# the dry run's results in dry_rc, dry_out, dry_err and the real one's in rc, out, err.
twice() {
  local ns=$1
  shift
  as app-developer "$@" -n "$ns" --dry-run=server
  dry_rc=$rc dry_out=$out dry_err=$err
  as app-developer "$@" -n "$ns"
}

same() {
  expect_eq "$1: exit status, dry run vs real" "$dry_rc" "$rc"
  expect_eq "$1: kubectl's messages, dry run vs real" "$dry_err" "$err"
}

scenario_9() {
  namespace s9 production
  twice s9 apply -f "$e2e_manifests/postgres.yaml"
  expect_refused "bundled PostgreSQL"
  expect_match "the dry run's error" "$dry_err" 'haguard denied StatefulSet s9/postgresql'
  same "bundled PostgreSQL"

  as app-developer apply -n s9 --dry-run=server -f "$e2e_manifests/dapp-plain.yaml" -o yaml
  local dry_object=$out
  dry_rc=$rc dry_err=$err
  run k get deployment -n s9 dapp
  expect_refused "the dry run stored nothing"
  as app-developer apply -n s9 -f "$e2e_manifests/dapp-plain.yaml" -o yaml
  expect_ok "the plain dApp"
  expect_match "the dry run's warning" "$dry_err" '^Warning: haguard fixed'
  same "the plain dApp"
  # The fixed spec, as each returned it (the dry run never gets a resourceVersion or uid).
  spec() { sed -n '/^spec:/,/^status:/p'; }
  expect_eq "the stored spec, dry run vs real" "$(spec <<<"$dry_object")" "$(spec <<<"$out")"

  twice s9 scale deployment/dapp --replicas=1
  expect_refused "kubectl scale --replicas=1"
  same "kubectl scale --replicas=1"
}
