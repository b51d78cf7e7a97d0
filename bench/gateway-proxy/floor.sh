#!/usr/bin/env bash
# The floor under the gateway figures, for two origins in turn (as run.sh):
#   ORIGIN=service  webhook-service answering GET /api/cloud/jobs/{id} (the issue's origin)
#   ORIGIN=static   nginx serving a 1 KiB file (the cheapest origin, the harsher comparison)
# and four proxies in front of it:
#   nginx     nginx as a reverse proxy (one worker; for the static origin the same worker serves the file)
#   bare      a bare Vert.x proxy (floor/BareProxy.java, compiled against the gateway's own jars):
#             HttpServer, a pooled HttpClient per event loop, pipe; no router, no auth, no logs
#   bare-rl   the same with one EVALSHA of the gateway's sliding-window script per request
#   gateway   gateway-service itself, API key checked, rate limiting on (never rejecting)
# RUNS alternating wrk runs after a warm-up; the median requests/s and CPU per request of each proxy
# process (/proc/<pid>/stat), and the ratios to nginx. The gap between bare-rl and gateway is what
# the gateway's own work costs; the gap between nginx and bare-rl is the floor of the design (a JVM
# proxy with one Redis round trip per request). The end shows how many EVALSHAs failed.
#
#   bench/gateway-proxy/floor.sh      (both origins; ORIGIN=service|static for one; RUNS=5 DURATION=6s WARMUP=180s, as run.sh)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
each_origin "$0"
RUNS=${RUNS:-5}; DURATION=${DURATION:-6s}; WARMUP=${WARMUP:-180s}
work=$(mktemp -d /tmp/tuneops-floor.XXXXXX); chmod 755 "$work"; pids=()
cleanup() {
  stop_started
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for s in gateway-service webhook-service; do
  [ -f "$root/$s/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
done
cp=$(ls "$root"/gateway-service/target/quarkus-app/lib/main/*.jar | tr '\n' ':')
mkdir -p "$work/classes" "$work/www"
javac -nowarn -cp "$cp" -d "$work/classes" "$root/bench/gateway-proxy/floor/BareProxy.java" 2> "$work/javac.log" \
  || { cat "$work/javac.log" >&2; exit 1; }
origin_port=18300
if [ "$ORIGIN" = service ]; then
  start_nginx_proxy $origin_port 18301 "${BENCH_IDENTITY[@]}"
else
  head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/small.json"
  STATIC=1 start_nginx_proxy $origin_port 18301
fi
start_local_servers
url=/api/cloud/jobs/small.json
if [ "$ORIGIN" = service ]; then
  start_webhook_origin $origin_port
  url=/api/cloud/jobs/$job
fi
java $BENCH_GATEWAY_JVM -cp "$work/classes:$cp" BareProxy 18302 $origin_port 0 > "$work/bare.log" 2>&1 & bare=$!; pids+=($bare)
java $BENCH_GATEWAY_JVM -cp "$work/classes:$cp" BareProxy 18303 $origin_port "${TUNEOPS_REDIS_URL##*:}" \
  "$root/gateway-service/src/main/java/io/tuneops/gateway/ratelimit/RedisSlidingWindow.java" > "$work/bare-rl.log" 2>&1 & bare_rl=$!; pids+=($bare_rl)
start_gateway 18304 1000000000 $origin_port gateway
wait_ready 18304
# the bare proxies forward what they get: for the service they get the identity headers nginx sets
bare_headers=()
[ "$ORIGIN" = service ] && for h in "${BENCH_IDENTITY[@]}"; do bare_headers+=(-H "$h"); done
headers_of() {  # port -> the headers wrk sends there, one per line
  case $1 in
    18302|18303) [ ${#bare_headers[@]} -gt 0 ] && printf '%s\n' "${bare_headers[@]}";;
    18304) printf '%s\n' -H "Authorization: Bearer $BENCH_ADMIN_TOKEN";;
  esac
  return 0
}
for port in 18302 18303 18304; do
  mapfile -t H < <(headers_of $port)
  for _ in $(seq 1 100); do curl -sf -o /dev/null "${H[@]}" "http://127.0.0.1:$port$url" && break; sleep 0.1; done
  code=$(curl -s -o /dev/null -w '%{http_code}' "${H[@]}" "http://127.0.0.1:$port$url")
  [ "$code" = 200 ] || { echo "GET $url on port $port answered $code" >&2; exit 1; }
  warm_up "port $port" "$WARMUP" -c50 "${H[@]}" "http://127.0.0.1:$port$url"
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A r
measure() {  # label pid port: appends requests/s and CPU us per request of that process to r[label.*]
  local a b out
  mapfile -t H < <(headers_of "$3")
  a=$(ticks "$2"); out=$(wrk -t2 -c50 -d"$DURATION" "${H[@]}" "http://127.0.0.1:$3$url"); b=$(ticks "$2")
  read -r rps cpu <<< "$(echo "$out" | awk -v a="$a" -v b="$b" -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n = $1} /Requests\/sec/ {r = $2} END {printf "%.0f %.1f", r, (b - a) * 1e6 / hz / n}')"
  r[$1.rps]+="$rps "; r[$1.cpu]+="$cpu "
}
nginx_worker=$(pgrep -P "$(cat "$work/nginx.pid")" -n)
labels=(nginx bare bare-rl gateway)
for run in $(seq 1 "$RUNS"); do
  measure nginx "$nginx_worker" 18301
  measure bare "$bare" 18302
  measure bare-rl "$bare_rl" 18303
  measure gateway "$gateway_pid" 18304
  echo "run $run/$RUNS done" >&2
done
nginx_rps=$(echo ${r[nginx.rps]} | tr ' ' '\n' | median)
printf '\n%-10s %12s %10s %16s   (median of %s, origin: %s)\n' proxy "req/s" "to nginx" "CPU us/request" "$RUNS" "$ORIGIN"
for l in "${labels[@]}"; do
  rps=$(echo ${r[$l.rps]} | tr ' ' '\n' | median); cpu=$(echo ${r[$l.cpu]} | tr ' ' '\n' | median)
  awk -v l="$l" -v r="$rps" -v n="$nginx_rps" -v c="$cpu" 'BEGIN {printf "%-10s %12.0f %9.2fx %16.1f\n", l, r, r / n, c}'
done
[ "$ORIGIN" = static ] && echo "(nginx's CPU includes serving the file: one worker is proxy and origin)"
echo "EVALSHA failures in the rate-limited bare proxy: $(curl -s http://127.0.0.1:18303/__failures)"
