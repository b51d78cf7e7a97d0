#!/usr/bin/env bash
# Webhook ingestion benchmark, one command: signed Standard Webhooks deliveries (10 % duplicates)
# through the gateway (allowlist + rate limiter on) into webhook-service, each one verified and
# durably committed (delivery id + job update in one transaction) before it is acknowledged.
# Side by side on this machine, the physical reference: a bare `INSERT ... ON CONFLICT DO NOTHING`
# loop with one commit per row (pgbench, same PostgreSQL, same client concurrency).
# Reports the median of RUNS runs: deliveries/s at full load, p50/p99 acknowledgement latency at
# a fixed rate of half that, and the ratio to the reference.
#
#   bench/webhooks/run.sh      (RUNS=3 SECONDS_PER_RUN=15 CONCURRENCY=32 JOBS=500)
#
# Needs curl, python3, wrk, pgbench (Debian: wrk postgresql-client) and the packaged services (./mvnw package -DskipTests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
CONCURRENCY=${CONCURRENCY:-32}
JOBS=${JOBS:-500}
work=$(mktemp -d /tmp/tuneops-webhook-bench.XXXXXX)
gateway_port=18400; webhook_port=18401
pids=()
cleanup() {
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT
for tool in curl pgbench java wrk python3; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
for s in gateway-service webhook-service; do
  [ -f "$root/$s/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
done

start_local_servers
pg_port=$(echo "$TUNEOPS_DB_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
admin=bench-admin-token-0123456789abcdef
secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
common=(TUNEOPS_SHUTDOWN_DELAY=1s TUNEOPS_INTERNAL_SECRET=bench-internal-secret-0123456789
        TUNEOPS_UPSTREAM_WEBHOOK=http://127.0.0.1:$webhook_port)
jvm=${TUNEOPS_JAVA_OPTS:--XX:+UseSerialGC -Xms48m -Xmn24m -Xmx256m}
env "${common[@]}" TUNEOPS_HTTP_PORT=$webhook_port TUNEOPS_ENCRYPTION_KEY=bench-encryption-key-0123456789abcdef \
  java $jvm -jar "$root/webhook-service/target/quarkus-app/quarkus-run.jar" > "$work/webhook.log" 2>&1 &
pids+=($!)
env "${common[@]}" TUNEOPS_HTTP_PORT=$gateway_port TUNEOPS_ADMIN_TOKEN=$admin \
  TUNEOPS_API_KEY_SECRET=bench-api-key-secret-0123456789abcdef TUNEOPS_RATE_LIMIT_WEBHOOK_PROVIDER_CALLS=1000000000 \
  java $jvm -jar "$root/gateway-service/target/quarkus-app/quarkus-run.jar" > "$work/gateway.log" 2>&1 &
pids+=($!)
for port in $webhook_port $gateway_port; do
  for _ in $(seq 1 600); do [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/q/health/ready)" = 200 ] && break; sleep 0.1; done
done
gw=http://127.0.0.1:$gateway_port
# the sender is inside the provider's allowlist, as a provider's webhook service would be
curl -sf -X PUT "$gw/api/cloud/providers/generic" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"webhook_secret\": \"$secret\", \"webhook_allowed_ips\": [\"127.0.0.1/32\"]}" > /dev/null
echo "submitting $JOBS jobs..." >&2
# straight to webhook-service, as the gateway forwards an operator (the gateway's submit limit is 20/min)
for i in $(seq 1 "$JOBS"); do
  curl -sf -X POST "http://127.0.0.1:$webhook_port/api/cloud/jobs/submit?provider=generic" \
    -H "X-Tuneops-Gateway-Secret: bench-internal-secret-0123456789" -H "X-Tuneops-Actor: bench" -H "X-Tuneops-Scopes: operator" \
    -H 'Content-Type: application/json' -d '{"name": "bench"}' | sed -E 's/.*"job_id":"([^"]+)".*/\1/'
  echo
done > "$work/jobs.txt"
# wrk sends pre-signed deliveries (deliveries.py): the load generator costs a fraction of a core
load() {  # seconds rate(0 = as fast as possible)
  python3 "$root/bench/webhooks/deliveries.py" "$secret" "$work/jobs.txt" $(( $1 * 5000 )) 0.1 "127.0.0.1:$gateway_port" "$work/d.lua"
  DELIVERIES="$work/d.lua" THREADS=2 CONNECTIONS=$CONCURRENCY RATE=$2 \
    wrk -t2 -c"$CONCURRENCY" -d"$1"s --latency -s "$root/bench/webhooks/deliveries.lua" "$gw" > "$work/wrk.txt"
  ms() { awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' "$work/wrk.txt"; }
  echo "DELIVERIES_PER_S=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt") P50_MS=$(ms 50%) P99_MS=$(ms 99%) $(grep NON_200 "$work/wrk.txt")"
}
load 20 0 > /dev/null  # warm-up (JIT), not measured

field() { sed -E "s/.*$1=([0-9.]+).*/\1/"; }
: > "$work/max.txt"; : > "$work/ref.txt"
for run in $(seq 1 "$RUNS"); do
  line=$(load "$SECONDS_PER_RUN" 0)
  echo "run $run full load: $line" >&2
  case "$line" in *"NON_200=0"*) ;; *) echo "answers other than 200 (see $work/wrk.txt): $line" >&2; exit 1;; esac
  echo "$line" >> "$work/max.txt"
  PGPASSWORD= psql -q -h 127.0.0.1 -p "$pg_port" -U postgres postgres -c \
    "CREATE TABLE IF NOT EXISTS bench_ref (provider text, webhook_id text, received_at timestamptz DEFAULT now(), PRIMARY KEY (provider, webhook_id))" 2>/dev/null
  echo "INSERT INTO bench_ref (provider, webhook_id) VALUES ('generic', md5(random()::text)) ON CONFLICT DO NOTHING;" > "$work/ref.sql"
  ref=$(PGPASSWORD= pgbench -n -h 127.0.0.1 -p "$pg_port" -U postgres -c "$CONCURRENCY" -j 2 -T "$SECONDS_PER_RUN" -f "$work/ref.sql" postgres 2>/dev/null \
        | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  echo "run $run reference INSERT ... ON CONFLICT: $ref rows/s" >&2
  echo "$ref" >> "$work/ref.txt"
done
peak=$(field DELIVERIES_PER_S < "$work/max.txt" | median)
ref=$(median < "$work/ref.txt")
half=$(awk -v p="$peak" 'BEGIN {printf "%d", p / 2}')
: > "$work/rate.txt"
for run in $(seq 1 "$RUNS"); do
  line=$(load "$SECONDS_PER_RUN" "$half")
  echo "run $run at about $half/s: $line" >&2
  echo "$line" >> "$work/rate.txt"
done
echo
echo "webhook ingestion, median of $RUNS runs, $CONCURRENCY connections, 10 % duplicates, $JOBS jobs"
printf 'full load:         %s deliveries/s (p50 %s ms, p99 %s ms)\n' "$peak" \
  "$(field P50_MS < "$work/max.txt" | median)" "$(field P99_MS < "$work/max.txt" | median)"
printf 'at about %s/s:    %s deliveries/s, p50 %s ms, p99 %s ms\n' "$half" "$(field DELIVERIES_PER_S < "$work/rate.txt" | median)" \
  "$(field P50_MS < "$work/rate.txt" | median)" "$(field P99_MS < "$work/rate.txt" | median)"
printf 'reference:         %.0f bare INSERT ... ON CONFLICT commits/s (pgbench, %s clients)\n' "$ref" "$CONCURRENCY"
awk -v a="$peak" -v b="$ref" 'BEGIN {printf "ratio:             %.2f of the bare insert rate\n", a / b}'
