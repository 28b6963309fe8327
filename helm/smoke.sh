#!/usr/bin/env bash
# Smoke test of the deployment guide on one Debian machine, with podman instead of Kubernetes:
#  1. JDK and JRE base images made locally (mmdebstrap + podman import), passed to the
#     Dockerfile's JDK_IMAGE / RUNTIME_IMAGE build arguments (their defaults stay for real users);
#  2. the image built from the Dockerfile with podman (the host's extra CAs through the `ca`
#     build secret of docs/deploy.md §1);
#  3. the chart rendered with real Helm and the values of docs/deploy.md §4, read from the guide
#     (helm/src/test/java/io/rms/helm/SmokeManifestsTest.java), plus local overrides, and every
#     manifest validated strictly against the Kubernetes API schema (StrictManifests);
#  4. the database users and the vhost of docs/deploy.md §2 (its SQL and rabbitmqctl blocks,
#     names suffixed _smoke) on the machine's PostgreSQL (127.0.0.1:5432) and RabbitMQ (5672), the
#     Secrets of §3 (its key recipe), the migration pod first, then `podman kube play` of the
#     Deployments (their pods reach the host's loopback as 10.0.2.2 through slirp4netns);
#  5. readiness, then prepare -> confirm -> consume (QueuePeek in the image) -> ack;
#  6. the Deployments played again without the image's AOT cache, and one line: build time,
#     image size, time to ready and api RSS at ready with the AOT cache (-XX:AOTMode=on: a cache
#     the JVM cannot use fails the start) and without it (-XX:AOTMode=off).
# Needs root, PostgreSQL with trust auth for postgres on 127.0.0.1 and rabbitmqctl. What
# `podman kube play` does not do is in docs/deploy.md ("Smoke test without a cluster").
# RMS_SMOKE_KEEP=1 leaves the pods, the database and the vhost in place.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${RMS_SMOKE_WORK:-/var/tmp/rms-smoke}
SUITE=${RMS_SMOKE_SUITE:-trixie}
JDK_BASE=localhost/rms-smoke/jdk:25
JRE_BASE=localhost/rms-smoke/jre:25
IMAGE=localhost/reliable-message-service
TAG=smoke
API=http://127.0.0.1:18080/api/v1     # the api pod's ports, published at +10000
MGMT=http://127.0.0.1:18091
GUIDE=$ROOT/docs/deploy.md
mkdir -p "$WORK"

log() { echo "[smoke $(date +%T)] $*" >&2; }
pm() { podman --runtime runc "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }
T0=$(now)

# --- 0. tools ---------------------------------------------------------------------------------
missing=""
for tool in podman mmdebstrap runc jq; do command -v $tool >/dev/null || missing="$missing $tool"; done
if [ -n "$missing" ]; then
  log "installing$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ ! -f /etc/containers/containers.conf ]; then
  log "writing /etc/containers/containers.conf (no default ulimits, cgroupfs)"
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\ncgroup_manager = "cgroupfs"\n' \
    > /etc/containers/containers.conf
fi

# --- 1. base images ---------------------------------------------------------------------------
base() { # image, packages[, mmdebstrap options]
  if ! pm image exists "$1"; then
    log "making $1 ($2, Debian $SUITE)"
    mmdebstrap --quiet --variant=minbase --include="$2" "${@:3}" "$SUITE" "$WORK/base.tar"
    pm import --quiet --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "$WORK/base.tar" "$1" >/dev/null
    rm -f "$WORK/base.tar"
  fi
}
TB=$(now)
base $JDK_BASE openjdk-25-jdk-headless,ca-certificates,unzip
# like distroless "nonroot": a user 65532 (the training run's embedded PostgreSQL looks it up)
base $JRE_BASE openjdk-25-jre-headless \
  --customize-hook='echo "nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin" >> "$1/etc/passwd"' \
  --customize-hook='echo "nonroot:x:65532:" >> "$1/etc/group"'
BASES_S=$(since "$TB")

# --- 2. the image -----------------------------------------------------------------------------
# the extra CAs this machine trusts (a TLS-intercepting proxy); the whole bundle if none
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  cat /usr/local/share/ca-certificates/*.crt > "$WORK/ca.pem"
else
  cp /etc/ssl/certs/ca-certificates.crt "$WORK/ca.pem"
fi
log "building $IMAGE:$TAG"
TB=$(now)
# bounded: a training run that never ends would otherwise hold the build forever
timeout 1500 podman --runtime runc build --network host --pull=never -t "$IMAGE:$TAG" \
  --build-arg JDK_IMAGE=$JDK_BASE --build-arg RUNTIME_IMAGE=$JRE_BASE \
  --secret id=ca,src="$WORK/ca.pem" -f "$ROOT/Dockerfile" "$ROOT" >"$WORK/build.log" 2>&1 \
  || { tail -60 "$WORK/build.log"; log "image build failed (whole log: $WORK/build.log)"; exit 1; }
BUILD_S=$(since "$TB")
IMAGE_MB=$(pm image inspect --format '{{.Size}}' "$IMAGE:$TAG" | awk '{printf "%.0f", $1 / 1048576}')

# --- 3. PostgreSQL and RabbitMQ as docs/deploy.md §2 says ---------------------------------------
# the fenced block of the guide in this language that contains this text
block() {
  awk -v lang="$1" -v text="$2" '$0 == "```" lang {on = 1; buf = ""; next}
    /^```/ {if (on && index(buf, text)) printf "%s", buf; on = 0; next} on {buf = buf $0 "\n"}' "$GUIDE"
}
smoke_names() { sed -E -e 's/rms_migrator/rms_smoke_migrator/g' \
  -e ':a' -e 's/(^|[ ;])rms([ ;]|$)/\1rms_smoke\2/g' -e 'ta'; }
DB_PW=$(openssl rand -hex 16); MIG_PW=$(openssl rand -hex 16); MQ_PW=$(openssl rand -hex 16)
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q)
cleanup_infra() {
  "${PSQL[@]}" -d postgres -c 'drop database if exists rms_smoke with (force)' \
    -c 'drop role if exists rms_smoke' -c 'drop role if exists rms_smoke_migrator' >/dev/null
  rabbitmqctl -q delete_vhost rms_smoke >/dev/null 2>&1 || true
  rabbitmqctl -q delete_user rms_smoke >/dev/null 2>&1 || true
  rabbitmqctl -q delete_user rms_smoke_cart >/dev/null 2>&1 || true
  for s in rms-db rms-mq rms-migrator rms-dashboard rms-orders rms-cart rms-admin; do
    pm secret rm "$s" >/dev/null 2>&1 || true
  done
}
cleanup_pods() {
  local pods
  pods=$(pm pod ps --format '{{.Name}}' | { grep '^rms-reliable-message-service-' || true; })
  [ -z "$pods" ] || pm pod rm -f $pods >/dev/null
  # the pods' /tmp emptyDir and the ConfigMap become podman volumes named "tmp" and after the map
  for v in tmp rms-reliable-message-service rms-reliable-message-service-dashboard; do
    pm volume rm -f "$v" >/dev/null 2>&1 || true
  done
}
cleanup_pods
cleanup_infra
rm -f "$WORK"/chart-secret-*.json "$WORK"/app.yaml "$WORK"/migrate.yaml
log "database rms_smoke (owner rms_smoke_migrator, runtime user rms_smoke) and vhost rms_smoke"
block sql 'create role rms_migrator' | smoke_names | sed -e "s/<migrator-password>/$MIG_PW/" -e "s/<db-password>/$DB_PW/" \
  > "$WORK/db.sql"
"${PSQL[@]}" -d postgres -f "$WORK/db.sql" >/dev/null
block bash 'rabbitmqctl add_vhost' | grep '^rabbitmqctl' | smoke_names | sed -e "s/<mq-password>/$MQ_PW/" > "$WORK/mq.sh"
grep -q add_vhost "$WORK/mq.sh" || { log "no rabbitmqctl block in the guide"; exit 1; }
grep -q 'create database' "$WORK/db.sql" || { log "no SQL block in the guide"; exit 1; }
bash "$WORK/mq.sh" >/dev/null
# the consuming team's own user (read only, on its subscription's queue): QueuePeek reads as it
CART_MQ_PW=$(openssl rand -hex 16)
rabbitmqctl -q add_user rms_smoke_cart "$CART_MQ_PW" >/dev/null
rabbitmqctl -q set_permissions -p rms_smoke rms_smoke_cart '' '' '^rms\.sub\.cart\..*' >/dev/null
if [ "${RMS_SMOKE_KEEP:-}" != 1 ]; then trap 'cleanup_pods; cleanup_infra' EXIT; fi

# --- Secrets (docs/deploy.md §3: its key recipe) --------------------------------------------------
eval "$(grep -E '^(newkey|stored)\(\) ' "$GUIDE")"
ORDERS_KEY=$(newkey); CART_KEY=$(newkey); ADMIN_KEY=$(newkey)
# podman resolves secretKeyRef from a podman secret holding a JSON object: key -> base64 value
secret() { # name key=value...
  local name=$1 json='{}' kv; shift
  for kv in "$@"; do
    json=$(jq -c --arg k "${kv%%=*}" --arg v "$(printf %s "${kv#*=}" | base64 -w0)" '.[$k] = $v' <<<"$json")
  done
  pm secret rm "$name" >/dev/null 2>&1 || true
  printf %s "$json" | pm secret create "$name" - >/dev/null
}
secret rms-db password="$DB_PW"
secret rms-mq password="$MQ_PW"
secret rms-migrator password="$MIG_PW"
secret rms-dashboard password="$(openssl rand -hex 16)" client-secret=unused
secret rms-orders api-keys="$(stored "$ORDERS_KEY")" check-back-secret="$(openssl rand -hex 32)"
secret rms-cart api-keys="$(stored "$CART_KEY")"
secret rms-admin api-key="$(stored "$ADMIN_KEY")"

# --- 3b. render the chart with the guide's values ----------------------------------------------
cat > "$WORK/overrides.yaml" <<EOF
# the guide's values, pointed at this machine (PostgreSQL and RabbitMQ on the host's loopback)
image: {repository: $IMAGE, tag: $TAG, pullPolicy: Never}
externalDatabase: {host: 10.0.2.2, database: rms_smoke, username: rms_smoke, jdbcParameters: ""}
externalRabbitmq: {host: 10.0.2.2, username: rms_smoke, virtualHost: rms_smoke}
migrations:
  job: {enabled: true, username: rms_smoke_migrator, existingSecret: rms-migrator}
dashboard: {oidc: {enabled: false}}    # the guide's issuer is an example host
extraVolumes: []                       # the guide's database CA: no TLS on this machine
extraVolumeMounts: []
api: {replicas: 1}                     # podman plays replicas as pods: one may hold the host ports
jobs: {replicas: 1}
# the image's AOT cache must be used: with AOTMode=on a cache the JVM rejects fails the start
javaToolOptions: "-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -XX:AOTMode=on"
EOF
log "rendering the chart with the values of docs/deploy.md §4"
(cd "$ROOT" && ./mvnw -B -ntp -q -pl helm -am verify -Dtest=SmokeManifestsTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Drms.smoke.dir="$WORK" >"$WORK/render.log" 2>&1) \
  || { tail -40 "$WORK/render.log"; exit 1; }
[ -s "$WORK/app.yaml" ] || { log "the render wrote no app.yaml"; exit 1; }
for f in "$WORK"/chart-secret-*.json; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .json); name=${name#chart-secret-}
  pm secret rm "$name" >/dev/null 2>&1 || true
  pm secret create "$name" "$f" >/dev/null
done
rm -rf "$WORK"/chart[0-9]*
log "not played by podman: $(tr '\n' ' ' < "$WORK/dropped.txt")"

# --- 4. migration pod first, then the Deployments ----------------------------------------------
NET=slirp4netns:allow_host_loopback=true
log "migration pod"
TM=$(now)
pm kube play --network "$NET" "$WORK/migrate.yaml" >/dev/null
MIGRATOR=rms-reliable-message-service-migrate-migrate
MIGRATE_RC=$(pm wait "$MIGRATOR")
if [ "$MIGRATE_RC" != 0 ]; then pm logs "$MIGRATOR" | tail -30; log "migration exited $MIGRATE_RC"; exit 1; fi
log "migration pod exited 0 after $(since "$TM") s"
pm pod rm -f rms-reliable-message-service-migrate >/dev/null

# seconds from `kube play` of this file to the api pod's readiness
play_ready() {
  local t
  t=$(now)
  pm kube play --network "$NET" "$1" >/dev/null
  until curl -sf "$MGMT/actuator/health/readiness" >/dev/null; do
    if [ "$(awk -v a="$t" -v b="$(now)" 'BEGIN {print (b - a > 300)}')" = 1 ]; then
      pm pod logs "$API_POD" 2>&1 | tail -40 >&2; log "not ready after 300 s"; exit 1
    fi
    sleep 0.5
  done
  since "$t"
}
api_rss() {
  local pid
  pid=$(pm inspect --format '{{.State.Pid}}' "$API_POD-reliable-message-service")
  awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"
}
API_POD=rms-reliable-message-service-api-pod-0
log "api and jobs pods"
READY_S=$(play_ready "$WORK/app.yaml")
RSS_MB=$(api_rss)
log "ready after $READY_S s; health: $(curl -s "$MGMT/actuator/health")"

# --- 5. prepare -> confirm -> consume -> ack --------------------------------------------------
ID=$(curl -sf -H "Authorization: Bearer $ORDERS_KEY" -H 'Content-Type: application/json' \
  -d '{"topic":"order.created","payload":{"orderId":42}}' "$API/messages" | jq -r .id)
[ -n "$ID" ] || { log "prepare failed"; exit 1; }
curl -sf -X POST -H "Authorization: Bearer $ORDERS_KEY" "$API/messages/$ID/confirm" >/dev/null
log "prepared and confirmed $ID"
peek() {
  pm run --rm --network host --entrypoint java "$IMAGE:$TAG" \
    -cp /app/app.jar io.rms.service.tools.QueuePeek \
    rms.sub.cart.order-created 127.0.0.1 5672 rms_smoke_cart "$CART_MQ_PW" rms_smoke
}
for _ in $(seq 1 30); do
  PEEK=$(peek)
  case "$PEEK" in *"message_id:   $ID"*) break ;; esac
  sleep 1
done
case "$PEEK" in *"message_id:   $ID"*) log "consumed it from rms.sub.cart.order-created (vhost rms_smoke)" ;;
  *) echo "$PEEK"; log "message not in the queue"; exit 1 ;; esac
curl -sf -H "Authorization: Bearer $CART_KEY" -H 'Content-Type: application/json' \
  -d "{\"messageIds\":[\"$ID\"]}" "$API/subscriptions/cart.order-created/acks" >/dev/null
for _ in $(seq 1 30); do
  STATUS=$(curl -sf -H "Authorization: Bearer $ORDERS_KEY" "$API/messages/$ID" | jq -r .status)
  [ "$STATUS" = DELIVERED ] && break
  sleep 1
done
[ "$STATUS" = DELIVERED ] || { log "message $ID is $STATUS after the ack"; exit 1; }
log "acked: message $ID DELIVERED"

# --- 6. the same Deployments without the AOT cache --------------------------------------------
AOT_MB=$(pm run --rm --entrypoint stat "$IMAGE:$TAG" -c %s /app/app.aot | awk '{printf "%.0f", $1 / 1048576}')
cleanup_pods
sed 's/-XX:AOTMode=on/-XX:AOTMode=off/' "$WORK/app.yaml" > "$WORK/app-no-aot.yaml"
log "api and jobs pods again, without the AOT cache"
NO_AOT_READY_S=$(play_ready "$WORK/app-no-aot.yaml")
NO_AOT_RSS_MB=$(api_rss)
log "ready after $NO_AOT_READY_S s without the AOT cache"

echo "smoke OK: bases ${BASES_S} s, build ${BUILD_S} s, image ${IMAGE_MB} MB (AOT cache ${AOT_MB} MB)," \
  "ready ${READY_S} s (without the AOT cache ${NO_AOT_READY_S} s)," \
  "api RSS at ready ${RSS_MB} MiB (without ${NO_AOT_RSS_MB} MiB), total $(since "$T0") s"
