title_1="production: a 1-replica dApp without probes is fixed and warned"

scenario_1() {
  namespace s1 production
  as app-developer apply -n s1 -f "$e2e_manifests/dapp-plain.yaml"
  expect_ok "kubectl apply"
  expect_match "kubectl's warning" "$err" '^Warning: haguard fixed .*min-replicas'
  expect_match "kubectl's warning" "$err" '^Warning: haguard fixed .*probes'
  expect_match "kubectl's warning" "$err" '^Warning: haguard fixed .*soft-anti-affinity'

  local d=deployment/dapp c='{.spec.template.spec.containers[0]'
  local term='{.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]'
  expect_eq "stored spec.replicas" "$(field s1 $d '{.spec.replicas}')" 2
  expect_eq "stored liveness probe" "$(field s1 $d "$c.livenessProbe.tcpSocket.port}")" http
  expect_eq "stored readiness probe" "$(field s1 $d "$c.readinessProbe.tcpSocket.port}")" http
  expect_eq "anti-affinity weight" "$(field s1 $d "$term.weight}")" 1
  expect_eq "anti-affinity topology" "$(field s1 $d "$term.podAffinityTerm.topologyKey}")" kubernetes.io/hostname
  expect_eq "anti-affinity selects the pods" \
    "$(field s1 $d "$term.podAffinityTerm.labelSelector.matchLabels.app\.kubernetes\.io/name}")" dapp
  eventually 60 "the fixed dApp rolls out (2 ready replicas)" settled s1 dapp
}
