{{- define "dalp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dalp
{{- end -}}
{{- define "dalp.dapp.selector" -}}
app.kubernetes.io/name: dapp
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
