#!/usr/bin/env bash
# The floor under the gateway figures: nginx as a proxy, a bare Vert.x proxy (floor/BareProxy.java,
# compiled against the gateway's own Vert.x jars) and the same with one EVALSHA of the gateway's
# sliding-window script per request, in front of the same nginx origin (1 KiB file). RUNS wrk runs
# each after a warm-up; requests/s and CPU per request of each proxy process (/proc/<pid>/stat; for
# nginx its one worker, which also serves the origin). The end shows how many EVALSHAs failed.
#
#   bench/gateway-proxy/floor.sh      (RUNS=3 DURATION=6s WARMUP=40s)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
RUNS=${RUNS:-3}; DURATION=${DURATION:-6s}; WARMUP=${WARMUP:-40s}
work=$(mktemp -d /tmp/tuneops-floor.XXXXXX); chmod 755 "$work"; pids=()
cleanup() {
  stop_started
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -f "$root/gateway-service/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
cp=$(ls "$root"/gateway-service/target/quarkus-app/lib/main/*.jar | tr '\n' ':')
mkdir -p "$work/classes" "$work/www"
javac -nowarn -cp "$cp" -d "$work/classes" "$root/bench/gateway-proxy/floor/BareProxy.java" 2> "$work/javac.log" \
  || { cat "$work/javac.log" >&2; exit 1; }
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/small.json"
STATIC=1 start_nginx_proxy 18300 18301
start_local_servers
jvm=${TUNEOPS_JAVA_OPTS:--XX:+UseSerialGC -Xms48m -Xmn24m -Xmx256m}
java $jvm -cp "$work/classes:$cp" BareProxy 18302 18300 0 > "$work/bare.log" 2>&1 & bare=$!; pids+=($bare)
java $jvm -cp "$work/classes:$cp" BareProxy 18303 18300 "${TUNEOPS_REDIS_URL##*:}" \
  "$root/gateway-service/src/main/java/io/tuneops/gateway/ratelimit/RedisSlidingWindow.java" > "$work/bare-rl.log" 2>&1 & bare_rl=$!; pids+=($bare_rl)
url=/api/cloud/jobs/small.json
for port in 18302 18303; do
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port$url" && break; sleep 0.1; done
  wrk -t2 -c50 -d"$WARMUP" "http://127.0.0.1:$port$url" > /dev/null
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() {  # label pid port
  local a b out
  a=$(ticks "$2"); out=$(wrk -t2 -c50 -d"$DURATION" "http://127.0.0.1:$3$url"); b=$(ticks "$2")
  echo "$out" | awk -v l="$1" -v a="$a" -v b="$b" -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n = $1} /Requests\/sec/ {r = $2}
    END {printf "%-8s %8.0f req/s %6.1f us CPU per request\n", l, r, (b - a) * 1e6 / hz / n}'
}
nginx_worker=$(pgrep -P "$(cat "$work/nginx.pid")" -n)
for _ in $(seq 1 "$RUNS"); do
  measure nginx "$nginx_worker" 18301
  measure bare "$bare" 18302
  measure bare-rl "$bare_rl" 18303
done
echo "EVALSHA failures in the rate-limited proxy: $(curl -s http://127.0.0.1:18303/__failures)"
