#!/usr/bin/env bash
# audit-service benchmark, one command: sustained ingestion (Redis stream to committed, chained
# rows), verification throughput over the rows ingested, and query p95 for each filter of the API
# over a large table. Median of RUNS ingestion runs.
#
#   bench/audit/run.sh      (EVENTS=100000 RUNS=3 QUERY_ROWS=10000000 QUERIES=40)
#
# Needs python3 and psql (the PostgreSQL client) and the packaged services (./mvnw package -DskipTests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
EVENTS=${EVENTS:-100000}
RUNS=${RUNS:-3}
QUERY_ROWS=${QUERY_ROWS:-10000000}
QUERIES=${QUERIES:-40}
work=$(mktemp -d /tmp/tuneops-audit-bench.XXXXXX)
port=18300
pids=()
cleanup() {
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT
for tool in python3 psql curl; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
[ -f "$root/audit-service/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)

start_local_servers
redis_port=${TUNEOPS_REDIS_URL##*:}
pg_port=$(echo "$TUNEOPS_DB_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
TUNEOPS_HTTP_PORT=$port TUNEOPS_SHUTDOWN_DELAY=1s TUNEOPS_AUDIT_CHECKPOINT_KEY=bench-checkpoint-key-0123456789abcdef \
TUNEOPS_INTERNAL_SECRET=bench-internal-secret-0123456789 \
  java ${TUNEOPS_JAVA_OPTS:--XX:+UseSerialGC -Xms48m -Xmn24m -Xmx256m} -jar "$root/audit-service/target/quarkus-app/quarkus-run.jar" \
  > "$work/audit.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/q/health/ready)" = 200 ] && break; sleep 0.1; done

python3 - "$redis_port" "$port" "$EVENTS" "$RUNS" <<'PY'
import json, socket, sys, time, urllib.request, statistics, uuid
redis_port, port, events, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
# audit-service answers /api/audit only to an admin the gateway vouched for
ADMIN = {"X-Tuneops-Gateway-Secret": "bench-internal-secret-0123456789", "X-Tuneops-Actor": "bench", "X-Tuneops-Scopes": "admin"}
def total():
    return json.load(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/api/audit/stats",
        headers=ADMIN)))["total"]
def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
rates = []
for run in range(runs):
    base = total()
    s = socket.create_connection(("127.0.0.1", redis_port))
    kind = "bench." + uuid.uuid4().hex[:8]
    start = time.time()
    batch = []
    for i in range(events):
        ev = json.dumps({"id": f"{kind}-{i}", "time": "2026-11-22T08:00:00.000001Z", "type": kind,
                         "actor": f"key_{i % 1000}", "actor_ip": f"198.51.{i % 250}.{i % 200}", "target_type": "route",
                         "target_id": f"GET /api/cloud/jobs/{i}", "action": "read", "details": {"i": i, "ok": True}})
        batch.append(resp("XADD", "tuneops:audit:events", "*", "event", ev))
        if len(batch) == 1000:
            s.sendall(b"".join(batch)); batch = []
            s.recv(1 << 20)
    if batch:
        s.sendall(b"".join(batch))
    deadline = time.time() + 600
    while total() < base + events and time.time() < deadline:
        time.sleep(0.05)
    elapsed = time.time() - start
    rates.append(events / elapsed)
    print(f"ingest run {run + 1}: {events} events in {elapsed:.1f} s = {events / elapsed:,.0f} events/s", file=sys.stderr)
print(f"INGEST_EPS={statistics.median(rates):.0f}")
PY

verify_start=$(date +%s%N)
verify=$(curl -s "http://127.0.0.1:$port/api/audit/verify" \
  -H "X-Tuneops-Gateway-Secret: bench-internal-secret-0123456789" -H "X-Tuneops-Actor: bench" -H "X-Tuneops-Scopes: admin")
verify_ms=$(( ($(date +%s%N) - verify_start) / 1000000 ))
checked=$(echo "$verify" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["entries_checked"]); assert v["valid"], v')
echo "VERIFY rows=$checked ms=$verify_ms rows_per_s=$(( checked * 1000 / (verify_ms > 0 ? verify_ms : 1) ))"

echo "loading $QUERY_ROWS rows for the query benchmark..." >&2
PGPASSWORD= psql -q -h 127.0.0.1 -p "$pg_port" -U postgres postgres <<SQL
INSERT INTO audit.entries (seq, event_id, time, type, actor, actor_ip, target_type, target_id, action, details, previous_hash, entry_hash)
SELECT 1000000000 + g, 'load-' || g, now() - interval '365 days' + g * (interval '365 days' / $QUERY_ROWS),
       'type_' || (g % 20), 'key_' || (g % 5000),
       '10.' || (g % 250) || '.' || (g % 200) || '.1', 'job', 'job-' || (g % 100000), 'read', '{}'::jsonb,
       '\x00'::bytea, '\x00'::bytea
FROM generate_series(1, $QUERY_ROWS) g;
INSERT INTO audit.type_counts (type, entries)
SELECT type, count(*) FROM audit.entries WHERE seq > 1000000000 GROUP BY type
ON CONFLICT (type) DO UPDATE SET entries = audit.type_counts.entries + EXCLUDED.entries;
ANALYZE audit.entries;
SQL

python3 - "$port" "$QUERIES" <<'PY'
import json, random, sys, time, urllib.request, urllib.parse
port, n = int(sys.argv[1]), int(sys.argv[2])
ADMIN = {"X-Tuneops-Gateway-Secret": "bench-internal-secret-0123456789", "X-Tuneops-Actor": "bench", "X-Tuneops-Scopes": "admin"}
def timed(params):
    url = f"http://127.0.0.1:{port}/api/audit?" + urllib.parse.urlencode(params, doseq=True)
    t = time.perf_counter(); body = json.load(urllib.request.urlopen(urllib.request.Request(url, headers=ADMIN))); return (time.perf_counter() - t) * 1000, body
filters = {
    "event_type": lambda: {"event_type": f"type_{random.randrange(20)}"},
    "event_type x2": lambda: {"event_type": [f"type_{random.randrange(20)}", f"type_{random.randrange(20)}"]},
    "actor": lambda: {"actor": f"key_{random.randrange(5000)}"},
    "actor_ip": lambda: {"actor_ip": f"10.{random.randrange(250)}.{random.randrange(200)}.1"},
    "target": lambda: {"target_type": "job", "target_id": f"job-{random.randrange(100000)}"},
    # a random day of the last year (entries are spread evenly over it, in the order they were appended)
    "since/until (1 day)": lambda: (lambda d: {"since": d.strftime("%Y-%m-%dT00:00:00Z"), "until": d.strftime("%Y-%m-%dT23:59:59Z")})(
        __import__("datetime").datetime.utcnow() - __import__("datetime").timedelta(days=random.randrange(1, 364))),
    "no filter, limit 100": lambda: {},
}
for name, make in filters.items():
    times = []
    for _ in range(n):
        ms, body = timed(make())
        times.append(ms)
    times.sort()
    print(f"QUERY {name}: p50={times[len(times) // 2]:.1f} ms p95={times[int(len(times) * 0.95) - 1]:.1f} ms")
# keyset pagination deep into the table
ms, first = timed({"event_type": "type_3", "limit": 1000})
cursor, pages, t0 = first["next_cursor"], 0, time.perf_counter()
while cursor and pages < 20:
    _, page = timed({"event_type": "type_3", "limit": 1000, "cursor": cursor}); cursor = page["next_cursor"]; pages += 1
print(f"QUERY cursor pages of 1000: {(time.perf_counter() - t0) * 1000 / max(pages, 1):.1f} ms per page")
PY
