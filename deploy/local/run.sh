#!/usr/bin/env bash
# Runs the whole tuneops suite on this machine: PostgreSQL and Redis (embedded, from Maven
# artifacts, unless TUNEOPS_DB_URL and TUNEOPS_REDIS_URL point at external servers), then the six
# services. Waits until the gateway and console-service report ready, prints where things are, and
# stops everything cleanly on Ctrl-C. Data persists between runs under $TUNEOPS_LOCAL_DIR (~/.tuneops/local).
# Job outputs (the S3 objects and their temporary files) are kept under $TUNEOPS_LOCAL_DIR/outputs when
# TUNEOPS_LOCAL_DIR is set, and in the guide's ~/.simpletuner/outputs when it is not
# (TUNEOPS_STORAGE_OUTPUT_PATH, when set, wins over both).
#
#   ./deploy/local/run.sh            build what is missing, then run
#   ./deploy/local/run.sh --rebuild  rebuild first (./mvnw package -DskipTests)
#
# Settings (environment): TUNEOPS_LOCAL_DIR, TUNEOPS_LOCAL_PORT_BASE (8080: gateway 8080,
# webhook 8081, storage 8082, metrics 8083, audit 8084, console 8085), TUNEOPS_LOCAL_PG_PORT (15432),
# TUNEOPS_LOCAL_REDIS_PORT (16379), TUNEOPS_LOCAL_READY_TIMEOUT (180 s), TUNEOPS_JAVA_OPTS, and
# every service setting (TUNEOPS_*, SIMPLETUNER_*), which is passed through to the services.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${TUNEOPS_LOCAL_DIR:-$HOME/.tuneops/local}
logs="$dir/logs"
pg_port=${TUNEOPS_LOCAL_PG_PORT:-15432}
redis_port=${TUNEOPS_LOCAL_REDIS_PORT:-16379}
ready_timeout=${TUNEOPS_LOCAL_READY_TIMEOUT:-180}
# a small initial heap keeps idle services small; a 24 MB young generation keeps collections rare under load
java_opts=${TUNEOPS_JAVA_OPTS:--XX:+UseSerialGC -Xms48m -Xmn24m -Xmx256m}
base=${TUNEOPS_LOCAL_PORT_BASE:-8080}
services=(gateway-service webhook-service storage-service metrics-service audit-service console-service)
declare -A ports=([gateway-service]=$base [webhook-service]=$((base + 1)) [storage-service]=$((base + 2))
                  [metrics-service]=$((base + 3)) [audit-service]=$((base + 4)) [console-service]=$((base + 5)))

mkdir -p "$logs"

# one run at a time per data directory
exec 9>"$dir/run.lock"
if ! flock -n 9; then
  echo "tuneops is already running from $dir (pid $(cat "$dir/run.pid" 2>/dev/null || echo '?')); stop it with Ctrl-C there first." >&2
  exit 1
fi
echo $$ > "$dir/run.pid"

started=$(date +%s%N)
jar_of() { echo "$root/$1/target/quarkus-app/quarkus-run.jar"; }

missing=0
for s in "${services[@]}"; do [ -f "$(jar_of "$s")" ] || missing=1; done
[ -f "$root/local-servers/target/local-servers.jar" ] || missing=1
if [ "${1:-}" = "--rebuild" ] || [ $missing = 1 ]; then
  echo "Building tuneops (./mvnw package -DskipTests)..."
  (cd "$root" && ./mvnw -q -B package -DskipTests)
fi

pids=()
server_pid=
stopping=0
stop_all() {
  [ $stopping = 1 ] && return
  stopping=1
  set +e  # stopping must go all the way, whatever fails on the way
  echo
  echo "Stopping tuneops..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$dir/run.pid"
  echo "Stopped. Data kept in $dir"
}
trap 'stop_all; exit 130' INT TERM HUP
# a closed terminal must not kill this script before it has stopped the services
trap '' PIPE
trap 'stop_all' EXIT

fail() {
  echo "ERROR: $1" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && { echo "--- last lines of $2:" >&2; tail -n 25 "$2" >&2; }
  exit 1
}

# children get their own session: Ctrl-C reaches this script only, which stops them in order
if [ -n "${TUNEOPS_DB_URL:-}" ] && [ -n "${TUNEOPS_REDIS_URL:-}" ]; then
  echo "Using external PostgreSQL ($TUNEOPS_DB_URL) and Redis"
else
  env_file="$dir/servers.env"
  rm -f "$env_file"
  setsid java -cp "$root/local-servers/target/local-servers.jar:$root/local-servers/target/lib/*" \
    io.tuneops.local.LocalServersMain "$dir" "$pg_port" "$redis_port" "$env_file" > "$logs/servers.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    [ -f "$env_file" ] && break
    kill -0 "$server_pid" 2>/dev/null || fail "PostgreSQL/Redis did not start" "$logs/servers.log"
    sleep 0.1
  done
  [ -f "$env_file" ] || fail "PostgreSQL/Redis not up after 60 s" "$logs/servers.log"
  set -a; . "$env_file"; set +a
  echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (data in $dir)"
fi

# secrets: generated once per data directory (0600), handed to the services as files
secrets="$dir/secrets"
mkdir -p "$secrets" && chmod 700 "$secrets"
for name in admin-token internal-secret api-key-secret audit-checkpoint-key encryption-key; do
  if [ ! -s "$secrets/$name" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > "$secrets/$name")
  fi
done
[ -n "${TUNEOPS_ADMIN_TOKEN:-}" ] || export TUNEOPS_ADMIN_TOKEN_FILE="$secrets/admin-token"
[ -n "${TUNEOPS_INTERNAL_SECRET:-}" ] || export TUNEOPS_INTERNAL_SECRET_FILE="$secrets/internal-secret"
[ -n "${TUNEOPS_API_KEY_SECRET:-}" ] || export TUNEOPS_API_KEY_SECRET_FILE="$secrets/api-key-secret"
[ -n "${TUNEOPS_AUDIT_CHECKPOINT_KEY:-}" ] || export TUNEOPS_AUDIT_CHECKPOINT_KEY_FILE="$secrets/audit-checkpoint-key"
[ -n "${TUNEOPS_ENCRYPTION_KEY:-}" ] || export TUNEOPS_ENCRYPTION_KEY_FILE="$secrets/encryption-key"

export TUNEOPS_UPSTREAM_GATEWAY=http://127.0.0.1:${ports[gateway-service]}
export TUNEOPS_UPSTREAM_WEBHOOK=http://127.0.0.1:${ports[webhook-service]}
export TUNEOPS_UPSTREAM_STORAGE=http://127.0.0.1:${ports[storage-service]}
export TUNEOPS_UPSTREAM_METRICS=http://127.0.0.1:${ports[metrics-service]}
export TUNEOPS_UPSTREAM_AUDIT=http://127.0.0.1:${ports[audit-service]}
export TUNEOPS_UPSTREAM_CONSOLE=http://127.0.0.1:${ports[console-service]}
export TUNEOPS_SHUTDOWN_DELAY=${TUNEOPS_SHUTDOWN_DELAY:-1s}
# two local runs with their own data directories must not see each other's objects
if [ -z "${TUNEOPS_STORAGE_OUTPUT_PATH:-}" ] && [ -n "${TUNEOPS_LOCAL_DIR:-}" ]; then
  export TUNEOPS_STORAGE_OUTPUT_PATH="$dir/outputs"
fi
outputs=${TUNEOPS_STORAGE_OUTPUT_PATH:-$HOME/.simpletuner/outputs}

for s in "${services[@]}"; do
  # shellcheck disable=SC2086
  TUNEOPS_HTTP_PORT=${ports[$s]} setsid java $java_opts -jar "$(jar_of "$s")" > "$logs/$s.log" 2>&1 &
  pids+=($!)
done

gateway=http://localhost:${ports[gateway-service]}
# status of GET <path> on a local port: with curl when there is one, else over bash's /dev/tcp (a bare JDK machine)
http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$2" || true
  else
    { exec 8<>"/dev/tcp/127.0.0.1/$1" \
        && printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&8 \
        && head -n 1 <&8 | cut -d' ' -f2; exec 8<&-; } 2>/dev/null || true
  fi
}
# the gateway's readiness route covers the gateway and the owners; console-service owns no API route, so it is asked itself
ready_status() {
  local gateway_status console_status
  gateway_status=$(http_status "${ports[gateway-service]}" /api/cloud/health/ready)
  console_status=$(http_status "${ports[console-service]}" /q/health/ready)
  if [ "$gateway_status" = 200 ] && [ "$console_status" = 200 ]; then
    echo ready
  else
    echo "gateway $gateway_status, console-service $console_status"
  fi
}
deadline=$(( $(date +%s) + ready_timeout ))
until [ "$(ready_status)" = ready ]; do
  for i in "${!services[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || fail "${services[$i]} exited during start-up" "$logs/${services[$i]}.log"
  done
  [ "$(date +%s)" -lt "$deadline" ] || fail "not ready after ${ready_timeout}s (last status: $(ready_status))"
  sleep 0.2
done

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
cat <<MSG

tuneops is ready in $((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 )) s
  gateway:  $gateway   (try: curl $gateway/api/cloud/health/ready)
  console:  $gateway/   (sign in with an API key)
  admin key: $( [ -n "${TUNEOPS_ADMIN_TOKEN:-}" ] && echo "\$TUNEOPS_ADMIN_TOKEN" || echo "cat $secrets/admin-token" )
            (curl -H "Authorization: Bearer \$(cat $secrets/admin-token)" $gateway/api/auth/api-keys)
  logs:     $logs/<service>.log
  data:     $dir
  outputs:  $outputs   (job outputs uploaded over S3; see docs/storage.md, "On-disk layout")
Press Ctrl-C to stop.
MSG

# keep running until Ctrl-C or until a service dies
while true; do
  for i in "${!services[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      fail "${services[$i]} stopped unexpectedly" "$logs/${services[$i]}.log"
    fi
  done
  sleep 1
done
