#!/usr/bin/env bash
# Prometheus export benchmark, one command: latency (p50/p99) of `GET /api/cloud/metrics/prometheus`
# with the `full` template over JOBS jobs and AUDIT_ROWS audit entries, and what a scrape costs in
# CPU-ms across every process that works for it (metrics-service, webhook-service, audit-service,
# PostgreSQL with its backends, Redis).
#
# Side by side, the peer: nginx serving a static file of the same size as the export, scraped the
# same way (same client, one keep-alive connection, sequential scrapes as Prometheus does). It is
# the floor of "answer a scrape of this size over HTTP on this machine"; the gap to it is what
# computing the figures at scrape time costs. Once, for scale: the two GROUP BY queries an export
# would run if it counted the job and audit tables instead of reading maintained aggregates.
#
#   bench/metrics/run.sh      (RUNS=5 SCRAPES=300 JOBS=1000000 AUDIT_ROWS=10000000)
#
# gateway-service and storage-service are not started: their readiness (probed by the `health`
# category) is served by nginx as a static `{"status":"UP"}`, and the gateway's Redis counters are
# seeded for ENDPOINTS endpoints.
#
# Needs curl, python3, psql, nginx and the packaged services (./mvnw package -DskipTests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
RUNS=${RUNS:-5}
SCRAPES=${SCRAPES:-300}
JOBS=${JOBS:-1000000}
AUDIT_ROWS=${AUDIT_ROWS:-10000000}
ENDPOINTS=${ENDPOINTS:-40}
work=$(mktemp -d /tmp/tuneops-metrics-bench.XXXXXX)
webhook_port=18501; metrics_port=18503; audit_port=18504; nginx_port=18509
secret=bench-internal-secret-0123456789
pids=()
cleanup() {
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT
for tool in curl python3 psql nginx java; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
for s in webhook-service audit-service metrics-service; do
  [ -f "$root/$s/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
done

start_local_servers
launcher=${pids[0]}
redis_port=${TUNEOPS_REDIS_URL##*:}
pg_port=$(echo "$TUNEOPS_DB_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
sql() { PGPASSWORD= psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres postgres "$@"; }

# nginx: the peer, and the stand-in readiness of gateway-service and storage-service
mkdir -p "$work/nginx/html/q/health" "$work/nginx/logs"
echo '{"status":"UP","checks":[]}' > "$work/nginx/html/q/health/ready"
cat > "$work/nginx/nginx.conf" <<NGINX
$( [ "$(id -u)" = 0 ] && echo 'user root;' )
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/html;
    location = /metrics { default_type "text/plain; version=0.0.4; charset=utf-8"; }
  }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"

common=(TUNEOPS_SHUTDOWN_DELAY=1s TUNEOPS_INTERNAL_SECRET=$secret
        TUNEOPS_UPSTREAM_WEBHOOK=http://127.0.0.1:$webhook_port TUNEOPS_UPSTREAM_AUDIT=http://127.0.0.1:$audit_port
        TUNEOPS_UPSTREAM_METRICS=http://127.0.0.1:$metrics_port
        TUNEOPS_UPSTREAM_GATEWAY=http://127.0.0.1:$nginx_port TUNEOPS_UPSTREAM_STORAGE=http://127.0.0.1:$nginx_port)
jvm=${TUNEOPS_JAVA_OPTS:--XX:+UseSerialGC -Xms48m -Xmn24m -Xmx256m}
start() {  # service port extra-env...
  local service=$1 port=$2; shift 2
  env "${common[@]}" TUNEOPS_HTTP_PORT=$port "$@" \
    java $jvm -jar "$root/$service/target/quarkus-app/quarkus-run.jar" > "$work/$service.log" 2>&1 &
  pids+=($!)
  eval "pid_${service%%-*}=$!"
}
start webhook-service $webhook_port TUNEOPS_ENCRYPTION_KEY=bench-encryption-key-0123456789abcdef
start audit-service $audit_port TUNEOPS_AUDIT_CHECKPOINT_KEY=bench-checkpoint-key-0123456789abcdef
start metrics-service $metrics_port
for port in $webhook_port $audit_port $metrics_port; do
  for _ in $(seq 1 600); do [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/q/health/ready)" = 200 ] && break; sleep 0.1; done
  [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/q/health/ready)" = 200 ] || { echo "service on $port not ready" >&2; exit 1; }
done
pg_pid=$(head -1 "$work/data/postgres/postmaster.pid")
redis_pid=$(for p in /proc/[0-9]*; do
  case "$(cat "$p/comm" 2>/dev/null)" in redis-server*) ;; *) continue;; esac; [ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$launcher" ] && basename "$p" || true
done | head -1)
[ -n "$pg_pid" ] && [ -n "$redis_pid" ] || { echo "PostgreSQL or Redis process not found" >&2; exit 1; }

echo "seeding $JOBS jobs and $AUDIT_ROWS audit entries..." >&2
seed_start=$(date +%s)
# jobs: the trigger on webhook.job appends one delta per row; webhook-service folds them into the totals
# (webhook-service's own search_path; the totals trigger qualifies its tables since V4)
sql <<SQL
SET search_path = webhook, public;
INSERT INTO webhook.job (job_id, provider, provider_job_id, status, submitted_by, name, hardware, cost_usd, predict_time,
                         created_at, updated_at, started_at, completed_at)
SELECT 'bench-' || g, CASE WHEN g % 4 = 0 THEN 'replicate' ELSE 'generic' END, 'bench-' || g,
       CASE WHEN g % 20 = 0 THEN 'pending' WHEN g % 20 = 1 THEN 'queued' WHEN g % 20 = 2 THEN 'running'
            WHEN g % 20 IN (3, 4) THEN 'failed' WHEN g % 20 = 5 THEN 'cancelled' ELSE 'completed' END,
       'key_' || (g % 50), 'bench lora', 'h100', (g % 997) / 100.0,
       CASE WHEN g % 20 >= 3 THEN 60 + g % 3600 END,
       now() - g * interval '10 seconds', now() - g * interval '10 seconds', now() - g * interval '10 seconds',
       CASE WHEN g % 20 >= 3 THEN now() - g * interval '10 seconds' + interval '1 hour' END
FROM generate_series(1, $JOBS) g;
ANALYZE webhook.job;
SQL
# audit entries as bench/audit/run.sh loads them: spread evenly over the last 364 days (inside the
# 365-day retention), 20 event types; audit.type_counts kept in step as the appending transaction does
sql <<SQL
INSERT INTO audit.entries (seq, event_id, time, type, actor, actor_ip, target_type, target_id, action, details, previous_hash, entry_hash)
SELECT 1000000000 + g, 'load-' || g, now() - interval '364 days' + g * (interval '364 days' / $AUDIT_ROWS),
       'type_' || (g % 20), 'key_' || (g % 5000),
       '10.' || (g % 250) || '.' || (g % 200) || '.1', 'job', 'job-' || (g % 100000), 'read', '{}'::jsonb,
       '\x00'::bytea, '\x00'::bytea
FROM generate_series(1, $AUDIT_ROWS) g;
INSERT INTO audit.type_counts (type, entries)
SELECT 'type_' || t, $AUDIT_ROWS / 20 + CASE WHEN t BETWEEN 1 AND $AUDIT_ROWS % 20 THEN 1 ELSE 0 END FROM generate_series(0, 19) t
ON CONFLICT (type) DO UPDATE SET entries = audit.type_counts.entries + EXCLUDED.entries;
ANALYZE audit.entries;
SQL
# the gateway's cluster-wide counters, as its replicas flush them
python3 - "$redis_port" "$ENDPOINTS" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = str(a).encode(); out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
cmds = []
for i in range(n):
    ep = f"{'GET' if i % 3 else 'POST'}_/api/cloud/bench/{i}"
    cmds.append(resp("HSET", "tuneops:metrics:http:requests", ep, 1000 + i * 37))
    cmds.append(resp("HSET", "tuneops:metrics:http:latency_ms_sum", ep, (1000 + i * 37) * 4.5))
    cmds.append(resp("HSET", "tuneops:metrics:http:errors", f"{ep}_500", i))
cmds.append(resp("SET", "tuneops:metrics:rate_limit:violations", 42))
s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"".join(cmds))
got = b""
while got.count(b"\r\n") < len(cmds):
    got += s.recv(65536)
PY
echo "waiting for webhook-service to fold the job deltas into the totals..." >&2
for _ in $(seq 1 1200); do
  left=$(sql -At -c "SELECT count(*) FROM webhook.job_totals_delta")
  [ "$left" -lt 100 ] && break
  sleep 1
done
echo "seeded in $(( $(date +%s) - seed_start )) s; uncompacted deltas: $left" >&2
sql -c "VACUUM ANALYZE webhook.job_totals_delta" -c "CHECKPOINT" > /dev/null

curl -sf -X POST "http://127.0.0.1:$metrics_port/api/cloud/metrics/config/templates/full" \
  -H "X-Tuneops-Gateway-Secret: $secret" -H "X-Tuneops-Actor: bench" -H "X-Tuneops-Scopes: admin" > /dev/null
curl -sf "http://127.0.0.1:$metrics_port/api/cloud/metrics/prometheus" > "$work/export.txt"
grep -q "^simpletuner_jobs_total $JOBS\$" "$work/export.txt" || { echo "export does not show $JOBS jobs:" >&2; grep jobs_total "$work/export.txt" >&2; exit 1; }
grep -q '^simpletuner_audit_log_entries_stored [0-9]' "$work/export.txt" || { echo "no audit figures" >&2; exit 1; }
if grep -q '^simpletuner_scrape_error{.*} 1$' "$work/export.txt"; then echo "scrape errors:" >&2; grep -E '^(#.*unavailable|simpletuner_scrape_error)' "$work/export.txt" >&2; exit 1; fi
cp "$work/export.txt" "$work/nginx/html/metrics"
bytes=$(wc -c < "$work/export.txt")
samples=$(grep -vc '^#' "$work/export.txt")
if command -v promtool >/dev/null; then
  promtool check metrics < "$work/export.txt" > "$work/promtool.txt" 2>&1 || true
  echo "promtool check metrics: $(grep -vc 'abbreviated units' "$work/promtool.txt") remarks besides the documented unit-name notes" >&2
fi

scrape() { python3 "$root/bench/metrics/scrape.py" "$@"; }
groups=(metrics=$pid_metrics webhook=$pid_webhook audit=$pid_audit postgres=children:$pg_pid redis=$redis_pid)
nginx_worker=$(for p in /proc/[0-9]*; do
  [ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$(cat "$work/nginx/nginx.pid")" ] && basename "$p" || true
done | head -1)
# warm-up (JIT, connection pools), not measured
scrape 127.0.0.1:$metrics_port /api/cloud/metrics/prometheus 2000 "${groups[@]}" > /dev/null
scrape 127.0.0.1:$nginx_port /metrics 2000 nginx=$nginx_worker > /dev/null
: > "$work/export.runs"; : > "$work/nginx.runs"
for run in $(seq 1 "$RUNS"); do
  line=$(scrape 127.0.0.1:$metrics_port /api/cloud/metrics/prometheus "$SCRAPES" "${groups[@]}")
  echo "run $run export: $line" >&2; echo "$line" >> "$work/export.runs"
  line=$(scrape 127.0.0.1:$nginx_port /metrics "$SCRAPES" nginx=$nginx_worker)
  echo "run $run nginx:  $line" >&2; echo "$line" >> "$work/nginx.runs"
done

naive() {  # what one scrape would cost if it counted the tables (median of 3, ms)
  for _ in 1 2 3; do
    sql -At <<SQL | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' | awk '{s += $1} END {print s}'
\timing on
SELECT status, count(*), sum(cost_usd), avg(predict_time) FROM webhook.job GROUP BY status;
SELECT type, count(*) FROM audit.entries GROUP BY type;
SQL
  done | median
}
field() { sed -E "s/.* $1=([0-9.]+).*/\1/"; }
naive_ms=$(naive)

echo
echo "Prometheus export, template full, $JOBS jobs, $AUDIT_ROWS audit entries; $bytes bytes, $samples samples;"
echo "median of $RUNS runs of $SCRAPES sequential scrapes over one keep-alive connection"
printf '%-34s %10s %10s\n' "" "export" "nginx"
for f in P50_MS P99_MS CPU_MS_PER_SCRAPE; do
  printf '%-34s %10s %10s\n' "$f" "$(field $f < "$work/export.runs" | median)" "$(field $f < "$work/nginx.runs" | median)"
done
for g in metrics webhook audit postgres redis; do
  printf '%-34s %10s\n' "  CPU-ms per scrape, $g" "$(field CPU_$g < "$work/export.runs" | median)"
done
printf 'reference: counting the tables instead (job GROUP BY + audit GROUP BY): %s ms per scrape\n' "$naive_ms"
