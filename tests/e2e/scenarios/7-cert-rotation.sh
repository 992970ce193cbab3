title_7="certificate rotated twice under a kubectl apply loop: none fails"

# The serial of the certificate haguard-webhook presents on a new connection.
served_serial() {
  source "$e2e_dir/run/cluster.env"
  openssl s_client -connect "127.0.0.1:$webhook_port" -CAfile "$e2e_dir/webhook-pki/ca.crt" \
    -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -serial
}
file_serial() { openssl x509 -in "$e2e_dir/webhook-tls/tls.crt" -noout -serial; }
serving_the_file() { [ "$(served_serial)" = "$(file_serial)" ]; }

scenario_7() {
  namespace s7 production
  # kube-apiserver keeps its connections to a webhook alive, and one opened before a rotation
  # never sees the new certificate. Closing idle connections after 1 s (the loop pauses 1.5 s
  # between applies) makes every apply handshake anew.
  "$e2e_here/cluster" webhook stop
  HAGUARD_HEADER_TIMEOUT=1 "$e2e_here/cluster" webhook start
  trap '"$e2e_here/cluster" webhook stop; "$e2e_here/cluster" webhook start' EXIT
  as app-developer apply -n s7 -f "$e2e_manifests/dapp-compliant.yaml"
  expect_ok "kubectl apply"
  local applies=24 results="$e2e_dir/run/s7-results" first
  first="$(served_serial)"
  # Each apply changes an annotation: a real UPDATE that both webhooks judge.
  (
    set +e
    for i in $(seq "$applies"); do
      sleep 1.5
      sed "s/^  labels: {app.kubernetes.io\/name: dapp}$/&\n  annotations: {e2e\/apply: \"$i\"}/" \
        "$e2e_manifests/dapp-compliant.yaml" |
        "$e2e_bin/kubectl" --kubeconfig "$e2e_dir/kubeconfig" --context app-developer apply -n s7 -f - \
          >/dev/null 2>"$results.$i.err"
      echo "$i $?"
    done
  ) > "$results" &
  local loop=$!
  for rotation in 1 2; do
    sleep 10
    "$e2e_here/cluster" webhook rotate-cert
    eventually 10 "rotation $rotation: new connections get the new certificate" serving_the_file
    echo "  serving $(served_serial)"
  done
  wait "$loop"
  [ "$(served_serial)" != "$first" ] || fail "the served certificate never changed"
  echo "applies during the rotations: $(wc -l < "$results"), failed: $(awk '$2 != 0' "$results" | wc -l)"
  awk '$2 != 0 {print $1}' "$results" | while read -r i; do echo "apply $i:"; cat "$results.$i.err"; done
  expect_eq "applies" "$(wc -l < "$results")" "$applies"
  expect_eq "failed applies" "$(awk '$2 != 0' "$results" | wc -l)" 0
  expect_eq "the last apply is stored" \
    "$(field s7 deployment/dapp-ha '{.metadata.annotations.e2e/apply}')" "$applies"
}
