title_8="Argo CD server-side diff of a haguard render shows no drift"

scenario_8() {
  namespace s8 production
  local example="$e2e_root/plugin/examples/dalp" render="$e2e_dir/run/s8-render"
  local haguard="$e2e_build/plugin/haguard" argocd=(--server-side --field-manager=argocd-controller)
  (cd "$example" && "$haguard" render -e production -n s8) > "$render.1.yaml"
  echo "rendered $(grep -c '^kind:' "$render.1.yaml") objects"
  as argocd-application-controller apply "${argocd[@]}" -f "$render.1.yaml"
  expect_ok "server-side apply of the render"
  expect_no_match "kubectl's output" "$err" 'Warning'

  as argocd-application-controller diff "${argocd[@]}" -f "$render.1.yaml"
  expect_eq "kubectl diff --server-side exit status (0: no differences)" "$rc" 0
  expect_eq "kubectl diff --server-side output" "$out" ""

  # Settled first: the controllers' status writes would change resourceVersions too.
  for d in $(k get -f "$render.1.yaml" -o jsonpath='{range .items[?(@.kind=="Deployment")]}{.metadata.name} {end}'); do
    eventually 60 "deployment $d rolls out" settled s8 "$d"
  done
  local versions
  versions="$(k get -f "$render.1.yaml" -o jsonpath='{range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}')"
  (cd "$example" && "$haguard" render -e production -n s8) > "$render.2.yaml"
  cmp "$render.1.yaml" "$render.2.yaml" || fail "a second render differs"
  as argocd-application-controller apply "${argocd[@]}" -f "$render.2.yaml"
  expect_ok "second server-side apply"
  expect_eq "resourceVersions after the second apply (nothing written)" \
    "$(k get -f "$render.2.yaml" -o jsonpath='{range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}')" \
    "$versions"
  expect_eq "haguard's mutated annotation (nothing was fixed)" \
    "$(field s8 deployment/dapp '{.metadata.annotations.haguard\.dalp\.io/mutated}')" ""
}
