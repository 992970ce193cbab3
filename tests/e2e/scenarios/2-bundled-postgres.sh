title_2="bundled PostgreSQL: refused in production, warned in staging"

scenario_2() {
  namespace s2-prod production
  namespace s2-staging staging
  as app-developer apply -n s2-prod -f "$e2e_manifests/postgres.yaml"
  expect_refused "kubectl apply in production"
  expect_match "kubectl's error" "$err" \
    'admission webhook "production.validate.haguard.dalp.io" denied the request: haguard denied StatefulSet s2-prod/postgresql'
  expect_match "kubectl's error names what to use" "$err" 'PostgreSQL.*managed PostgreSQL'
  run k get statefulset -n s2-prod postgresql
  expect_refused "the StatefulSet was not stored"

  as app-developer apply -n s2-staging -f "$e2e_manifests/postgres.yaml"
  expect_ok "kubectl apply in staging"
  expect_match "kubectl's warning" "$err" '^Warning: '
  expect_eq "stored in staging" "$(field s2-staging statefulset/postgresql '{.metadata.name}')" postgresql
}
