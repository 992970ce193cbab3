title_5="HPA: a managed dApp settles as the HPA says; minReplicas 1 -> 2"

scenario_5() {
  on_timeout() { show_workloads s5; }
  namespace s5 production
  as app-developer apply -n s5 -f "$e2e_manifests/dapp-autoscaled.yaml"
  expect_ok "kubectl apply of an HPA (minReplicas 3) and its Deployment without spec.replicas"
  hpa_settled() {
    [ "$(field s5 hpa/dapp-scaled '{.status.desiredReplicas}')" = 3 ] &&
      [ "$(field s5 deployment/dapp-scaled '{.spec.replicas}')" = 3 ] && settled s5 dapp-scaled
  }
  eventually 60 "the HPA scales the dApp to 3 and it settles" hpa_settled
  # Applying the same manifests again leaves the replica count to the autoscaler.
  as app-developer apply -n s5 -f "$e2e_manifests/dapp-autoscaled.yaml"
  expect_ok "kubectl apply again"
  sleep 5  # two of the autoscaler's 2 s syncs
  hpa_settled || fail "no longer settled at the HPA's 3 replicas"
  expect_eq "spec.replicas" "$(field s5 deployment/dapp-scaled '{.spec.replicas}')" 3
  expect_eq "ReplicaSets" "$(replicasets s5 dapp-scaled | wc -l)" 1

  # An autoscaler that would let the dApp down to one replica: the mutating webhook raises its
  # minimum to the policy's (a safe fix), kubectl prints haguard's warning, and the validating
  # webhook then admits it. (Without the fix, /validate denies it: tests/cases/admission.)
  as app-developer apply -n s5 -f "$e2e_manifests/hpa-min-one.yaml"
  expect_ok "kubectl apply of an HPA with minReplicas 1"
  expect_match "kubectl's warning" "$err" 'Warning: haguard fixed min-replicas'
  expect_eq "stored minReplicas" "$(field s5 hpa/dapp '{.spec.minReplicas}')" 2
}
