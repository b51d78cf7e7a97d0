{{/*
Helpers of the install additions: backups, bundled evaluation servers, helm test.
*/}}

{{/* Secret of the bundled servers' generated passwords. */}}
{{- define "tuneops.bundledSecretName" -}}
{{- printf "%s-bundled" (include "tuneops.fullname" .) }}
{{- end }}

{{/* Image reference from {registry, repository, tag, digest}. */}}
{{- define "tuneops.plainImage" -}}
{{- $i := . }}
{{- $ref := ternary $i.repository (printf "%s/%s" $i.registry $i.repository) (empty $i.registry) }}
{{- if $i.digest }}
{{- printf "%s@%s" $ref $i.digest }}
{{- else }}
{{- printf "%s:%s" $ref $i.tag }}
{{- end }}
{{- end }}

{{/* PostgreSQL port the services connect to. */}}
{{- define "tuneops.dbPort" -}}
{{- if .Values.postgresql.enabled }}5432{{ else }}{{ .Values.externalDatabase.port }}{{ end }}
{{- end }}

{{- define "tuneops.redisPort" -}}
{{- if .Values.redis.enabled }}6379{{ else }}{{ .Values.externalRedis.port }}{{ end }}
{{- end }}

{{/* NetworkPolicy peers of PostgreSQL / Redis: the bundled pod, or networkPolicy.databaseTo/redisTo. */}}
{{- define "tuneops.dbPeers" -}}
{{- if .Values.postgresql.enabled }}
- podSelector:
    matchLabels:
      {{- include "tuneops.componentSelectorLabels" (dict "root" . "component" "postgresql") | nindent 6 }}
{{- else if .Values.networkPolicy.databaseTo }}
{{- toYaml .Values.networkPolicy.databaseTo }}
{{- end }}
{{- end }}

{{- define "tuneops.redisPeers" -}}
{{- if .Values.redis.enabled }}
- podSelector:
    matchLabels:
      {{- include "tuneops.componentSelectorLabels" (dict "root" . "component" "redis") | nindent 6 }}
{{- else if .Values.networkPolicy.redisTo }}
{{- toYaml .Values.networkPolicy.redisTo }}
{{- end }}
{{- end }}

{{/* Hardened container securityContext for the chart's helper containers (backup, test). */}}
{{- define "tuneops.restrictedContainer" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}
