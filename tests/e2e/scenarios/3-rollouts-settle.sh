title_3="rollouts settle: one new ReplicaSet, the old one at 0, no more"

# rollout NS DEPLOYMENT IMAGE: a developer changes the image; the controller-manager must settle
# with one new ReplicaSet running every replica, the old one at 0, and create none after that.
rollout() {
  local ns=$1 name=$2 image=$3 before
  before="$(replicasets "$ns" "$name" | wc -l)"
  as app-developer set image -n "$ns" "deployment/$name" "dapp=$image"
  expect_ok "kubectl set image"
  eventually 90 "the rollout of $ns/$name settles" settled "$ns" "$name"
  sleep 5  # a controller fighting the webhook makes a new ReplicaSet within a second or two
  replicasets "$ns" "$name"
  expect_eq "ReplicaSets of $ns/$name" "$(replicasets "$ns" "$name" | wc -l)" $((before + 1))
  expect_eq "the running ReplicaSet's image" "$(replicasets "$ns" "$name" | awk '$2 != 0 {print $4}')" "$image"
  expect_eq "ReplicaSets at 0" "$(replicasets "$ns" "$name" | awk '$2 == 0' | wc -l)" "$before"
  settled "$ns" "$name" || fail "$ns/$name no longer settled"
}

scenario_3() {
  on_timeout() { show_workloads s3; show_workloads s3-legacy; }
  namespace s3 production
  as app-developer apply -n s3 -f "$e2e_manifests/dapp-compliant.yaml"
  expect_ok "kubectl apply of a compliant dApp"
  eventually 60 "the compliant dApp rolls out" settled s3 dapp-ha
  expect_eq "ReplicaSets" "$(replicasets s3 dapp-ha | wc -l)" 1
  rollout s3 dapp-ha ghcr.io/settlemint/dalp-dapp:1.1.0

  # A dApp exempted from probes by a platform admin: its ReplicaSets carry the annotations too,
  # written by the deployment controller, which may not grant exemptions itself.
  local until
  until="$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)"
  as platform-admin apply -n s3 -f <(sed "s/UNTIL/$until/" "$e2e_manifests/dapp-exempted.yaml")
  expect_ok "kubectl apply of an exempted dApp"
  expect_match "kubectl's warning" "$err" '^Warning: exempted from probes'
  eventually 60 "the exempted dApp rolls out" settled s3 dapp-exempted
  expect_eq "ReplicaSets" "$(replicasets s3 dapp-exempted | wc -l)" 1
  rollout s3 dapp-exempted ghcr.io/settlemint/dalp-dapp:1.1.0

  # A dApp that predates haguard: created while no webhook configuration existed.
  namespace s3-legacy production
  "$e2e_here/cluster" uninstall
  as app-developer apply -n s3-legacy -f "$e2e_manifests/dapp-plain.yaml"
  expect_ok "kubectl apply before haguard"
  expect_eq "stored as written" "$(field s3-legacy deployment/dapp '{.spec.replicas}')" 1
  eventually 60 "the legacy dApp rolls out" settled s3-legacy dapp
  "$e2e_here/cluster" install
  rollout s3-legacy dapp ghcr.io/settlemint/dalp-dapp:1.1.0
  expect_eq "the update was fixed" "$(field s3-legacy deployment/dapp '{.spec.replicas}')" 2
}
