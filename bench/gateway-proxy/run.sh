#!/usr/bin/env bash
# Gateway benchmark, one command, side by side on this machine in front of the same origin, for two
# origins in turn:
#   ORIGIN=service  the issue's definition: a tuneops service, webhook-service answering
#                   GET /api/cloud/jobs/{id} for a real job (PostgreSQL row + upload progress in Redis)
#   ORIGIN=static   nginx serving a 1 KiB file and a 1 GiB file: the cheapest possible origin, so the
#                   proxies' own cost is most of the work (the harsher comparison)
# and four ways in:
#   direct      the origin itself, no proxy (for the service: with the identity headers a gateway sets)
#   nginx       nginx as a reverse proxy (keep-alive upstream, no buffering; it sets the same identity
#               headers but checks no key)
#   gateway     tuneops gateway-service, API key checked, rate limiting off (RATE_LIMIT_CALLS=0)
#   gateway-rl  the same with rate limiting on (10^9 per 1 s window: never rejects), one Redis decision per request
# Reports the median of RUNS alternating runs: requests/s at full load (wrk), p50/p99 at a fixed
# rate of about half nginx's peak (wrk with a pause before each request, pace.lua: a
# generator cheap enough that half the rate is half the load), 1 GiB download throughput (curl, static origin), Redis
# script runs per limited request (INFO commandstats; each request waits for one round trip, and one
# client's requests that an event loop reads in the same turn share a run), and the ratios to nginx.
#
#   bench/gateway-proxy/run.sh        (both origins; ORIGIN=service|static for one;
#                                      RUNS=5 DURATION=6s CONNECTIONS=50 WARMUP=180s per gateway;
#                                      GATEWAY_CPUS=1: the CPUs the gateways' JVMs see, as in the chart)
#
# Needs nginx, wrk, curl (Debian: apt-get install nginx-light wrk curl) and the packaged
# services (./mvnw package -DskipTests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
each_origin "$0"
RUNS=${RUNS:-5}
DURATION=${DURATION:-6s}
CONNECTIONS=${CONNECTIONS:-50}
WARMUP=${WARMUP:-180s}
work=$(mktemp -d /tmp/tuneops-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as another user
origin_port=18100; nginx_port=18101; gateway_port=18102; gateway_rl_port=18103
pids=()
cleanup() {
  stop_started
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in nginx wrk curl; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
for s in gateway-service webhook-service; do
  [ -f "$root/$s/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
done
identity=("${BENCH_IDENTITY[@]}")

mkdir -p "$work/www"
truncate -s 1G "$work/www/big.bin"
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/small.json"
proxy_headers=()
[ "$ORIGIN" = service ] && proxy_headers=("${identity[@]}")
STATIC=$([ "$ORIGIN" = static ] && echo 1 || true) ACCESS_LOG=1 start_nginx_proxy $origin_port $nginx_port "${proxy_headers[@]}"

start_local_servers
redis_port=${TUNEOPS_REDIS_URL##*:}
admin=$BENCH_ADMIN_TOKEN
[ "$ORIGIN" = service ] && start_webhook_origin $origin_port
start_gateway $gateway_port 0 $origin_port gateway
start_gateway $gateway_rl_port 1000000000 $origin_port gateway-rl
wait_ready $gateway_port; wait_ready $gateway_rl_port

if [ "$ORIGIN" = service ]; then small=/api/cloud/jobs/$job; big=; else small=/api/cloud/jobs/small.json; big=/api/cloud/jobs/big.bin; fi
declare -A port_of=([direct]=$origin_port [nginx]=$nginx_port [gateway]=$gateway_port [gateway-rl]=$gateway_rl_port)
targets=(direct nginx gateway gateway-rl)
headers() {  # target -> wrk/curl header arguments: the gateways get a key, the direct service the identity headers
  case $1 in
    gateway*) printf '%s\n' -H "Authorization: Bearer $admin";;
    direct) [ "$ORIGIN" = service ] && for h in "${identity[@]}"; do printf '%s\n' -H "$h"; done;;
  esac
  return 0
}
declare -A hdr
for t in "${targets[@]}"; do hdr[$t]=$(headers $t); done
h() { printf '%s' "${hdr[$1]}"; }  # one argument per line, for mapfile (nothing: no arguments)
for t in "${targets[@]}"; do  # a benchmark of error pages measures nothing
  mapfile -t H < <(h $t)
  for path in $small $big; do
    code=$(curl -s -o /dev/null -r 0-0 "${H[@]}" -w '%{http_code}' "http://127.0.0.1:${port_of[$t]}$path")
    case $code in 200|206) ;; *) echo "GET $path on $t answered $code" >&2; exit 1;; esac
  done
  # steady state is what a long-running gateway serves at (see warm_up); nginx has no JIT to wait
  # for, and the origin (direct) warms with every target's load before the first measured round
  warm=$WARMUP; case $t in direct|nginx) warm=10s;; esac
  warm_up $t $warm -c$CONNECTIONS "${H[@]}" "http://127.0.0.1:${port_of[$t]}$small"
done
auth="Authorization: Bearer $admin"
[ "$(curl -s -o /dev/null -D - -H "$auth" "http://127.0.0.1:$gateway_rl_port$small" | grep -ci '^x-ratelimit-limit')" = 1 ] \
  || { echo "gateway-rl is not rate limiting" >&2; exit 1; }

redis_calls() {  # script runs (EVALSHA, or EVAL after a Redis restart)
  exec 3<>/dev/tcp/127.0.0.1/$redis_port; printf 'INFO commandstats\r\n' >&3
  timeout 1 cat <&3 | awk -F'[=,:]' '/^cmdstat_eval(sha)?:/ {n += $3} END {print n + 0}'; exec 3<&-
}
rps() { mapfile -t H < <(h $1); wrk -t2 -c$CONNECTIONS -d$DURATION "${H[@]}" "http://127.0.0.1:${port_of[$1]}$small" | awk '/Requests\/sec/ {print $2}'; }
latency() {  # target rate -> "p50 p99 achieved-rate" at about that total rate: wrk with a pause before
  # every request (pace.lua); a first short run at a pause of connections/rate tells this target's own
  # latency under that load (the rate falls short by it), and the measured run's pause makes up for it
  mapfile -t H < <(h $1)
  local url="http://127.0.0.1:${port_of[$1]}$small" first pace
  first=$(awk -v c=$CONNECTIONS -v r=$2 'BEGIN {print c * 1000 / r}')
  pace=$(PACE_MS=$first wrk -t2 -c$CONNECTIONS -d3s -s "$root/bench/gateway-proxy/pace.lua" "${H[@]}" "$url" \
    | awk -v c=$CONNECTIONS -v r=$2 -v p=$first '/Requests\/sec/ {a=$2} END {l = c * 1000 / a - p; q = c * 1000 / r - l; print (q < 0 ? 0 : q)}')
  PACE_MS=$pace wrk -t2 -c$CONNECTIONS -d$DURATION --latency -s "$root/bench/gateway-proxy/pace.lua" "${H[@]}" "$url" \
    | awk 'function ms(v) {if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; return v * 1000}
           /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} /Requests\/sec/ {r=$2} END {printf "%.2f %.2f %.0f", p50, p99, r}'
}
down() {
  [ -n "$big" ] || { echo "-"; return; }
  mapfile -t H < <(h $1)
  curl -s -o /dev/null "${H[@]}" -w '%{speed_download}' "http://127.0.0.1:${port_of[$1]}$big" | awk '{printf "%.0f", $1/1048576}'
}

declare -A r
for run in $(seq 1 "$RUNS"); do
  for t in "${targets[@]}"; do r[$t.rps]+="$(rps $t) "; done
  nginx_peak=$(echo "${r[nginx.rps]}" | tr ' ' '\n' | median | awk '{printf "%d", $1}')
  half=$(( nginx_peak / 2 ))
  for t in "${targets[@]}"; do
    read -r p50 p99 achieved <<< "$(latency $t $half)"
    r[$t.p50]+="$p50 "; r[$t.p99]+="$p99 "; r[$t.rate]+="$achieved "
    r[$t.down]+="$(down $t) "
  done
  before=$(redis_calls)
  n=$(wrk -t2 -c$CONNECTIONS -d3s -H "$auth" "http://127.0.0.1:$gateway_rl_port$small" | awk '/requests in/ {print $1}')
  sleep 1.2  # let the traffic counters' once-a-second flush land in the same measurement
  after=$(redis_calls)
  r[redis]+="$(awk -v a="$before" -v b="$after" -v n="$n" 'BEGIN {printf "%.3f", (b - a) / n}') "
  echo "run $run/$RUNS done" >&2
done

printf '\n%-38s' "metric (median of $RUNS)"; for t in "${targets[@]}"; do printf '%12s' "$t"; done
printf '%14s%14s\n' "gateway/nginx" "gw-rl/nginx"
metrics="rps rate p50 p99 down"; [ -n "$big" ] || metrics="rps rate p50 p99"
what="1 KiB GET"; [ "$ORIGIN" = service ] && what="GET job"
for m in $metrics; do
  label=$(case $m in rps) echo "$what req/s (c=$CONNECTIONS)";; rate) echo "req/s sent for p50/p99 (~${half})";; p50) echo "p50 ms at ~${half} req/s";; p99) echo "p99 ms at ~${half} req/s";; down) echo "1 GiB download MiB/s";; esac)
  printf '%-38s' "$label"
  declare -A med
  for t in "${targets[@]}"; do med[$t]=$(echo ${r[$t.$m]} | tr ' ' '\n' | median); printf '%12s' "${med[$t]}"; done
  awk -v g="${med[gateway]}" -v rl="${med[gateway-rl]}" -v n="${med[nginx]}" 'BEGIN {printf "%14.2f%14.2f\n", g/n, rl/n}'
done
echo "added p99 vs nginx at half its peak: gateway $(awk -v a="$(echo ${r[gateway.p99]} | tr ' ' '\n' | median)" -v b="$(echo ${r[nginx.p99]} | tr ' ' '\n' | median)" 'BEGIN {printf "%.2f", a-b}') ms, gateway-rl $(awk -v a="$(echo ${r[gateway-rl.p99]} | tr ' ' '\n' | median)" -v b="$(echo ${r[nginx.p99]} | tr ' ' '\n' | median)" 'BEGIN {printf "%.2f", a-b}') ms"
echo "Redis script runs per rate-limited request: $(echo ${r[redis]} | tr ' ' '\n' | median) (one client's requests read in one event-loop turn share a run; traffic counters add one pipelined batch per second)"
