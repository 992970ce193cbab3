title_6="webhook down: production closed, others open, kube-system unjudged"

# create NS NAME: kubectl create of the plain dApp under another name (rc, out, err as run).
create_dapp() {
  as app-developer create -n "$1" -f <(sed "s/^  name: dapp$/  name: $2/" "$e2e_manifests/dapp-plain.yaml")
}

scenario_6() {
  namespace s6-prod production
  namespace s6-staging staging
  namespace s6-dev development
  # Labelled production, and still never judged: the selectors leave out these namespaces by name.
  k label namespace haguard kube-system haguard.dalp.io/environment=production --overwrite >/dev/null
  trap 'k label namespace haguard kube-system haguard.dalp.io/environment- >/dev/null; k delete deployment -n kube-system -l e2e=s6 >/dev/null' EXIT
  for ns in haguard kube-system; do
    as platform-admin create -n "$ns" -f <(sed 's/^  labels: {/  labels: {e2e: s6, /' "$e2e_manifests/dapp-plain.yaml")
    expect_ok "create in $ns while the webhook runs"
    # (The haguard namespace's own PodSecurity label warns about the pods: not haguard's.)
    expect_no_match "kubectl's warnings in $ns" "$(grep -v 'PodSecurity' <<<"$err")" 'Warning'
    expect_eq "no haguard annotation in $ns" \
      "$(field "$ns" deployment/dapp '{.metadata.annotations.haguard\.dalp\.io/mutated}')" ""
    expect_eq "stored as written in $ns" "$(field "$ns" deployment/dapp '{.spec.replicas}')" 1
  done

  "$e2e_here/cluster" webhook stop
  echo "webhook stopped"
  create_dapp s6-prod down
  expect_refused "production create while the webhook is down"
  expect_match "kubectl's error" "$err" 'failed calling webhook "production\.(mutate|validate)\.haguard\.dalp\.io"'
  for ns in s6-staging s6-dev; do
    create_dapp "$ns" down
    expect_ok "create in $ns while the webhook is down"
    expect_eq "stored as written in $ns" "$(field "$ns" deployment/down '{.spec.replicas}')" 1
  done
  for ns in haguard kube-system; do
    as platform-admin scale -n "$ns" deployment/dapp --replicas=1
    expect_ok "update in $ns while the webhook is down"
  done

  "$e2e_here/cluster" webhook start
  echo "webhook started"
  create_dapp s6-prod up
  expect_ok "production create once the webhook is back"
  expect_eq "fixed in production" "$(field s6-prod deployment/up '{.spec.replicas}')" 2
  for ns in s6-staging s6-dev; do
    create_dapp "$ns" up
    expect_ok "create in $ns once the webhook is back"
    expect_match "kubectl's warning in $ns" "$err" '^Warning: .*min-replicas'
  done
}
