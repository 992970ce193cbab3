title_4="kubectl scale to 1: denied; exempted by a platform admin: allowed"

scenario_4() {
  namespace s4 production
  local until reason="load test of the standby region, CHG-1234"
  until="$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)"  # within the policy's 720h
  as app-developer apply -n s4 -f "$e2e_manifests/dapp-compliant.yaml"
  expect_ok "kubectl apply"

  as app-developer scale -n s4 deployment/dapp-ha --replicas=1
  expect_refused "kubectl scale --replicas=1 without an exemption"
  expect_match "kubectl's error" "$err" \
    'admission webhook "production.validate.haguard.dalp.io" denied the request: haguard denied .*min-replicas'
  expect_eq "spec.replicas" "$(field s4 deployment/dapp-ha '{.spec.replicas}')" 2

  as platform-admin annotate -n s4 deployment/dapp-ha haguard.dalp.io/exempt=min-replicas \
    "haguard.dalp.io/exempt-reason=$reason" "haguard.dalp.io/exempt-until=$until"
  expect_ok "a platform admin adds the exemption"
  # haguard caches a /scale parent for a few seconds: the exemption counts once that has expired.
  scale_exempted() {
    as app-developer scale -n s4 deployment/dapp-ha --replicas=1
    [ "$rc" -eq 0 ]
  }
  eventually 15 "kubectl scale --replicas=1 is allowed" scale_exempted
  expect_match "kubectl's warning" "$err" "^Warning: exempted from min-replicas: .*$reason"
  expect_eq "spec.replicas" "$(field s4 deployment/dapp-ha '{.spec.replicas}')" 1

  # The same exemption from a developer, on a dApp that has none.
  as app-developer apply -n s4 -f "$e2e_manifests/dapp-plain.yaml"
  expect_ok "kubectl apply of a second dApp"
  as app-developer annotate -n s4 deployment/dapp haguard.dalp.io/exempt=min-replicas \
    "haguard.dalp.io/exempt-reason=$reason" "haguard.dalp.io/exempt-until=$until"
  expect_refused "a developer adds the exemption"
  expect_match "kubectl's error names the user" "$err" 'denied the request: .*user "app-developer" may not grant exemptions'
  expect_eq "annotations stored" "$(field s4 deployment/dapp '{.metadata.annotations.haguard\.dalp\.io/exempt}')" ""
  as app-developer scale -n s4 deployment/dapp --replicas=1
  expect_refused "kubectl scale --replicas=1 of the dApp without an exemption"
}
