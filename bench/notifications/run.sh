#!/usr/bin/env bash
# Notification delivery latency, one command: job events at a fixed rate (RATE, 200/s) delivered to
# a Standard Webhooks endpoint on this machine, measured from the event (occurred_at in the outbox:
# the commit of the change) to the receiver's arrival time of its first copy; every copy's signature
# is verified and lost events (in the outbox, never received) and duplicates are counted.
#
# Producers (PRODUCER):
#   webhooks  (default) signed status reports through the gateway move pre-submitted generic jobs to
#             running and then completed, each report due at its slot (load.py reports): job.started
#             and job.completed are written by the job's own transaction, as in production; the
#             gateway and the ingestion share the machine's two cores with the delivery
#   sql       pgbench inserts job.completed rows straight into webhook.notification_event at RATE
#             (the outbox write alone, as a producer's transaction does it): the delivery path only
# Both end the same way: pg_notify wakes the router, the router writes the delivery, the dispatcher
# claims it and sends it. Reports the median of RUNS runs after a warm-up run (JIT).
#
#   bench/notifications/run.sh      (RATE=200 SECONDS_PER_RUN=30 RUNS=3 WARMUP=15 PRODUCER=webhooks)
#
# Needs curl, python3, psql, pgbench for PRODUCER=sql (Debian: postgresql-client) and the
# packaged services (./mvnw package -DskipTests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
RATE=${RATE:-200}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-30}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-15}
PRODUCER=${PRODUCER:-webhooks}
work=$(mktemp -d /tmp/tuneops-notify-bench.XXXXXX)
gateway_port=18500; webhook_port=18501; receiver_port=18502
pids=()
cleanup() {
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT
case "$PRODUCER" in webhooks) load_tool=python3;; sql) load_tool=pgbench;; *) echo "PRODUCER is webhooks or sql" >&2; exit 2;; esac
for tool in curl python3 psql java $load_tool; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
for s in gateway-service webhook-service; do
  [ -f "$root/$s/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
done

start_local_servers
pg_port=$(echo "$TUNEOPS_DB_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
psql_() { PGPASSWORD= psql -q -At -h 127.0.0.1 -p "$pg_port" -U postgres postgres "$@"; }
admin=$BENCH_ADMIN_TOKEN
secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
common=(TUNEOPS_SHUTDOWN_DELAY=1s TUNEOPS_INTERNAL_SECRET=$BENCH_INTERNAL_SECRET
        TUNEOPS_UPSTREAM_WEBHOOK=http://127.0.0.1:$webhook_port)
# the receiver is on this machine's loopback address, which production refuses
env "${common[@]}" TUNEOPS_HTTP_PORT=$webhook_port TUNEOPS_ENCRYPTION_KEY=bench-encryption-key-0123456789abcdef \
  TUNEOPS_NOTIFICATIONS_ALLOW_PRIVATE_TARGETS=true TUNEOPS_NOTIFICATIONS_PUBLIC_URL=http://127.0.0.1:$gateway_port \
  java $BENCH_JVM -jar "$root/webhook-service/target/quarkus-app/quarkus-run.jar" > "$work/webhook.log" 2>&1 &
pids+=($!)
env "${common[@]}" TUNEOPS_HTTP_PORT=$gateway_port TUNEOPS_ADMIN_TOKEN=$admin \
  TUNEOPS_API_KEY_SECRET=bench-api-key-secret-0123456789abcdef TUNEOPS_RATE_LIMIT_WEBHOOK_PROVIDER_CALLS=1000000000 \
  java $BENCH_GATEWAY_JVM -jar "$root/gateway-service/target/quarkus-app/quarkus-run.jar" > "$work/gateway.log" 2>&1 &
pids+=($!)
wait_ready $webhook_port
wait_ready $gateway_port
gw=http://127.0.0.1:$gateway_port
curl -sf -X PUT "$gw/api/cloud/providers/generic" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"webhook_secret\": \"$secret\", \"webhook_allowed_ips\": [\"127.0.0.1/32\"]}" > /dev/null
case "$PRODUCER" in webhooks) types='["job.started", "job.completed"]';; sql) types='["job.completed"]';; esac
curl -sf -X POST "$gw/api/webhooks" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"url\": \"http://127.0.0.1:$receiver_port/hooks\", \"event_types\": $types, \"description\": \"bench\"}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])' > "$work/endpoint-secret"
python3 "$root/bench/notifications/receiver.py" $receiver_port "$work/endpoint-secret" "$work/arrivals.txt" &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$receiver_port/" && break; sleep 0.1; done

cat > "$work/insert.sql" <<'SQL'
INSERT INTO webhook.notification_event (event_id, event_type, severity, job_id, data)
VALUES ('evt_bench_' || md5(random()::text || clock_timestamp()::text), 'job.completed', 'info', 'job_bench',
        '{"job_id": "job_bench", "name": "bench", "status": "completed", "provider": "generic", "hardware": "h100", "cost_usd": 0.12}');
SQL

# produce for $1 seconds at RATE, wait until every event of the window arrived (or 60 s), print the figures
run() {
  local seconds=$1 since until
  if [ "$PRODUCER" = webhooks ]; then
    python3 "$root/bench/notifications/load.py" submit $webhook_port $(( seconds * RATE / 2 )) > "$work/jobs.txt"
  fi
  since=$(psql_ -c "SELECT extract(epoch FROM clock_timestamp())")
  if [ "$PRODUCER" = webhooks ]; then
    python3 "$root/bench/notifications/load.py" reports "$secret" "$work/jobs.txt" $gateway_port "$RATE" "$seconds" > "$work/reports.txt"
    grep -q "NON_200=0" "$work/reports.txt" || { echo "status reports answered other than 200: $(cat "$work/reports.txt")" >&2; exit 1; }
  else
    PGPASSWORD= pgbench -n -h 127.0.0.1 -p "$pg_port" -U postgres -c 4 -j 2 -R "$RATE" -T "$seconds" -f "$work/insert.sql" postgres \
      > "$work/pgbench.txt" 2>&1
  fi
  until=$(psql_ -c "SELECT extract(epoch FROM clock_timestamp())")
  local query="SELECT event_id || ' ' || extract(epoch FROM occurred_at) FROM webhook.notification_event
               WHERE event_type = ANY ('{job.started,job.completed}') AND occurred_at >= to_timestamp($since)
               AND occurred_at < to_timestamp($until)"
  psql_ -c "$query" > "$work/events.txt"
  for _ in $(seq 1 600); do
    python3 "$root/bench/notifications/load.py" figures "$work/events.txt" "$work/arrivals.txt" | grep -q " LOST=0 " && break
    sleep 0.1
  done
  echo "$(python3 "$root/bench/notifications/load.py" figures "$work/events.txt" "$work/arrivals.txt")" \
    "PRODUCED_PER_S=$(if [ "$PRODUCER" = webhooks ]; then sed -E 's/.*RATE_REACHED=([0-9]+).*/\1/' "$work/reports.txt";
                       else sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$work/pgbench.txt" | cut -d. -f1; fi)"
}

echo "warm-up ($WARMUP s): $(run "$WARMUP")" >&2
: > "$work/runs.txt"
for i in $(seq 1 "$RUNS"); do
  line=$(run "$SECONDS_PER_RUN")
  echo "run $i: $line" >&2
  echo "$line" >> "$work/runs.txt"
done
field() { sed -E "s/(^|.* )$1=([0-9.]+).*/\2/"; }
sum() { awk '{s += $1} END {print s + 0}'; }
metrics=$(curl -s "http://127.0.0.1:$webhook_port/q/metrics" -H 'Accept: text/plain; version=0.0.4' | grep '^tuneops_notification_deliveries_total' || true)
echo
echo "notification delivery, producer $PRODUCER at $RATE events/s, median of $RUNS runs of $SECONDS_PER_RUN s"
printf 'events/s achieved:  %s\n' "$(field RATE < "$work/runs.txt" | median)"
printf 'event to delivery:  p50 %s ms, p90 %s ms, p99 %s ms, max %s ms\n' "$(field P50_MS < "$work/runs.txt" | median)" \
  "$(field P90_MS < "$work/runs.txt" | median)" "$(field P99_MS < "$work/runs.txt" | median)" "$(field MAX_MS < "$work/runs.txt" | median)"
printf 'lost, duplicates, unverified signatures (sum of runs): %s, %s, %s\n' "$(field LOST < "$work/runs.txt" | sum)" \
  "$(field DUPLICATES < "$work/runs.txt" | sum)" "$(field UNVERIFIED < "$work/runs.txt" | sum)"
echo "webhook-service counters:"
echo "$metrics" | sed 's/^/  /'
