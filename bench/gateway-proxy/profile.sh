#!/usr/bin/env bash
# Where the gateway's CPU goes: one rate-limited gateway in front of an nginx origin (no access log),
# warmed up, then RUNS wrk runs reporting requests/s and CPU per request of the gateway process
# (/proc/<pid>/stat) next to nginx proxying the same origin (nginx's figure includes the origin's
# work: one worker serves both). With PROFILE=1 async-profiler (from Maven Central,
# tools.profiler:async-profiler) is loaded into the running gateway for the measured runs and
# writes collapsed stacks to $OUT (default /tmp/gateway-profile.txt); with JIT=1 it prints
# `jstat -compiler` between runs. Not a benchmark for the README: bench/gateway-proxy/run.sh is.
#
#   PROFILE=1 RUNS=3 bench/gateway-proxy/profile.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
RUNS=${RUNS:-3}; DURATION=${DURATION:-6s}; WARMUP=${WARMUP:-30s}; OUT=${OUT:-/tmp/gateway-profile.txt}
work=$(mktemp -d /tmp/tuneops-profile.XXXXXX); chmod 755 "$work"
origin_port=18200; nginx_port=18201; gateway_port=18202
pids=()
cleanup() {
  cp "$work/gateway.log" "${OUT%.txt}.log" 2>/dev/null || true
  stop_started
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -f "$root/gateway-service/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
agent=""
if [ -n "${PROFILE:-}" ]; then
  (cd "$root" && ./mvnw -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:3.0 -DoutputDirectory="$work/ap")
  (cd "$work/ap" && unzip -q -o async-profiler-3.0.jar 'linux-x64/*')
  agent="$work/ap/linux-x64/libasyncProfiler.so"
fi
mkdir -p "$work/www"; head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/small.json"
STATIC=1 start_nginx_proxy $origin_port $nginx_port
start_local_servers
admin=$BENCH_ADMIN_TOKEN
start_gateway $gateway_port "${CALLS:-1000000000}" $origin_port gateway
wait_ready $gateway_port
auth="Authorization: Bearer $admin"
url() { echo "http://127.0.0.1:$1/api/cloud/jobs/small.json"; }
wrk -t2 -c50 -d"$WARMUP" -H "$auth" "$(url $gateway_port)" > /dev/null
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
redis_pid=$(pgrep -f "redis-server.*:${TUNEOPS_REDIS_URL##*:}" -n || pgrep redis-server -n)
measure() {  # label port pid: CPU per request of that process and of Redis
  local before after rbefore rafter out
  before=$(cpu_ticks "$3"); rbefore=$(cpu_ticks "$redis_pid")
  out=$(wrk -t2 -c50 -d"$DURATION" -H "$auth" "$(url "$2")")
  after=$(cpu_ticks "$3"); rafter=$(cpu_ticks "$redis_pid")
  echo "$out" | awk -v l="$1" -v a="$before" -v b="$after" -v ra="$rbefore" -v rb="$rafter" -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n = $1} /Requests\/sec/ {r = $2}
    END {printf "%-8s %10.0f req/s %8.1f us CPU per request, Redis %5.1f us\n", l, r, (b - a) * 1e6 / hz / n, (rb - ra) * 1e6 / hz / n}'
}
[ -n "$agent" ] && jcmd $gateway_pid JVMTI.agent_load "$agent" "\"start,event=itimer,interval=1ms\"" > /dev/null
nginx_worker=$(pgrep -f "nginx: worker" -n)
for _ in $(seq 1 "$RUNS"); do
  measure nginx $nginx_port "$nginx_worker"
  [ -n "${JIT:-}" ] && jstat -compiler $gateway_pid | tail -1
  measure gateway $gateway_port $gateway_pid
done
if [ -n "$agent" ]; then
  jcmd $gateway_pid JVMTI.agent_load "$agent" "\"stop,collapsed,file=$OUT\"" > /dev/null
  echo "collapsed stacks: $OUT"
fi
# Redis's own view: time inside the script per call (the rest of its CPU per request is I/O)
exec 3<>/dev/tcp/127.0.0.1/${TUNEOPS_REDIS_URL##*:}; printf 'INFO commandstats\r\n' >&3
timeout 1 cat <&3 | grep -E '^cmdstat_(evalsha|eval|zremrangebyscore|zadd|zcard|pexpire|zrange|time):' || true; exec 3<&-
