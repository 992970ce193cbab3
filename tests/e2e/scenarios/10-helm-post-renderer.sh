title_10="helm install through haguard's post-renderer (Helm 3 and Helm 4): fixed, or stopped"

# helm against the e2e cluster as platform-admin, with its own config, cache and plugins under
# build/e2e/helm and haguard on PATH (Helm 4's plugin runs `haguard post-render`).
helm_as_admin() {
  local binary=$1
  shift
  run env HELM_CONFIG_HOME="$e2e_dir/helm/config" HELM_CACHE_HOME="$e2e_dir/helm/cache" \
    HELM_DATA_HOME="$e2e_dir/helm/data" HAGUARD_REPORT="$e2e_dir/helm/report.txt" \
    PATH="$e2e_build/plugin:$PATH" "$e2e_bin/$binary" --kubeconfig "$e2e_dir/kubeconfig" "$@"
}

scenario_10() {
  local charts="$e2e_root/tests/charts"
  rm -rf "$e2e_dir/helm"
  mkdir -p "$e2e_dir/helm"
  namespace s10-helm3 production
  namespace s10-helm4 production

  # Helm 3: --post-renderer runs haguard with --post-renderer-args. The chart's defaults (one
  # replica, no anti-affinity) are fixed in the stream, so what kube-apiserver stores complies.
  helm_as_admin helm3 install dalp "$charts/dalp" -n s10-helm3 --post-renderer haguard \
    --post-renderer-args post-render --post-renderer-args --environment=production
  expect_ok "helm 3 install of the dalp chart's defaults"
  # What Helm recorded is the post-renderer's output (the webhook would also have raised the
  # replicas of what it stored, so the stored object alone would not show who fixed it).
  helm_as_admin helm3 get manifest dalp -n s10-helm3
  expect_match "helm's manifest, fixed by the post-renderer" "$out" \
    'haguard.dalp.io/mutated: min-replicas,soft-anti-affinity'
  expect_eq "stored replicas" "$(field s10-helm3 deployment/dalp-dapp '{.spec.replicas}')" 2
  expect_match "stored anti-affinity" \
    "$(field s10-helm3 deployment/dalp-dapp '{.spec.template.spec.affinity.podAntiAffinity}')" \
    'preferredDuringSchedulingIgnoredDuringExecution'
  expect_eq "helm's release" "$(field s10-helm3 secret/sh.helm.release.v1.dalp.v1 '{.type}')" \
    helm.sh/release.v1

  # The support chart bundles PostgreSQL, Redis and RustFS: the post-renderer exits non-zero and
  # Helm stops before anything reaches the cluster; its error names the values to flip.
  helm_as_admin helm3 install support "$charts/support" -n s10-helm3 --post-renderer haguard \
    --post-renderer-args post-render --post-renderer-args --environment=production
  expect_refused "helm 3 install of the support chart's defaults"
  expect_match "helm's error" "$err" 'set support.postgresql.enabled: false'
  expect_eq "nothing of the support chart stored" \
    "$(k get statefulsets,deployments -n s10-helm3 -l app.kubernetes.io/instance=support -o name)" ""

  # Helm 4: the postrenderer/v1 plugin shipped in the repository, installed with helm plugin install.
  helm_as_admin helm plugin install "$e2e_root/plugin/helm-postrenderer"
  expect_ok "helm 4 plugin install"
  helm_as_admin helm install dalp "$charts/dalp" -n s10-helm4 --post-renderer haguard \
    --post-renderer-args=--environment=production --dry-run=server -o json
  expect_ok "helm 4 install --dry-run=server"
  expect_match "the dry run's manifest, fixed" "$out" 'replicas: 2'
  run k get deployment -n s10-helm4 dalp-dapp
  expect_refused "the dry run stored nothing"
  helm_as_admin helm install dalp "$charts/dalp" -n s10-helm4 --post-renderer haguard \
    --post-renderer-args=--environment=production
  expect_ok "helm 4 install"
  expect_eq "stored replicas" "$(field s10-helm4 deployment/dalp-dapp '{.spec.replicas}')" 2
  helm_as_admin helm install support "$charts/support" -n s10-helm4 --post-renderer haguard \
    --post-renderer-args=--environment=production
  expect_refused "helm 4 install of the support chart's defaults"
  expect_match "the report Helm 4 keeps from the plugin's stderr" \
    "$(cat "$e2e_dir/helm/report.txt")" 'support-redis: no-bundled-stateful-services'
}
