{{/*
Chart name, truncated to the 63 characters of a DNS label.
*/}}
{{- define "reliable-message-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: release-chart, or the release name when it already contains the chart name.
Kept to 52 characters so suffixes such as "-metrics" stay within 63.
*/}}
{{- define "reliable-message-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "reliable-message-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "reliable-message-service.labels" -}}
helm.sh/chart: {{ include "reliable-message-service.chart" . }}
{{ include "reliable-message-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "reliable-message-service.name" . }}
{{- end }}

{{/*
Selector labels (never change between upgrades).
*/}}
{{- define "reliable-message-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "reliable-message-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of one component (api, jobs, all); call with (dict "ctx" $ "component" "api").
*/}}
{{- define "reliable-message-service.componentLabels" -}}
{{ include "reliable-message-service.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "reliable-message-service.componentSelectorLabels" -}}
{{ include "reliable-message-service.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
The component serving the REST API: "api" in split mode, "all" otherwise.
*/}}
{{- define "reliable-message-service.apiComponent" -}}
{{- if eq .Values.mode "split" }}api{{ else }}all{{ end }}
{{- end }}

{{/*
Name of the Deployment serving the REST API.
*/}}
{{- define "reliable-message-service.apiDeploymentName" -}}
{{- if eq .Values.mode "split" }}
{{- printf "%s-api" (include "reliable-message-service.fullname" .) }}
{{- else }}
{{- include "reliable-message-service.fullname" . }}
{{- end }}
{{- end }}

{{- define "reliable-message-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "reliable-message-service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "reliable-message-service.image" -}}
{{- $repo := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repo = printf "%s/%s" (trimSuffix "/" .Values.image.registry) .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The Secret created by the chart for values given in clear (passwords, keys).
*/}}
{{- define "reliable-message-service.secretName" -}}
{{- include "reliable-message-service.fullname" . }}
{{- end }}

{{- define "reliable-message-service.databaseSecretName" -}}
{{- default (include "reliable-message-service.secretName" .) .Values.externalDatabase.existingSecret }}
{{- end }}

{{- define "reliable-message-service.rabbitmqSecretName" -}}
{{- default (include "reliable-message-service.secretName" .) .Values.externalRabbitmq.existingSecret }}
{{- end }}

{{/*
True ("true") when the chart must create its Secret: anything secret given in clear.
*/}}
{{- define "reliable-message-service.needsSecret" -}}
{{- $need := false }}
{{- if and (not .Values.externalDatabase.existingSecret) .Values.externalDatabase.password }}{{ $need = true }}{{ end }}
{{- if and (not .Values.externalRabbitmq.existingSecret) .Values.externalRabbitmq.password }}{{ $need = true }}{{ end }}
{{- if and .Values.admin.enabled (not .Values.admin.existingSecret) }}{{ $need = true }}{{ end }}
{{- if and .Values.dashboard.admin.username (not .Values.dashboard.admin.existingSecret) .Values.dashboard.admin.password }}{{ $need = true }}{{ end }}
{{- if and .Values.dashboard.oidc.enabled (not .Values.dashboard.oidc.existingSecret) .Values.dashboard.oidc.clientSecret }}{{ $need = true }}{{ end }}
{{- range .Values.apps }}
{{- if and (not .existingSecret) (or .apiKeys .checkBackSecret) }}{{ $need = true }}{{ end }}
{{- end }}
{{- if $need }}true{{ end }}
{{- end }}

{{/*
The admin key from values; fails when the admin is enabled with neither a key nor a Secret.
*/}}
{{- define "reliable-message-service.adminApiKey" -}}
{{- required "admin.enabled needs admin.apiKey or admin.existingSecret" .Values.admin.apiKey }}
{{- end }}

{{/*
Secret-backed environment: SECRET_APP_<i>_API_KEYS / SECRET_APP_<i>_CHECK_BACK_SECRET and
SECRET_ADMIN_API_KEY, referenced as placeholders from the ConfigMap's application.yaml.
*/}}
{{- define "reliable-message-service.secretEnv" -}}
{{- $secret := include "reliable-message-service.secretName" . }}
{{- range $i, $app := .Values.apps }}
{{- $from := default $secret $app.existingSecret }}
{{- if or $app.existingSecret $app.apiKeys }}
- name: SECRET_APP_{{ $i }}_API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $from }}
      key: {{ ternary (default "api-keys" $app.apiKeysKey) (printf "app-%d-api-keys" $i) (not (empty $app.existingSecret)) }}
{{- end }}
{{- if or (and $app.existingSecret $app.checkBackUrl) $app.checkBackSecret }}
- name: SECRET_APP_{{ $i }}_CHECK_BACK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $from }}
      key: {{ ternary (default "check-back-secret" $app.checkBackSecretKey) (printf "app-%d-check-back-secret" $i) (not (empty $app.existingSecret)) }}
{{- end }}
{{- end }}
{{- if .Values.admin.enabled }}
- name: SECRET_ADMIN_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ default $secret .Values.admin.existingSecret }}
      key: {{ ternary .Values.admin.existingSecretKey "admin-api-key" (not (empty .Values.admin.existingSecret)) }}
{{- end }}
{{- with .Values.dashboard.admin }}
{{- if and .username (or .existingSecret .password) }}
- name: SECRET_DASHBOARD_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ default $secret .existingSecret }}
      key: {{ ternary .existingSecretPasswordKey "dashboard-admin-password" (not (empty .existingSecret)) }}
{{- end }}
{{- end }}
{{- with .Values.dashboard.oidc }}
{{- if and .enabled (or .existingSecret .clientSecret) }}
- name: SECRET_OIDC_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ default $secret .existingSecret }}
      key: {{ ternary .existingSecretKey "oidc-client-secret" (not (empty .existingSecret)) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The application.yaml the ConfigMap carries: rms.* from values, then `config` merged over it.
*/}}
{{- define "reliable-message-service.applicationYaml" -}}
{{- $apps := list }}
{{- range $i, $app := .Values.apps }}
{{- $a := dict "id" $app.id }}
{{- if $app.produces }}{{ $_ := set $a "produces" $app.produces }}{{ end }}
{{- if $app.roles }}{{ $_ := set $a "roles" $app.roles }}{{ end }}
{{- if $app.checkBackUrl }}{{ $_ := set $a "check-back-url" $app.checkBackUrl }}{{ end }}
{{- if or $app.existingSecret $app.apiKeys }}{{ $_ := set $a "api-keys" (printf "${SECRET_APP_%d_API_KEYS}" $i) }}{{ end }}
{{- if or (and $app.existingSecret $app.checkBackUrl) $app.checkBackSecret }}{{ $_ := set $a "check-back-secret" (printf "${SECRET_APP_%d_CHECK_BACK_SECRET}" $i) }}{{ end }}
{{- $apps = append $apps $a }}
{{- end }}
{{- if .Values.admin.enabled }}
{{- $apps = append $apps (dict "id" .Values.admin.id "roles" (list "ADMIN") "api-keys" "${SECRET_ADMIN_API_KEY}") }}
{{- end }}
{{- $subs := list }}
{{- range .Values.subscriptions }}
{{- $s := dict "name" .name "topic" .topic "app" .app }}
{{- if .queue }}{{ $_ := set $s "queue" .queue }}{{ end }}
{{- if .ackTimeout }}{{ $_ := set $s "ack-timeout" .ackTimeout }}{{ end }}
{{- if .maxAttempts }}{{ $_ := set $s "max-attempts" .maxAttempts }}{{ end }}
{{- if .backoff }}{{ $_ := set $s "backoff" .backoff }}{{ end }}
{{- if .ordered }}{{ $_ := set $s "ordered" true }}{{ end }}
{{- if .delivery }}{{ $_ := set $s "delivery" .delivery }}{{ end }}
{{- with .push }}
{{- $p := dict "url" .url }}
{{- if .timeout }}{{ $_ := set $p "timeout" .timeout }}{{ end }}
{{- if .concurrency }}{{ $_ := set $p "concurrency" .concurrency }}{{ end }}
{{- if .rate }}{{ $_ := set $p "rate" .rate }}{{ end }}
{{- if .pauseAfter }}{{ $_ := set $p "pause-after" .pauseAfter }}{{ end }}
{{- $_ := set $s "push" $p }}
{{- end }}
{{- if .backfillFrom }}{{ $_ := set $s "backfill-from" .backfillFrom }}{{ end }}
{{- $subs = append $subs $s }}
{{- end }}
{{- $rms := dict
  "apps" $apps
  "subscriptions" $subs
  "check-back" (dict "after" .Values.rms.checkBack.after "max-checks" .Values.rms.checkBack.maxChecks "allowed-hosts" .Values.rms.checkBack.allowedHosts "block-private-addresses" .Values.rms.checkBack.blockPrivateAddresses)
  "push" (dict "allowed-hosts" .Values.rms.push.allowedHosts "block-private-addresses" .Values.rms.push.blockPrivateAddresses)
  "pull" (dict "max-waiters" .Values.rms.pull.maxWaiters "retry-interval" .Values.rms.pull.retryInterval)
  "group-commit" (dict "enabled" .Values.rms.groupCommit.enabled "committers" .Values.rms.groupCommit.committers "max-batch" .Values.rms.groupCommit.maxBatch)
  "recovery" (dict "interval" .Values.rms.recovery.interval "batch-size" .Values.rms.recovery.batchSize)
  "retention" .Values.rms.retention
  "payload-max-bytes" .Values.rms.payloadMaxBytes
  "tracing" (dict "enabled" .Values.rms.tracing.enabled "otlp-endpoint" .Values.rms.tracing.otlpEndpoint "sampling-probability" .Values.rms.tracing.samplingProbability "viewer-url" .Values.rms.tracing.viewerUrl)
  "broker" (dict "queue-type" .Values.externalRabbitmq.queueType)
  "metrics" (dict "refresh" .Values.metrics.refresh "waiting-key-threshold" .Values.metrics.waitingKeyThreshold)
  "demo" (dict "enabled" false) }}
{{- with .Values.externalRabbitmq.classicQueueVersion }}
{{- $_ := set (index $rms "broker") "classic-queue-version" . }}
{{- end }}
{{- with .Values.dashboard.admin }}
{{- if and .username (or .existingSecret .password) }}
{{- $_ := set $rms "dashboard" (dict "admin" (dict "username" .username "password" "${SECRET_DASHBOARD_ADMIN_PASSWORD}")) }}
{{- end }}
{{- end }}
{{- $generated := dict "rms" $rms }}
{{- with .Values.dashboard.oidc }}
{{- if .enabled }}
{{- $id := required "dashboard.oidc.enabled needs dashboard.oidc.registrationId" .registrationId }}
{{- $registration := dict
  "client-id" (required "dashboard.oidc.enabled needs dashboard.oidc.clientId" .clientId)
  "client-name" .clientName
  "scope" .scopes
  "authorization-grant-type" "authorization_code"
  "redirect-uri" "{baseUrl}/dashboard/login/oauth2/code/{registrationId}" }}
{{- if or .existingSecret .clientSecret }}{{ $_ := set $registration "client-secret" "${SECRET_OIDC_CLIENT_SECRET}" }}{{ end }}
{{- $provider := dict "issuer-uri" (required "dashboard.oidc.enabled needs dashboard.oidc.issuerUri" .issuerUri) }}
{{- $client := dict "registration" (dict $id $registration) "provider" (dict $id $provider) }}
{{- $_ := set $generated "spring" (dict "security" (dict "oauth2" (dict "client" $client))) }}
{{- end }}
{{- end }}
{{- with .Values.ingress.trustedProxies }}
{{- $_ := set $generated "server" (dict "tomcat" (dict "remoteip" (dict "internal-proxies" (join ", " .)))) }}
{{- end }}
{{- $merged := mergeOverwrite $generated (deepCopy .Values.config) }}
{{- toYaml $merged }}
{{- end }}

{{/*
The pod template of a Deployment; call with (dict "ctx" $ "component" "api" "role" "api"
"settings" .Values.api).
*/}}
{{- define "reliable-message-service.podTemplate" -}}
{{- $ := .ctx }}
{{- $v := $.Values }}
metadata:
  labels:
    {{- include "reliable-message-service.componentLabels" (dict "ctx" $ "component" .component) | nindent 4 }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") $ | sha256sum }}
    checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") $ | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "reliable-message-service.serviceAccountName" $ }}
  automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
  # no *_SERVICE_HOST/*_PORT variables: Spring binds env vars, and a Service named e.g. "server"
  # would set SERVER_PORT=tcp://...
  enableServiceLinks: false
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ $.Chart.Name }}
      image: {{ include "reliable-message-service.image" $ }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      securityContext:
        {{- toYaml $v.securityContext | nindent 8 }}
      ports:
        - name: http
          containerPort: 8080
          protocol: TCP
        - name: management
          containerPort: {{ $v.service.managementPort }}
          protocol: TCP
      env:
        - name: RMS_ROLE
          value: {{ .role }}
        - name: MANAGEMENT_SERVER_PORT
          value: {{ $v.service.managementPort | quote }}
        {{- if $v.migrations.job.enabled }}
        # the migration Job (pre-install/pre-upgrade hook) has applied them
        - name: SPRING_FLYWAY_ENABLED
          value: "false"
        {{- end }}
        - name: RMS_METRICS_BACKLOG
          value: {{ ne .role "api" | quote }}
        - name: SPRING_CONFIG_ADDITIONAL_LOCATION
          value: optional:file:/config/
        - name: JAVA_TOOL_OPTIONS
          value: {{ $v.javaToolOptions | quote }}
        - name: SPRING_DATASOURCE_URL
          value: {{ printf "jdbc:postgresql://%s:%d/%s" $v.externalDatabase.host (int $v.externalDatabase.port) $v.externalDatabase.database }}{{ with $v.externalDatabase.jdbcParameters }}?{{ . }}{{ end }}
        # counted in the connection budget (templates/connection-budget.yaml)
        - name: SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE
          value: {{ .settings.databasePoolSize | quote }}
        {{- if and $v.externalDatabase.existingSecret $v.externalDatabase.existingSecretUsernameKey }}
        - name: SPRING_DATASOURCE_USERNAME
          valueFrom:
            secretKeyRef:
              name: {{ $v.externalDatabase.existingSecret }}
              key: {{ $v.externalDatabase.existingSecretUsernameKey }}
        {{- else }}
        - name: SPRING_DATASOURCE_USERNAME
          value: {{ $v.externalDatabase.username | quote }}
        {{- end }}
        {{- if or $v.externalDatabase.existingSecret $v.externalDatabase.password }}
        - name: SPRING_DATASOURCE_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ include "reliable-message-service.databaseSecretName" $ }}
              key: {{ ternary $v.externalDatabase.existingSecretPasswordKey "database-password" (not (empty $v.externalDatabase.existingSecret)) }}
        {{- end }}
        - name: SPRING_RABBITMQ_HOST
          value: {{ $v.externalRabbitmq.host | quote }}
        - name: SPRING_RABBITMQ_PORT
          value: {{ $v.externalRabbitmq.port | quote }}
        - name: SPRING_RABBITMQ_VIRTUAL_HOST
          value: {{ $v.externalRabbitmq.virtualHost | quote }}
        - name: SPRING_RABBITMQ_SSL_ENABLED
          value: {{ $v.externalRabbitmq.ssl | quote }}
        {{- if and $v.externalRabbitmq.existingSecret $v.externalRabbitmq.existingSecretUsernameKey }}
        - name: SPRING_RABBITMQ_USERNAME
          valueFrom:
            secretKeyRef:
              name: {{ $v.externalRabbitmq.existingSecret }}
              key: {{ $v.externalRabbitmq.existingSecretUsernameKey }}
        {{- else }}
        - name: SPRING_RABBITMQ_USERNAME
          value: {{ $v.externalRabbitmq.username | quote }}
        {{- end }}
        {{- if or $v.externalRabbitmq.existingSecret $v.externalRabbitmq.password }}
        - name: SPRING_RABBITMQ_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ include "reliable-message-service.rabbitmqSecretName" $ }}
              key: {{ ternary $v.externalRabbitmq.existingSecretPasswordKey "rabbitmq-password" (not (empty $v.externalRabbitmq.existingSecret)) }}
        {{- end }}
        {{- with include "reliable-message-service.secretEnv" $ | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with $v.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      startupProbe:
        httpGet:
          path: /actuator/health/liveness
          port: management
        periodSeconds: {{ $v.probes.startup.periodSeconds }}
        failureThreshold: {{ $v.probes.startup.failureThreshold }}
        timeoutSeconds: {{ $v.probes.startup.timeoutSeconds }}
      livenessProbe:
        httpGet:
          path: /actuator/health/liveness
          port: management
        periodSeconds: {{ $v.probes.liveness.periodSeconds }}
        failureThreshold: {{ $v.probes.liveness.failureThreshold }}
        timeoutSeconds: {{ $v.probes.liveness.timeoutSeconds }}
      readinessProbe:
        httpGet:
          path: /actuator/health/readiness
          port: management
        periodSeconds: {{ $v.probes.readiness.periodSeconds }}
        failureThreshold: {{ $v.probes.readiness.failureThreshold }}
        timeoutSeconds: {{ $v.probes.readiness.timeoutSeconds }}
      {{- if and (gt (int $v.preStopSleepSeconds) 0) (semverCompare ">=1.30-0" $.Capabilities.KubeVersion.Version) }}
      lifecycle:
        preStop:
          sleep:
            seconds: {{ $v.preStopSleepSeconds }}
      {{- end }}
      resources:
        {{- toYaml .settings.resources | nindent 8 }}
      volumeMounts:
        - name: config
          mountPath: /config
          readOnly: true
        - name: tmp
          mountPath: /tmp
        {{- with $v.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ include "reliable-message-service.fullname" $ }}
    - name: tmp
      emptyDir:
        sizeLimit: {{ $v.tmpSizeLimit }}
    {{- with $v.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- $spread := and (ne .component "jobs") $v.api.defaultSpread }}
  {{- $podLabels := include "reliable-message-service.componentSelectorLabels" (dict "ctx" $ "component" .component) }}
  {{- if $v.affinity }}
  affinity:
    {{- toYaml $v.affinity | nindent 4 }}
  {{- else if $spread }}
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels:
                {{- $podLabels | nindent 16 }}
  {{- end }}
  {{- if $v.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml $v.topologySpreadConstraints | nindent 4 }}
  {{- else if $spread }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- $podLabels | nindent 10 }}
  {{- end }}
{{- end }}

{{/*
A Deployment; call with (dict "ctx" $ "name" ... "component" ... "role" ... "settings" ...
"autoscaled" bool).
*/}}
{{- define "reliable-message-service.deployment" -}}
{{- $ := .ctx }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "reliable-message-service.componentLabels" (dict "ctx" $ "component" .component) | nindent 4 }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ .settings.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "reliable-message-service.componentSelectorLabels" (dict "ctx" $ "component" .component) | nindent 6 }}
  template:
    {{- include "reliable-message-service.podTemplate" . | trim | nindent 4 }}
{{- end }}

{{/*
A PodDisruptionBudget; call with (dict "ctx" $ "name" ... "component" ... "settings" ...).
*/}}
{{- define "reliable-message-service.pdb" -}}
{{- $ := .ctx }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "reliable-message-service.componentLabels" (dict "ctx" $ "component" .component) | nindent 4 }}
spec:
  maxUnavailable: {{ .settings.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "reliable-message-service.componentSelectorLabels" (dict "ctx" $ "component" .component) | nindent 6 }}
{{- end }}
