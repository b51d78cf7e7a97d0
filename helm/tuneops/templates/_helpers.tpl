{{/* Chart name, truncated to 63 characters. */}}
{{- define "tuneops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped base name; component names append "-<component>" so keep room for it. */}}
{{- define "tuneops.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tuneops.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The services: values key, port, image name, upstream variable suffix, and whether it uses
PostgreSQL and Redis (a service that does not gets neither their credentials nor a route to them;
console-service keeps no data: its pages come from the owners' routes, its sessions are the gateway's).
Returned as YAML; use with fromYaml. Which of them the release runs: tuneops.services.
*/}}
{{- define "tuneops.components" -}}
gateway: {port: 8080, image: gateway-service, upstream: GATEWAY, database: true, redis: true}
webhook: {port: 8081, image: webhook-service, upstream: WEBHOOK, database: true, redis: true}
storage: {port: 8082, image: storage-service, upstream: STORAGE, database: true, redis: true}
metrics: {port: 8083, image: metrics-service, upstream: METRICS, database: true, redis: true}
audit: {port: 8084, image: audit-service, upstream: AUDIT, database: true, redis: true}
console: {port: 8085, image: console-service, upstream: CONSOLE, database: false, redis: false}
{{- end }}

{{/*
Keys of the services the release runs: the five that own the API, then console-service unless
console.enabled=false. Returned as JSON; use with fromJsonArray.
*/}}
{{- define "tuneops.services" -}}
{{- $services := list "gateway" "webhook" "storage" "metrics" "audit" }}
{{- if .Values.console.enabled }}
{{- $services = append $services "console" }}
{{- end }}
{{- toJson $services }}
{{- end }}

{{- define "tuneops.labels" -}}
helm.sh/chart: {{ include "tuneops.chart" . }}
app.kubernetes.io/name: {{ include "tuneops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tuneops
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "tuneops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tuneops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "tuneops.componentLabels" -}}
{{ include "tuneops.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "tuneops.componentSelectorLabels" -}}
{{ include "tuneops.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Name of one component's objects. (dict "root" $ "component" "gateway") */}}
{{- define "tuneops.componentName" -}}
{{- printf "%s-%s" (include "tuneops.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tuneops.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tuneops.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the chart generates (or the user's existing one) for the application secrets. */}}
{{- define "tuneops.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-secrets" (include "tuneops.fullname" .) }}
{{- end }}
{{- end }}

{{/* Secret holding chart-managed connection secrets (inline DB/Redis passwords). */}}
{{- define "tuneops.connectionSecretName" -}}
{{- printf "%s-connections" (include "tuneops.fullname" .) }}
{{- end }}

{{- define "tuneops.image" -}}
{{- $root := .root }}
{{- $c := .values }}
{{- $registry := default $root.Values.image.registry $c.image.registry }}
{{- $repository := default (printf "%s/%s" $root.Values.image.repositoryPrefix .imageName) $c.image.repository }}
{{- $tag := default (default $root.Chart.AppVersion $root.Values.image.tag) $c.image.tag }}
{{- if $c.image.digest }}
{{- printf "%s/%s@%s" $registry $repository $c.image.digest }}
{{- else if $registry }}
{{- printf "%s/%s:%s" $registry $repository $tag }}
{{- else }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
{{- end }}

{{/* PostgreSQL URL, without credentials. */}}
{{- define "tuneops.dbUrl" -}}
{{- $db := .Values.externalDatabase }}
{{- if .Values.postgresql.enabled }}
{{- printf "postgresql://%s:5432/%s" (include "tuneops.componentName" (dict "root" . "component" "postgresql")) .Values.postgresql.database }}
{{- else if $db.url }}
{{- $db.url }}
{{- else }}
{{- $params := list }}
{{- if $db.sslmode }}{{ $params = append $params (printf "sslmode=%s" $db.sslmode) }}{{ end }}
{{- printf "postgresql://%s:%d/%s" $db.host (int $db.port) $db.database }}{{ if $params }}?{{ join "&" $params }}{{ end }}
{{- end }}
{{- end }}

{{/* Redis URL. Only used in plain env when the URL carries no password. */}}
{{- define "tuneops.redisUrl" -}}
{{- $r := .Values.externalRedis }}
{{- $scheme := ternary "rediss" "redis" $r.tls }}
{{- if $r.password }}
{{- printf "%s://%s:%s@%s:%d/%d" $scheme (urlquery $r.username) (urlquery $r.password) $r.host (int $r.port) (int $r.database) }}
{{- else }}
{{- printf "%s://%s:%d/%d" $scheme $r.host (int $r.port) (int $r.database) }}
{{- end }}
{{- end }}

{{- define "tuneops.publicUrl" -}}
{{- if .Values.publicUrl }}
{{- .Values.publicUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}
{{- $host := (first .Values.ingress.hosts).host }}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.ingress.tls))) $host }}
{{- else }}
{{- printf "http://%s.%s.svc:%d" (include "tuneops.componentName" (dict "root" . "component" "gateway")) .Release.Namespace (int .Values.gateway.service.port) }}
{{- end }}
{{- end }}

{{/* Whether the database password comes from a Secret, and which one/key. */}}
{{- define "tuneops.dbPasswordRef" -}}
{{- $db := .Values.externalDatabase }}
{{- if .Values.postgresql.enabled }}
{{- dict "name" (include "tuneops.bundledSecretName" .) "key" "postgres-password" | toYaml }}
{{- else if $db.existingSecret }}
{{- dict "name" $db.existingSecret "key" $db.existingSecretPasswordKey | toYaml }}
{{- else if $db.password }}
{{- dict "name" (include "tuneops.connectionSecretName" .) "key" "db-password" | toYaml }}
{{- end }}
{{- end }}

{{- define "tuneops.redisUrlRef" -}}
{{- $r := .Values.externalRedis }}
{{- if .Values.redis.enabled }}
{{- dict "name" (include "tuneops.bundledSecretName" .) "key" "redis-url" | toYaml }}
{{- else if $r.existingSecret }}
{{- dict "name" $r.existingSecret "key" $r.existingSecretUrlKey | toYaml }}
{{- else if $r.password }}
{{- dict "name" (include "tuneops.connectionSecretName" .) "key" "redis-url" | toYaml }}
{{- end }}
{{- end }}

{{/*
Application secrets each component reads: variable -> key in tuneops.secretName.
*/}}
{{- define "tuneops.componentSecrets" -}}
{{- $c := .component }}
{{- $v := .root.Values }}
{{- $out := dict "TUNEOPS_INTERNAL_SECRET" "internal-secret" }}
{{- if eq $c "gateway" }}
{{- $_ := set $out "TUNEOPS_ADMIN_TOKEN" "admin-token" }}
{{- $_ := set $out "TUNEOPS_API_KEY_SECRET" "api-key-secret" }}
{{- end }}
{{- if eq $c "webhook" }}
{{- $_ := set $out "TUNEOPS_ENCRYPTION_KEY" "encryption-key" }}
{{- end }}
{{- if eq $c "audit" }}
{{- $_ := set $out "TUNEOPS_AUDIT_CHECKPOINT_KEY" "audit-checkpoint-key" }}
{{- end }}
{{- if and $v.secrets.monitoringToken.enabled (has $c (list "gateway" "metrics" "webhook" "storage" "audit")) }}
{{- $_ := set $out "TUNEOPS_MONITORING_TOKEN" "monitoring-token" }}
{{- end }}
{{- toYaml $out }}
{{- end }}
